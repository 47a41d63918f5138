// Design constraints: validation, presets, and the independent check of a finished design.
#include "bio/constraints.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "bio/enzymes.h"
#include "bio/motif.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

constexpr char bases[] = "ACGT";

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", std::round(fraction * 1000.0) / 10.0);
  return text;
}

std::string fraction_text(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", x);
  return text;
}

// "123-128": 1-based inclusive, as people read coordinates.
std::string span_text(std::int64_t start, std::int64_t length) {
  return std::to_string(start + 1) + "-" + std::to_string(start + length);
}

// Lists typed as "BsaI, EcoRI" reach us with the blanks.
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string gc_rule_name(const gc_rule& r) {
  std::string name = "gc " + percent(r.min) + "-" + percent(r.max) + "%";
  if (r.window > 0) name += " per " + std::to_string(r.window) + " bp";
  return name;
}

// "max-homopolymer 9", or per base where the limits differ: "max-homopolymer A/T 12 C/G 5". The
// limit is in the name so that runs under different limits (a resume key, a report) tell apart.
std::string homopolymer_rule_name(const std::array<int, 4>& max_run) {
  std::string name = "max-homopolymer";
  if (max_run[0] > 0 && std::all_of(max_run.begin(), max_run.end(), [&](int l) { return l == max_run[0]; }))
    return name + " " + std::to_string(max_run[0]);
  std::vector<bool> named(4, false);
  for (int b = 0; b < 4; ++b) {
    if (max_run[b] == 0 || named[b]) continue;
    std::string bases;
    for (int c = b; c < 4; ++c)
      if (max_run[c] == max_run[b]) {
        bases += std::string(bases.empty() ? "" : "/") + "ACGT"[c];
        named[c] = true;
      }
    name += " " + bases + " " + std::to_string(max_run[b]);
  }
  return name;
}

int base_index(char c) {
  switch (concrete_base(c)) {
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T': return 3;
    default: return -1;
  }
}

void check_unfilled(std::string_view seq, const std::vector<interval>& designed, std::int64_t origin,
                    std::vector<constraint_violation>& out) {
  for (const auto& h : designed)
    for (auto i = h.start; i < h.end;) {
      if (concrete_base(seq[i])) { ++i; continue; }
      auto j = i;
      while (j < h.end && !concrete_base(seq[j])) ++j;
      out.push_back({"unfilled", origin + i,
                     std::to_string(j - i) + " designed base(s) not A/C/G/T at " + span_text(origin + i, j - i)});
      i = j;
    }
}

// Sites that overlap a designed interval, searched in the interval plus (length - 1) bases of each flank.
void check_motifs(std::string_view seq, const std::vector<interval>& designed, const constraint_set& set,
                  std::int64_t origin, std::vector<constraint_violation>& out) {
  const auto n = static_cast<std::int64_t>(seq.size());
  for (const auto& m : set.motifs) {
    const auto len = static_cast<std::int64_t>(m.site.size());
    std::set<std::pair<std::int64_t, bool>> seen;  // holes close together see the same site
    for (const auto& h : designed) {
      const auto from = std::max<std::int64_t>(0, h.start - len + 1), to = std::min(n, h.end + len - 1);
      for (const auto& hit : find_motif(seq.substr(from, to - from), m.site)) {
        const auto start = from + static_cast<std::int64_t>(hit.start);
        if (!seen.insert({start, hit.reverse_strand}).second) continue;
        out.push_back({"avoid " + m.name, origin + start,
                       m.site + " (" + m.name + ") on the " + (hit.reverse_strand ? "reverse" : "forward") +
                           " strand at " + span_text(origin + start, len)});
      }
    }
  }
}

