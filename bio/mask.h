// Masks: which bases of a record to regenerate, as 0-based half-open intervals, from lowercase
// letters, from runs of N, or from a BED file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bio/status.h"

namespace dnafill::bio {

struct interval {
  std::int64_t start = 0;  // 0-based, inclusive
  std::int64_t end = 0;    // 0-based, exclusive
  bool operator==(const interval& o) const { return start == o.start && end == o.end; }
};

// Maximal runs of lowercase letters (soft-masked bases).
std::vector<interval> lowercase_mask(std::string_view bases);

// Maximal runs of N or n (an assembly's gaps). Other ambiguity codes (R, Y, ...) are bases with a
// choice left open, and are not included.
std::vector<interval> n_mask(std::string_view bases);

// --mask as the design commands take it: lowercase | N | bed:FILE.
struct mask_spec {
  enum class source { lowercase, n, bed } from = source::lowercase;
  std::string bed_path;  // for bed:FILE

  // The holes of a record's bases under a lowercase or N mask; a BED mask finds records by name
  // (read_bed), so none here.
  std::vector<interval> holes_in(std::string_view bases) const;
};

// Errors name the option: "--mask: unknown value 'X' (expected lowercase|N|bed:FILE)", "--mask bed:
// needs a file name (bed:FILE)". Without `takes_n` (score: an N has no base to score) N is not listed
// among the values expected; the caller refuses N itself, in its own words.
status parse_mask_spec(std::string_view text, mask_spec& spec, bool takes_n = true);

// Sorts and merges overlapping or touching intervals; drops empty ones.
std::vector<interval> merge_intervals(std::vector<interval> intervals);

// Total number of bases covered (intervals assumed merged).
std::int64_t covered_bases(const std::vector<interval>& intervals);

// Per record name, its merged intervals.
using interval_map = std::map<std::string, std::vector<interval>>;

// Reads a BED file (plain, gzip or bgzip; streamed): name, start, end (0-based half-open, the BED
// convention) in the first three tab- or space-separated columns; further columns ignored; blank
// lines, lines starting with '#' and lines whose first word is "track" or "browser" skipped.
// Intervals are merged per name.
// Errors ("PATH: line N: problem"): fewer than 3 columns, a bad number, end before start, an empty
// (zero-length) interval, an empty file (no intervals), read failures.
status read_bed(const std::string& path, interval_map& out);

// Checks that every interval fits in a record of `length` bases. Error names the record and interval.
status check_intervals(const std::string& record, const std::vector<interval>& intervals, std::int64_t length);

// The holes of each record of a file under --mask, found as its records are read, in order (from
// memory or streamed): lowercase and N from the bases, a BED's intervals by the record's name. It
// checks what the whole file tells: a BED record name that two records have (both would be designed)
// or none, an interval beyond its record, a file with nothing masked. Errors name the option.
class hole_finder {
 public:
  // Parses --mask and reads its BED; `input` (--in) is the file whose records come, for messages.
  status open(std::string_view mask, const std::string& input);
  const mask_spec& spec() const { return spec_; }

  // The next record's holes, checked. Fails on a second record of a name the BED gives, or an
  // interval beyond the record.
  status next(const std::string& name, std::string_view bases, std::vector<interval>& holes);
  // A record's holes without the checks: for a file read again after next() saw all of it.
  std::vector<interval> holes_of(const std::string& name, std::string_view bases) const;
  // After the last record: every name of the BED was met, and some base is masked.
  status finish() const;

 private:
  std::string mask_, input_;
  mask_spec spec_;
  interval_map bed_;
  std::map<std::string, std::int64_t> seen_;  // record name -> its number (1-based), for BED masks
  std::int64_t records_ = 0, holes_ = 0;
};

}  // namespace dnafill::bio
