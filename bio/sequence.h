// Sequence utilities: IUPAC codes, reverse complement, GC fraction, homopolymer runs.
// Pure functions over std::string_view; no allocation except where a string or vector is returned.
// All functions are thread-safe and never fail: characters outside IUPAC are passed through or
// ignored as each function says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnafill::bio {

// The IUPAC nucleotide codes accepted in input: A C G T U R Y S W K M B D H V N, either case.
bool is_iupac_base(char c);

// "'x'" for a printable character, "byte 0x1f" otherwise: messages that quote a file stay one
// readable line.
std::string describe_char(char c);

// The concrete base a letter is, upper case: 'A', 'C', 'G' or 'T' for A C G T U in either case (U is
// T, as the model reads it); 0 for N, other codes and any other character. Constraints compare bases
// through it, so a U in a fixed flank counts in a run of T or a k-mer.
char concrete_base(char c);
// Whether a and b are one concrete base (so a run of it goes on through them): 'A' and 'a', 'T' and 'U'.
bool same_concrete_base(char a, char b);
// [from, to) of `text` widened at either edge to the end of a homopolymer run that crosses it: a run's
// length is its whole run, in the flanks too.
void widen_through_runs(std::string_view text, std::int64_t& from, std::int64_t& to);

// The set of concrete bases a code stands for, as bits A=1 C=2 G=4 T=8 (U counts as T).
// 0 for characters that are not IUPAC codes.
std::uint8_t iupac_bases(char c);

// True when every base `base` may stand for is allowed by `pattern` (both IUPAC; case ignored).
// So a concrete base matches any code that includes it, and an N in a sequence matches only N.
bool iupac_covers(char pattern, char base);

// IUPAC complement keeping case (A<->T, C<->G, R<->Y, K<->M, B<->V, D<->H, S, W, N unchanged;
// U -> A). Any other character is returned unchanged.
char complement_base(char c);

std::string reverse_complement(std::string_view seq);
void reverse_complement_in_place(std::string& seq);

// Upper-cases letters; other characters unchanged.
std::string to_upper_bases(std::string_view seq);

// Bases that decide GC content: G C S count as GC, A T U W as AT; other codes (N, R, Y, ...)
// are unknown and count as neither.
struct gc_counts {
  std::size_t gc = 0;
  std::size_t at = 0;
  // gc / (gc + at); 0.0 when no base is known.
  double fraction() const;
};
gc_counts count_gc(std::string_view seq);
double gc_fraction(std::string_view seq);
// One base by the rule above, for whoever counts base by base (the studio's GC track).
enum class gc_class { gc, at, unknown };
gc_class classify_gc(char base);

// A maximal run of one concrete base (case ignored). Runs of N or other ambiguity codes are not
// homopolymers: the base is unknown.
struct homopolymer_run {
  std::size_t start = 0;   // 0-based
  std::size_t length = 0;
  char base = 'A';         // upper case
};
// Every run of at least `min_length` bases (min_length 0 is treated as 1), in order.
std::vector<homopolymer_run> homopolymer_runs(std::string_view seq, std::size_t min_length = 1);

}  // namespace dnafill::bio