// Runs through a designed interval, followed into the flanks as far as they go.
void check_runs(std::string_view seq, const std::vector<interval>& designed, const constraint_set& set,
                std::int64_t origin, std::vector<constraint_violation>& out) {
  std::set<std::int64_t> seen;
  for (const auto& h : designed) {
    auto from = h.start, to = h.end;
    widen_through_runs(seq, from, to);
    for (const auto& run : homopolymer_runs(seq.substr(from, to - from), 2)) {
      const auto start = from + static_cast<std::int64_t>(run.start);
      const auto length = static_cast<std::int64_t>(run.length);
      const int limit = set.max_run[base_index(run.base)];
      if (limit == 0 || length <= limit || !seen.insert(start).second) continue;
      out.push_back({homopolymer_rule_name(set.max_run), origin + start,
                     "run of " + std::to_string(length) + " " + run.base + " at " + span_text(origin + start, length) +
                         " (limit " + std::to_string(limit) + ")"});
    }
  }
}

// Windows of one rule inside one designed interval; consecutive failing windows make one violation.
void check_gc_rule(std::string_view seq, const interval& h, const gc_rule& rule, std::int64_t origin,
                   std::vector<constraint_violation>& out) {
  const auto length = h.end - h.start;
  const auto w = (rule.window == 0 || rule.window >= length) ? length : std::int64_t{rule.window};
  std::int64_t lo = 0, hi = 0;
  gc_count_bounds(rule, w, lo, hi);
  std::int64_t gc = 0, unknown = 0;
  auto add = [&](char c, int sign) {
    const auto b = iupac_bases(c);
    if (b == 2 || b == 4 || b == 6) gc += sign;
    else if (!(b == 1 || b == 8 || b == 9)) unknown += sign;
  };
  std::int64_t bad_from = -1, first_gc = 0;
  auto close = [&](std::int64_t end) {
    if (bad_from < 0) return;
    std::string detail = "GC " + fraction_text(static_cast<double>(first_gc) / w) + " in the " + std::to_string(w) +
                         "-base window at " + span_text(origin + bad_from, w) + " (allowed " + fraction_text(rule.min) + "-" +
                         fraction_text(rule.max) + ")";
    if (end - bad_from > 1) detail += "; " + std::to_string(end - bad_from) + " consecutive windows out of bounds";
    out.push_back({gc_rule_name(rule), origin + bad_from, detail});
    bad_from = -1;
  };
  for (auto i = h.start; i < h.end; ++i) {
    add(seq[i], 1);
    if (i - h.start >= w) add(seq[i - w], -1);
    if (i - h.start < w - 1) continue;
    const auto start = i - w + 1;
    const bool bad = gc + unknown > hi || gc < lo;
    if (bad && bad_from < 0) {
      bad_from = start;
      first_gc = gc;
    }
    if (!bad) close(start);
  }
  close(h.end - w + 1);
}

void check_repeats(std::string_view seq, const std::vector<interval>& designed, const constraint_set& set,
                   std::int64_t origin, std::vector<constraint_violation>& out) {
  const int k = set.repeat_k;
  const auto n = static_cast<std::int64_t>(seq.size());
  const auto from = std::max<std::int64_t>(0, designed.front().start - set.repeat_flank);
  const auto to = std::min(n, designed.back().end + set.repeat_flank);
  std::unordered_map<std::uint64_t, std::vector<std::int64_t>> where;  // first two starts of each k-mer
  for (auto i = from; i + k <= to; ++i) {
    std::uint64_t key = 0;
    if (!canonical_kmer(seq, i, k, key)) continue;
    auto& starts = where[key];
    if (starts.size() < 2) starts.push_back(i);
  }
  const std::string name = "avoid-repeats " + std::to_string(k);
  for (const auto& h : designed) {
    std::int64_t run_from = -1, other = -1;
    auto close = [&](std::int64_t end) {
      if (run_from < 0) return;
      std::string detail = "the " + std::to_string(k) + "-mer at " + span_text(origin + run_from, k) +
                           " also occurs at " + span_text(origin + other, k) + " (either strand)";
      if (end - run_from > 1) detail += "; " + std::to_string(end - run_from) + " consecutive repeated k-mers";
      out.push_back({name, origin + run_from, detail});
      run_from = -1;
    };
    for (auto i = std::max(from, h.start - k + 1); i < h.end && i + k <= to; ++i) {
      std::uint64_t key = 0;
      const bool repeated = canonical_kmer(seq, i, k, key) && where[key].size() > 1;
      if (repeated && run_from < 0) {
        run_from = i;
        other = where[key][0] == i ? where[key][1] : where[key][0];
      }
      if (!repeated) close(i);
    }
    close(std::min(h.end, to - k + 1));
  }
}

}  // namespace

