// Regions of a named sequence: samtools-style parsing ("NAME:START-END", 1-based inclusive) into
// 0-based half-open coordinates, and checks against a contig's length.
// Pure functions; thread-safe. Every failure is a status naming the region text and the problem.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include "bio/status.h"

namespace dnafill::bio {

struct region {
  // `end` for "to the end of the contig" (NAME or NAME:START or NAME:START-).
  static constexpr std::int64_t to_end = std::numeric_limits<std::int64_t>::max();

  std::string contig;
  std::int64_t start = 0;   // 0-based, inclusive
  std::int64_t end = to_end;  // 0-based, exclusive

  bool whole_contig() const { return start == 0 && end == to_end; }
  std::int64_t length() const { return end - start; }  // meaningful once `end` is resolved
};

// The largest position accepted in a region (larger numbers are refused, not wrapped).
constexpr std::int64_t max_region_position = std::int64_t{1} << 48;

// Length of a contig by name, or -1 when the file has no such contig.
using contig_length_lookup = std::function<std::int64_t(std::string_view contig)>;

// Parses without knowing the contigs. Accepted: NAME, NAME:START, NAME:START-, NAME:START-END,
// {NAME}:START-END (braces protect a name that itself contains ':'); positions are 1-based
// inclusive and may hold ',' thousands separators. A name containing ':' is split at its last ':'
// only when what follows is a valid range. Errors: empty text or name, START 0, END before START,
// malformed or too large numbers.
status parse_region(std::string_view text, region& out);

// Parses as samtools does when the contigs are known: a text that is itself a contig name means the
// whole contig; otherwise it is split at its last ':'. When both readings name a contig the text is
// ambiguous and refused (write {NAME}:START-END). Then checks the range with check_region(), so `out`
// has `end` resolved. Errors also: unknown contig.
status parse_region(std::string_view text, const contig_length_lookup& lookup, region& out);

// Checks `r` against its contig's length and resolves to_end. Errors: START beyond the contig, END
// beyond the contig (out of range: never silently clamped), END before START.
status check_region(region& r, std::int64_t contig_length);

// "NAME:START-END" in 1-based inclusive coordinates ("NAME" for a whole contig, "NAME:START-" when
// the end is unresolved), as samtools names the records it fetches.
std::string format_region(const region& r);

// The region as text that parse_region reads back to it: format_region, with the name in braces when
// it holds ':' ("{HLA-A*01:01}:1-100"), so that it is never read as a range of another contig.
std::string region_text(const region& r);

}  // namespace dnafill::bio
