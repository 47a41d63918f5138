// Motif search with IUPAC codes on both strands.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bio/status.h"

namespace dnafill::bio {

// One occurrence of a motif. `start` is 0-based on the forward strand whichever strand matched: the
// site covers [start, start + length). A palindromic motif (equal to its reverse complement, as
// EcoRI's GAATTC) is reported once, on the forward strand.
struct motif_hit {
  std::size_t start = 0;
  std::size_t length = 0;
  bool reverse_strand = false;
};

// Errors: an empty motif, a character that is not an IUPAC code ("motif 'GAXTC': ...").
status check_motif(std::string_view motif);

// Every occurrence of `motif` in `seq` (overlapping ones included), sorted by start then strand.
// Matching follows iupac_covers(): a motif code matches a sequence base when it allows every base the
// sequence base may stand for, so 'N' in the motif matches anything and an 'N' in the sequence
// matches only 'N'. Case is ignored. `motif` must have passed check_motif (else: no hits).
std::vector<motif_hit> find_motif(std::string_view seq, std::string_view motif, bool both_strands = true);

// True when find_motif would return at least one hit (stops at the first).
bool contains_motif(std::string_view seq, std::string_view motif, bool both_strands = true);

}  // namespace dnafill::bio