status constraint_set::validate() const {
  for (const auto& m : motifs)
    if (auto s = check_motif(m.site); !s) return status::fail("--avoid: " + s.message());
  for (int b = 0; b < 4; ++b)
    if (max_run[b] < 0 || max_run[b] > longest_homopolymer_limit)
      return status::fail("--max-homopolymer: must be in 1.." + std::to_string(longest_homopolymer_limit) + ", got " +
                          std::to_string(max_run[b]) + " for " + bases[b]);
  for (const auto& r : gc) {
    if (!(r.min >= 0.0 && r.max <= 1.0 && r.min <= r.max))
      return status::fail("--gc: bounds must satisfy 0 <= MIN <= MAX <= 1, got " + fraction_text(r.min) + "-" +
                          fraction_text(r.max));
    if (r.window < 0 || r.window > longest_gc_window)
      return status::fail("--gc-window: must be in 1.." + std::to_string(longest_gc_window) + ", got " + std::to_string(r.window));
    // A window's GC is a multiple of 1/window: a range between two of them holds no window at all,
    // said now rather than after every design has failed.
    std::int64_t lo = 0, hi = 0;
    gc_count_bounds(r, r.window, lo, hi);
    if (r.window > 0 && lo > hi)
      return status::fail("--gc-window " + std::to_string(r.window) + ": no window of " + std::to_string(r.window) +
                          " bases has GC in " + fraction_text(r.min) + "-" + fraction_text(r.max) +
                          " (its GC is a multiple of 1/" + std::to_string(r.window) + ")");
  }
  if (repeat_k != 0 && (repeat_k < shortest_repeat_k || repeat_k > longest_repeat_k))
    return status::fail("--avoid-repeats: K must be in " + std::to_string(shortest_repeat_k) + ".." +
                        std::to_string(longest_repeat_k) + ", got " + std::to_string(repeat_k));
  if (repeat_flank < 0) return status::fail("repeat flank must be >= 0");
  return {};
}

std::int64_t constraint_set::reach() const {
  return std::max<std::int64_t>(local_span(), repeat_k > 0 ? std::int64_t{repeat_flank} + repeat_k : 0);
}

int constraint_set::local_span() const {
  int span = repeat_k;
  for (const auto& m : motifs) span = std::max(span, static_cast<int>(m.site.size()));
  for (int limit : max_run) span = std::max(span, limit + 1);
  return span;
}

std::vector<std::string> constraint_names(const constraint_set& set) {
  std::vector<std::string> names;
  for (const auto& m : set.motifs) names.push_back("avoid " + m.name);
  if (set.max_run != std::array<int, 4>{}) names.push_back(homopolymer_rule_name(set.max_run));
  for (const auto& r : set.gc) names.push_back(gc_rule_name(r));
  if (set.repeat_k > 0) names.push_back("avoid-repeats " + std::to_string(set.repeat_k));
  names.push_back("unfilled");
  // Two identical rules (a preset and an option saying the same) report once.
  std::vector<std::string> unique;
  for (auto& name : names)
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(std::move(name));
  return unique;
}

