// Motif search with IUPAC codes on both strands: a direct scan, fast enough for design-sized
// sequences and short motifs (restriction sites are 4-8 bases).
#include "bio/motif.h"

#include <algorithm>

#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

bool matches_at(std::string_view seq, std::size_t at, std::string_view motif) {
  for (std::size_t j = 0; j < motif.size(); ++j) {
    if (!iupac_covers(motif[j], seq[at + j])) return false;
  }
  return true;
}

// Scans both strands; `visit` returns false to stop early.
template <typename Visit>
void scan(std::string_view seq, std::string_view motif, bool both_strands, Visit visit) {
  if (motif.empty() || motif.size() > seq.size() || check_motif(motif).ok() == false) return;
  // Searching the reverse complement of the motif on the forward strand finds the motif on the
  // reverse strand at the same coordinates.
  const std::string rc = reverse_complement(to_upper_bases(motif));
  const bool palindrome = rc == to_upper_bases(motif);
  const bool search_reverse = both_strands && !palindrome;
  for (std::size_t i = 0; i + motif.size() <= seq.size(); ++i) {
    if (matches_at(seq, i, motif) && !visit(motif_hit{i, motif.size(), false})) return;
    if (search_reverse && matches_at(seq, i, rc) && !visit(motif_hit{i, motif.size(), true})) return;
  }
}

}  // namespace

status check_motif(std::string_view motif) {
  if (motif.empty()) return status::fail("motif '': empty motif");
  for (std::size_t i = 0; i < motif.size(); ++i) {
    if (!is_iupac_base(motif[i])) {
      return status::fail("motif '" + std::string(motif) + "': position " + std::to_string(i + 1) +
                          " is not an IUPAC nucleotide code");
    }
  }
  return status();
}

std::vector<motif_hit> find_motif(std::string_view seq, std::string_view motif, bool both_strands) {
  std::vector<motif_hit> hits;
  scan(seq, motif, both_strands, [&](const motif_hit& hit) {
    hits.push_back(hit);
    return true;
  });
  return hits;
}

bool contains_motif(std::string_view seq, std::string_view motif, bool both_strands) {
  bool found = false;
  scan(seq, motif, both_strands, [&](const motif_hit&) {
    found = true;
    return false;
  });
  return found;
}

}  // namespace dnafill::bio
