// Decoding-time enforcement of design constraints: allowed bases per position, GC feasibility as a
// system of difference constraints, k-mer counts, and re-masking at dead ends.
#include "core/constraint_mask.h"

#include <algorithm>
#include <cmath>

#include "bio/sequence.h"

namespace dnafill::core {
namespace {

constexpr char base_letters[] = "ACGT";
constexpr char masked = '.';

bool is_gc_base(int base) { return base == 1 || base == 2; }

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

// ---- gc_feasibility ----------------------------------------------------------------------------

template <typename Visit>
void gc_feasibility::for_each_edge(std::int64_t j, Visit visit) const {
  // An edge j -> k of weight w says S_k - S_j <= w.
  if (j < n_) visit(j + 1, state_[j] == at_base ? 0 : 1);
  if (j > 0) visit(j - 1, state_[j - 1] == gc_base ? -1 : 0);
  for (const auto& r : rules_) {
    if (j + r.width <= n_) visit(j + r.width, r.hi);
    if (j - r.width >= 0) visit(j - r.width, -r.lo);
  }
}

bool gc_feasibility::reset(std::int64_t n, const std::vector<bio::gc_rule>& rules) {
  n_ = n;
  state_.assign(n, free_base);
  potential_.assign(n + 1, 0);
  queued_.assign(n + 1, 0);
  rules_.clear();
  feasible_ = n > 0;
  for (const auto& rule : rules) {
    // A window as long as the interval (or longer) is the interval as a whole.
    const std::int64_t width = rule.window == 0 || rule.window >= n ? n : rule.window;
    window_rule r{width, 0, 0};
    bio::gc_count_bounds(rule, width, r.lo, r.hi);
    auto same = std::find_if(rules_.begin(), rules_.end(), [&](const window_rule& x) { return x.width == width; });
    if (same == rules_.end()) rules_.push_back(r);
    else {
      same->lo = std::max(same->lo, r.lo);
      same->hi = std::min(same->hi, r.hi);
    }
  }
  for (const auto& r : rules_) feasible_ = feasible_ && r.lo <= r.hi;
  if (feasible_) feasible_ = initial_solution();
  return feasible_;
}

// Bellman-Ford from a balanced guess (GC spread evenly at a rate every rule accepts), which is already
// a solution in the usual case. Passes alternate direction: forward edges settle in one forward pass,
// backward edges in one backward pass. Still changing after n + 2 passes means a negative cycle.
bool gc_feasibility::initial_solution() {
  double low = 0.0, high = 1.0;
  for (const auto& r : rules_) {
    low = std::max(low, static_cast<double>(r.lo) / r.width);
    high = std::min(high, static_cast<double>(r.hi) / r.width);
  }
  const double rate = std::clamp((low + high) / 2.0, 0.0, 1.0);
  for (std::int64_t j = 0; j <= n_; ++j) potential_[j] = static_cast<std::int64_t>(std::floor(rate * j + 0.5));
  const std::int64_t max_passes = std::min<std::int64_t>(n_ + 2, 20000);
  for (std::int64_t pass = 0; pass < max_passes; ++pass) {
    bool changed = false;
    auto relax_from = [&](std::int64_t j) {
      for_each_edge(j, [&](std::int64_t k, std::int64_t w) {
        if (potential_[j] + w < potential_[k]) {
          potential_[k] = potential_[j] + w;
          changed = true;
        }
      });
    };
    if (pass % 2 == 0)
      for (std::int64_t j = 0; j <= n_; ++j) relax_from(j);
    else
      for (std::int64_t j = n_; j >= 0; --j) relax_from(j);
    if (!changed) return true;
  }
  return false;  // a negative cycle (or, past 20,000 passes, too hard to tell: treated as impossible)
}

// Adds S_to - S_from <= weight (already reflected in state_) and propagates from `to`. The old
// potentials satisfied every other edge, so a negative cycle must use the new edge: it exists iff the
// propagation comes back to lower `from`.
bool gc_feasibility::add_edge(std::int64_t from, std::int64_t to, std::int64_t weight, bool keep) {
  if (potential_[to] <= potential_[from] + weight) return true;
  undo_.clear();
  queue_.clear();
  auto lower = [&](std::int64_t k, std::int64_t value) {
    undo_.emplace_back(k, potential_[k]);
    potential_[k] = value;
    if (!queued_[k]) {
      queued_[k] = 1;
      queue_.push_back(k);
    }
  };
  lower(to, potential_[from] + weight);
  bool ok = true;
  for (std::size_t head = 0; head < queue_.size() && ok; ++head) {
    const auto j = queue_[head];
    queued_[j] = 0;
    for_each_edge(j, [&](std::int64_t k, std::int64_t w) {
      if (!ok || potential_[j] + w >= potential_[k]) return;
      if (k == from) ok = false;
      else lower(k, potential_[j] + w);
    });
  }
  for (auto k : queue_) queued_[k] = 0;
  if (!ok || !keep)
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) potential_[it->first] = it->second;
  return ok;
}

bool gc_feasibility::allows(std::int64_t i, bool gc) {
  if (state_[i] != free_base) return state_[i] == (gc ? gc_base : at_base);
  if (!feasible_) return true;
  state_[i] = gc ? gc_base : at_base;
  const bool ok = gc ? add_edge(i + 1, i, -1, false) : add_edge(i, i + 1, 0, false);
  state_[i] = free_base;
  return ok;
}

bool gc_feasibility::decide(std::int64_t i, bool gc) {
  state_[i] = gc ? gc_base : at_base;
  if (!feasible_) return true;
  const bool ok = gc ? add_edge(i + 1, i, -1, true) : add_edge(i, i + 1, 0, true);
  if (!ok) state_[i] = free_base;
  return ok;
}

void gc_feasibility::release(std::int64_t i) { state_[i] = free_base; }

// ---- constraint_guard --------------------------------------------------------------------------

constraint_guard::constraint_guard(const bio::constraint_set& set, const gc_tilt& tilt, std::string_view text,
                                   const std::vector<bio::interval>& holes, int rows, int max_dead_ends)
    : set_(set), tilt_(tilt), max_dead_ends_(max_dead_ends) {
  const auto n = static_cast<std::int64_t>(text.size());
  auto from = std::max<std::int64_t>(0, holes.front().start - set.reach());
  auto to = std::min(n, holes.back().end + set.reach());
  bio::widen_through_runs(text, from, to);  // a homopolymer's length is its whole run
  scope_start_ = from;
  row_state proto;
  proto.bases.resize(to - from);
  // U as T: the runs and k-mers of the flanks are counted as the model reads them.
  for (std::int64_t i = from; i < to; ++i) {
    const char base = bio::concrete_base(text[i]);
    proto.bases[i - from] = base ? base : upper(text[i]);
  }
  hole_of_.assign(to - from, -1);
  for (std::size_t h = 0; h < holes.size(); ++h) {
    holes_.push_back({holes[h].start - from, holes[h].end - from});
    for (auto i = holes_.back().start; i < holes_.back().end; ++i) {
      hole_of_[i] = static_cast<int>(h);
      proto.bases[i] = masked;
    }
    if (set.gc.empty()) continue;
    proto.gc.emplace_back();
    // false: no sequence of the hole's length can meet its GC rules; they are then not enforced and
    // the final check reports the design.
    (void)proto.gc.back().reset(holes[h].end - holes[h].start, set.gc);
  }
  for (const auto& m : set.motifs) {
    patterns_.push_back(m.site);
    const auto rc = bio::reverse_complement(m.site);
    if (rc != m.site) patterns_.push_back(rc);
  }
  repeat_from_ = std::max<std::int64_t>(0, holes.front().start - set.repeat_flank) - from;
  repeat_to_ = std::min(n, holes.back().end + set.repeat_flank) - from;
  if (set.repeat_k > 0)
    for (auto s = repeat_from_; s + set.repeat_k <= repeat_to_; ++s) {
      std::uint64_t key = 0;
      if (kmer_at(proto.bases, s, key)) ++proto.kmers[key];
    }
  rows_.assign(rows, proto);
}

bool constraint_guard::completes_motif(const std::string& s, std::int64_t at) const {
  const auto size = static_cast<std::int64_t>(s.size());
  for (const auto& p : patterns_) {
    const auto length = static_cast<std::int64_t>(p.size());
    for (auto start = std::max<std::int64_t>(0, at - length + 1); start <= at && start + length <= size; ++start) {
      std::int64_t j = 0;
      while (j < length && s[start + j] != masked && bio::iupac_covers(p[j], s[start + j])) ++j;
      if (j == length) return true;
    }
  }
  return false;
}

bool constraint_guard::run_too_long(const std::string& s, std::int64_t at, int base) const {
  const int limit = set_.max_run[base];
  if (limit == 0) return false;
  const char c = base_letters[base];
  std::int64_t run = 1;
  for (auto i = at - 1; i >= 0 && s[i] == c; --i) ++run;
  for (auto i = at + 1; i < static_cast<std::int64_t>(s.size()) && s[i] == c; ++i) ++run;
  return run > limit;
}

bool constraint_guard::kmer_at(const std::string& s, std::int64_t start, std::uint64_t& key) const {
  return bio::canonical_kmer(s, start, set_.repeat_k, key);  // '.' is not a base: incomplete k-mers fail
}

// With the candidate base at `at`: does a k-mer through it now occur twice (with one seen before, or
// two of the new ones equal, as in a long run)?
bool constraint_guard::repeats_kmer(const row_state& r, std::int64_t at) const {
  const int k = set_.repeat_k;
  if (k == 0) return false;
  std::vector<std::uint64_t> fresh;
  for (auto start = std::max(repeat_from_, at - k + 1); start <= at && start + k <= repeat_to_; ++start) {
    std::uint64_t key = 0;
    if (!kmer_at(r.bases, start, key)) continue;
    const auto seen = r.kmers.find(key);
    if ((seen != r.kmers.end() && seen->second > 0) || std::find(fresh.begin(), fresh.end(), key) != fresh.end())
      return true;
    fresh.push_back(key);
  }
  return false;
}

void constraint_guard::count_kmers(row_state& r, std::int64_t at, int delta) const {
  const int k = set_.repeat_k;
  if (k == 0) return;
  for (auto start = std::max(repeat_from_, at - k + 1); start <= at && start + k <= repeat_to_; ++start) {
    std::uint64_t key = 0;
    if (kmer_at(r.bases, start, key)) r.kmers[key] += delta;
  }
}

unsigned constraint_guard::allowed(int row, std::int64_t pos) {
  auto& r = rows_[row];
  const auto i = pos - scope_start_;
  const int h = hole_of_[i];
  int gc_ok[2] = {-1, -1};  // asked once per class: GC feasibility is the costly question
  unsigned mask = 0;
  for (int b = 0; b < 4; ++b) {
    r.bases[i] = base_letters[b];
    bool ok = !completes_motif(r.bases, i) && !run_too_long(r.bases, i, b) && !repeats_kmer(r, i);
    if (ok && h >= 0 && !r.gc.empty()) {
      int& known = gc_ok[is_gc_base(b)];
      if (known < 0) known = r.gc[h].allows(i - holes_[h].start, is_gc_base(b));
      ok = known == 1;
    }
    if (ok) mask |= 1u << b;
  }
  r.bases[i] = masked;
  return mask;
}

void constraint_guard::tilt(int row, std::int64_t pos, double* log_weights) const {
  if (tilt_.target < 0.0) return;
  const auto i = pos - scope_start_;
  const int h = hole_of_[i];
  if (h < 0) return;
  constexpr std::int64_t reach = 50;  // the GC the tilt steers is local, as synthesis rules count it
  const auto& s = rows_[row].bases;
  std::int64_t gc = 0, decided = 0;
  for (auto j = std::max(holes_[h].start, i - reach); j < std::min(holes_[h].end, i + reach + 1); ++j) {
    if (s[j] == masked) continue;
    ++decided;
    gc += s[j] == 'C' || s[j] == 'G';
  }
  if (decided == 0) return;
  const double theta = tilt_.weight * (tilt_.target - static_cast<double>(gc) / decided);
  log_weights[1] += theta;
  log_weights[2] += theta;
}

void constraint_guard::commit(int row, std::int64_t pos, int base, bool forced) {
  auto& r = rows_[row];
  const auto i = pos - scope_start_;
  r.bases[i] = base_letters[base];
  count_kmers(r, i, +1);
  const int h = hole_of_[i];
  if (h >= 0 && !r.gc.empty()) {
    auto& gc = r.gc[h];
    if (!gc.decide(i - holes_[h].start, is_gc_base(base))) {
      gc.abandon();  // only a forced base gets here: the rules cannot be met any more, the check says so
      (void)gc.decide(i - holes_[h].start, is_gc_base(base));
    }
  }
  if (forced) ++stats_.forced;
}

std::vector<std::int64_t> constraint_guard::dead_end(int row, std::int64_t pos, std::int64_t lo, std::int64_t hi) {
  auto& r = rows_[row];
  std::vector<std::int64_t> freed;
  if (r.dead_ends >= max_dead_ends_) return freed;
  // The first retry frees what a local rule can see; a dead end that comes back frees ever more, up to
  // 16 times as far (a GC window that forces the class of this base may reach further).
  const int tries = ++r.tries[pos];
  const std::int64_t radius = std::int64_t{std::max(4, set_.local_span())} << std::min(tries - 1, 4);
  for (auto q = std::max(lo, pos - radius); q < std::min(hi, pos + radius + 1); ++q) {
    const auto i = q - scope_start_;
    if (q == pos || i < 0 || i >= static_cast<std::int64_t>(hole_of_.size()) || hole_of_[i] < 0 || r.bases[i] == masked)
      continue;
    count_kmers(r, i, -1);
    r.bases[i] = masked;
    if (!r.gc.empty()) r.gc[hole_of_[i]].release(i - holes_[hole_of_[i]].start);
    freed.push_back(q);
  }
  if (freed.empty()) return freed;
  ++r.dead_ends;
  ++stats_.dead_ends;
  stats_.remasked += static_cast<std::int64_t>(freed.size());
  return freed;
}

unsigned constraint_guard::window_view::allowed(std::int64_t row, std::int64_t pos) {
  return guard_.allowed(static_cast<int>(row), pos + offset_);
}

void constraint_guard::window_view::tilt(std::int64_t row, std::int64_t pos, double* log_weights) {
  guard_.tilt(static_cast<int>(row), pos + offset_, log_weights);
}

void constraint_guard::window_view::commit(std::int64_t row, std::int64_t pos, int base, bool forced) {
  guard_.commit(static_cast<int>(row), pos + offset_, base, forced);
}

std::vector<std::int64_t> constraint_guard::window_view::dead_end(std::int64_t row, std::int64_t pos) {
  auto freed = guard_.dead_end(static_cast<int>(row), pos + offset_, lo_, hi_);
  for (auto& q : freed) q -= offset_;
  return freed;
}

}  // namespace dnafill::core