std::vector<constraint_violation> check_constraints(std::string_view seq, const std::vector<interval>& designed,
                                                    const constraint_set& set, std::int64_t origin) {
  std::vector<constraint_violation> out;
  if (designed.empty()) return out;
  check_unfilled(seq, designed, origin, out);
  check_motifs(seq, designed, set, origin, out);
  if (set.max_run != std::array<int, 4>{}) check_runs(seq, designed, set, origin, out);
  std::set<std::string> rules_seen;
  for (const auto& rule : set.gc)
    if (rules_seen.insert(gc_rule_name(rule)).second)
      for (const auto& h : designed) check_gc_rule(seq, h, rule, origin, out);
  if (set.repeat_k > 0) check_repeats(seq, designed, set, origin, out);
  const auto names = constraint_names(set);
  auto rank = [&](const std::string& name) { return std::find(names.begin(), names.end(), name) - names.begin(); };
  std::stable_sort(out.begin(), out.end(), [&](const constraint_violation& a, const constraint_violation& b) {
    return rank(a.constraint) != rank(b.constraint) ? rank(a.constraint) < rank(b.constraint) : a.position < b.position;
  });
  return out;
}

bool canonical_kmer(std::string_view seq, std::int64_t at, int k, std::uint64_t& key) {
  std::uint64_t forward = 0, reverse = 0;
  for (int j = 0; j < k; ++j) {
    const int b = base_index(seq[at + j]);
    if (b < 0) return false;
    forward = (forward << 2) | static_cast<std::uint64_t>(b);
    reverse |= static_cast<std::uint64_t>(3 - b) << (2 * j);
  }
  key = std::min(forward, reverse);
  return true;
}

void gc_count_bounds(const gc_rule& rule, std::int64_t n, std::int64_t& lo, std::int64_t& hi) {
  constexpr double tolerance = 1e-9;
  lo = static_cast<std::int64_t>(std::ceil(rule.min * static_cast<double>(n) - tolerance));
  hi = static_cast<std::int64_t>(std::floor(rule.max * static_cast<double>(n) + tolerance));
  lo = std::max<std::int64_t>(lo, 0);
  hi = std::min(hi, n);
}

status parse_gc_range(std::string_view text, double& min, double& max) {
  const auto bad = [&] {
    return status::fail("--gc: expected MIN-MAX as fractions (0.3-0.7) or percentages (30-70), got '" +
                        std::string(text) + "'");
  };
  const auto dash = text.find('-', 1);
  if (dash == std::string_view::npos) return bad();
  auto number = [](std::string_view part, double& out) {
    if (!part.empty() && part.back() == '%') part.remove_suffix(1);
    // Decimal only: strtod would also read "0x1" (hexadecimal), "inf" and "1e1".
    if (part.empty() || part.size() > 30 || part.find_first_not_of("0123456789.") != std::string_view::npos) return false;
    const std::string s(part);
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(out);
  };
  if (!number(text.substr(0, dash), min) || !number(text.substr(dash + 1), max)) return bad();
  const bool percent_sign = text.find('%') != std::string_view::npos;
  // "0.3-70" or "0.1-1.5": a fraction beside a percentage; either reading could be the one meant.
  if (max > 1.0 && !percent_sign && min > 0.0 && min < 1.0)
    return status::fail("--gc: MIN looks like a fraction and MAX like a percentage; write both as fractions "
                        "(0.3-0.7) or as percentages (30-70, or 0.5%-5% for a bound under 1%), got '" +
                        std::string(text) + "'");
  if (max > 1.0 || percent_sign) {
    min /= 100.0;
    max /= 100.0;
  }
  if (!(min >= 0.0 && max <= 1.0 && min <= max))
    return status::fail("--gc: bounds must satisfy 0 <= MIN <= MAX <= 1 (or 0-100%), got '" + std::string(text) + "'");
  return {};
}

