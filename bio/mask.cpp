// Masks from lowercase, from runs of N and from BED files (read through htslib's BGZF layer).
#include "bio/mask.h"

#include <htslib/kstring.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

#include "bio/htslib_util.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

template <typename Predicate>
std::vector<interval> runs_where(std::string_view bases, Predicate in_mask) {
  std::vector<interval> out;
  std::size_t i = 0;
  while (i < bases.size()) {
    if (!in_mask(bases[i])) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < bases.size() && in_mask(bases[j])) ++j;
    out.push_back({static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)});
    i = j;
  }
  return out;
}

// Splits on runs of tabs and spaces.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == '\t' || line[i] == ' ')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != '\t' && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool parse_coordinate(std::string_view s, std::int64_t& value) {
  if (s.empty() || s.size() > 15) return false;
  value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// UCSC's header lines: the word "track" or "browser" first (a record may be named track1).
bool skipped_line(std::string_view line) {
  const auto fields = split_fields(line);
  return fields.empty() || line[0] == '#' || fields[0] == "track" || fields[0] == "browser";
}

status parse_bed_line(std::string_view line, interval_map& out, std::string& problem) {
  const std::vector<std::string_view> fields = split_fields(line);
  if (fields.size() < 3) {
    problem = "expected at least 3 columns (name, start, end), found " + std::to_string(fields.size());
    return status::fail(problem);
  }
  interval iv;
  const auto number = [](const char* what, std::string_view field) {
    return std::string(what) + " '" + printable(field) + "' is not a whole number below 10^15";
  };
  if (!parse_coordinate(fields[1], iv.start)) problem = number("start", fields[1]);
  else if (!parse_coordinate(fields[2], iv.end)) problem = number("end", fields[2]);
  else if (iv.end < iv.start) problem = "end " + std::to_string(iv.end) + " is before start " + std::to_string(iv.start);
  // A zero-length interval (an insertion point in BED) masks no base: dropped, it would hide a
  // mistake, and its position could not be checked against its record.
  else if (iv.end == iv.start) problem = "interval " + std::to_string(iv.start) + "-" + std::to_string(iv.end) +
                                         " is empty (start equals end): a mask interval covers at least one base";
  if (!problem.empty()) return status::fail(problem);
  out[std::string(fields[0])].push_back(iv);
  return status();
}

}  // namespace

std::vector<interval> lowercase_mask(std::string_view bases) {
  return runs_where(bases, [](char c) { return c >= 'a' && c <= 'z'; });
}

std::vector<interval> n_mask(std::string_view bases) {
  return runs_where(bases, [](char c) { return c == 'N' || c == 'n'; });
}

std::vector<interval> mask_spec::holes_in(std::string_view bases) const {
  if (from == source::lowercase) return lowercase_mask(bases);
  if (from == source::n) return n_mask(bases);
  return {};
}

status parse_mask_spec(std::string_view text, mask_spec& spec, bool takes_n) {
  spec = {};
  if (text == "lowercase") return {};
  if (text == "N") {
    spec.from = mask_spec::source::n;
    return {};
  }
  if (text.substr(0, 4) == "bed:") {
    spec.from = mask_spec::source::bed;
    spec.bed_path = std::string(text.substr(4));
    if (spec.bed_path.empty()) return status::fail("--mask bed: needs a file name (bed:FILE)");
    return {};
  }
  return status::fail("--mask: unknown value '" + std::string(text) + "' (expected lowercase|" + (takes_n ? "N|" : "") +
                      "bed:FILE)");
}