namespace {

// Adds the names of `list`; false at the first empty one.
bool split_names(std::string_view list, std::vector<std::string>& names) {
  for (std::size_t start = 0;;) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view name = trim(list.substr(start, comma - start));
    if (name.empty()) return false;
    names.emplace_back(name);
    if (comma == list.size()) return true;
    start = comma + 1;
  }
}

}  // namespace

status split_name_list(std::string_view option, std::string_view list, std::vector<std::string>& names) {
  if (!split_names(list, names)) return status::fail(std::string(option) + ": " + name_list_problem(list));
  return {};
}

std::string name_list_problem(std::string_view list) {
  std::vector<std::string> names;
  return split_names(list, names) ? std::string() : "an empty name in '" + std::string(list) + "'";
}

status add_forbidden(std::string_view name_or_motif, constraint_set& set) {
  name_or_motif = trim(name_or_motif);
  if (name_or_motif.empty()) return status::fail("--avoid: an empty name");
  forbidden_motif m;
  if (auto s = resolve_motif(name_or_motif, m.site); !s) return status::fail("--avoid: " + s.message());
  const restriction_enzyme* e = find_enzyme(name_or_motif);
  m.name = e ? std::string(e->name) : m.site;
  for (const auto& have : set.motifs)
    if (have.name == m.name) return {};
  set.motifs.push_back(std::move(m));
  return {};
}

const std::vector<std::string>& constraint_presets() {
  static const std::vector<std::string> names = {"twist", "idt", "golden-gate"};
  return names;
}

void limit_homopolymers(const std::array<int, 4>& limits, constraint_set& set) {
  for (int b = 0; b < 4; ++b)
    if (limits[b] > 0) set.max_run[b] = set.max_run[b] == 0 ? limits[b] : std::min(set.max_run[b], limits[b]);
}

void add_gc_range(double min, double max, int window, constraint_set& set) {
  // 0-100% restricts nothing: no rule, so `--gc 0-100` and the studio's untouched range name the same
  // rules (and a batch started in one resumes in the other).
  if (min <= 0.0 && max >= 1.0) return;
  set.gc.push_back({min, max, 0});
  if (window > 0) set.gc.push_back({min, max, window});
}

status build_constraints(const constraint_request& request, constraint_set& set) {
  set = {};
  for (const auto& name : request.avoid)
    if (auto s = add_forbidden(name, set); !s) return s;
  const int h = request.max_homopolymer;
  if (h > 0) limit_homopolymers({h, h, h, h}, set);
  add_gc_range(request.gc_min, request.gc_max, request.gc_window, set);
  set.repeat_k = request.repeat_k;  // before the presets, whose repeat rule keeps the shorter k
  for (const auto& preset : request.presets)
    if (auto s = add_preset(preset, set); !s) return s;
  return set.validate();
}

// The sources of these numbers are in docs/constraints.md; change both together.
status add_preset(std::string_view name, constraint_set& set) {
  name = trim(name);
  auto limit_runs = [&](int at, int gc) { limit_homopolymers({at, gc, gc, at}, set); };
  if (name == "twist") {
    set.gc.push_back({0.25, 0.65, 0});
    set.gc.push_back({0.35, 0.65, 50});
    limit_runs(9, 9);
    set.repeat_k = set.repeat_k == 0 ? 20 : std::min(set.repeat_k, 20);
  } else if (name == "idt") {
    set.gc.push_back({0.25, 0.68, 0});
    set.gc.push_back({0.28, 0.76, 100});
    set.gc.push_back({0.15, 0.90, 20});
    limit_runs(12, 5);
  } else if (name == "golden-gate") {
    for (const char* enzyme : {"BsaI", "BsmBI", "BbsI", "SapI"})
      if (auto s = add_forbidden(enzyme, set); !s) return s;
  } else {
    return status::fail("--constraints: unknown preset '" + std::string(name) + "' (expected twist, idt or golden-gate)");
  }
  return {};
}

}  // namespace dnafill::bio