std::vector<interval> merge_intervals(std::vector<interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const interval& a, const interval& b) { return a.start < b.start || (a.start == b.start && a.end < b.end); });
  std::vector<interval> out;
  for (const interval& iv : intervals) {
    if (iv.end <= iv.start) continue;
    if (!out.empty() && iv.start <= out.back().end) {
      out.back().end = std::max(out.back().end, iv.end);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

std::int64_t covered_bases(const std::vector<interval>& intervals) {
  std::int64_t n = 0;
  for (const interval& iv : intervals) n += iv.end - iv.start;
  return n;
}

status read_bed(const std::string& path, interval_map& out) {
  detail::silence_htslib_log();
  out.clear();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return status::fail(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return status::fail(path + ": cannot open: is a directory");
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  if (!fp) return status::fail(path + ": cannot open");
  kstring_t line = {0, 0, nullptr};
  long line_no = 0;
  status result;
  int n;
  while ((n = detail::read_line(fp.get(), &line)) >= 0) {
    ++line_no;
    std::string_view text(line.s, line.l);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line_no == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
    // A gzip file cut inside its first block is read as plain text by htslib: its magic shows.
    if (line_no == 1 && text.substr(0, 2) == "\x1f\x8b") {
      result = status::fail(path + ": cannot read: truncated or corrupt compressed data");
      break;
    }
    // Another kind of file named as the BED: said so, not met as a bad column on line 1.
    const char* other = line_no == 1 ? (!text.empty() && text[0] == '>' ? "FASTA" : detail::refused_format(text)) : nullptr;
    if (other) {
      result = status::fail(path + ": a " + std::string(other) + " file, not a BED file (record, start, end)");
      break;
    }
    if (skipped_line(text)) continue;
    std::string problem;
    if (!parse_bed_line(text, out, problem).ok()) {
      result = status::fail(path + ": line " + std::to_string(line_no) + ": " + problem);
      break;
    }
  }
  std::free(line.s);
  if (result.ok() && n == -2)
    result = status::fail(detail::compressed_data_problem(path, line_no));
  // A bgzipped BED cut at a block boundary reads cleanly to where it was cut.
  if (result.ok() && detail::lacks_eof_block(fp.get()))
    result = status::fail(path + ": truncated BGZF file (end-of-file marker missing)");
  if (result.ok() && out.empty()) result = status::fail(path + ": no intervals in the BED file");
  if (!result.ok()) {
    out.clear();
    return result;
  }
  for (auto& entry : out) entry.second = merge_intervals(std::move(entry.second));
  return status();
}

status check_intervals(const std::string& record, const std::vector<interval>& intervals, std::int64_t length) {
  for (const interval& iv : intervals) {
    if (iv.start < 0 || iv.end > length || iv.end < iv.start) {
      return status::fail("record '" + printable(record) + "': interval " + std::to_string(iv.start) + "-" +
                          std::to_string(iv.end) + " lies outside the record (length " + std::to_string(length) + ")");
    }
  }
  return status();
}

status hole_finder::open(std::string_view mask, const std::string& input) {
  *this = hole_finder{};
  mask_ = std::string(mask);
  input_ = input;
  if (auto s = parse_mask_spec(mask, spec_); !s) return s;
  if (spec_.from == mask_spec::source::bed)
    if (auto s = read_bed(spec_.bed_path, bed_); !s) return status::fail("--mask: " + s.message());
  return {};
}

std::vector<interval> hole_finder::holes_of(const std::string& name, std::string_view bases) const {
  if (spec_.from != mask_spec::source::bed) return spec_.holes_in(bases);
  const auto it = bed_.find(name);
  return it == bed_.end() ? std::vector<interval>{} : it->second;
}

status hole_finder::next(const std::string& name, std::string_view bases, std::vector<interval>& holes) {
  records_ += 1;
  holes = holes_of(name, bases);
  holes_ += static_cast<std::int64_t>(holes.size());
  if (spec_.from != mask_spec::source::bed) return {};
  // A BED interval finds its record by name: two records of that name (both reads of a pair) would
  // both be designed, and designs are kept by record number.
  if (auto [it, added] = seen_.emplace(name, records_); !added && bed_.count(name))
    return status::fail("--in: " + input_ + ": record '" + printable(name) + "' appears twice (records " + std::to_string(it->second) +
                        " and " + std::to_string(records_) + "), so a BED interval cannot name it");
  if (auto s = check_intervals(name, holes, static_cast<std::int64_t>(bases.size())); !s)
    return status::fail("--mask: " + spec_.bed_path + ": " + s.message());
  return {};
}

status hole_finder::finish() const {
  for (const auto& [name, intervals] : bed_)
    if (!seen_.count(name))
      return status::fail("--mask: " + spec_.bed_path + ": unknown record '" + printable(name) + "' (not in " + input_ + ")");
  if (holes_ == 0) return status::fail("--mask " + mask_ + ": no base is masked in any record of " + input_);
  return {};
}

}  // namespace dnafill::bio
