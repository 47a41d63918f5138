// Tests of bio/sequence.h: IUPAC codes, reverse complement, GC, homopolymers.
#include <catch2/catch.hpp>

#include "bio/sequence.h"

using namespace dnafill::bio;

TEST_CASE("IUPAC codes are recognised in both cases and nothing else", "[bio][sequence]") {
  for (char c : std::string("ACGTURYSWKMBDHVNacgturyswkmbdhvn")) CHECK(is_iupac_base(c));
  for (char c : std::string("EFIJLOPQXZefijlopqxz-.*0 \n")) CHECK_FALSE(is_iupac_base(c));
  CHECK(iupac_bases('A') == 1);
  CHECK(iupac_bases('U') == 8);
  CHECK(iupac_bases('R') == (1 | 4));
  CHECK(iupac_bases('n') == 15);
  CHECK(iupac_bases('X') == 0);
}

TEST_CASE("iupac_covers: a code covers a base when it allows every base it may stand for", "[bio][sequence]") {
  CHECK(iupac_covers('R', 'A'));
  CHECK(iupac_covers('R', 'g'));
  CHECK_FALSE(iupac_covers('R', 'C'));
  CHECK(iupac_covers('N', 'R'));
  CHECK_FALSE(iupac_covers('R', 'N'));  // an unknown base is not known to be a purine
  CHECK(iupac_covers('N', 'N'));
  CHECK_FALSE(iupac_covers('A', 'X'));
}

TEST_CASE("reverse complement of hand-made sequences", "[bio][sequence]") {
  CHECK(reverse_complement("ACGTTG") == "CAACGT");
  CHECK(reverse_complement("aCgN") == "NcGt");
  CHECK(reverse_complement("RYKMBDHVSW") == "WSBDHVKMRY");
  CHECK(reverse_complement("U") == "A");
  CHECK(reverse_complement("") == "");
  std::string s = "GAATTCc";
  reverse_complement_in_place(s);
  CHECK(s == "gGAATTC");
  CHECK(complement_base('-') == '-');
  // Twice is the identity on every IUPAC code except U (which comes back as T).
  const std::string all = "ACGTRYSWKMBDHVNacgtryswkmbdhvn";
  CHECK(reverse_complement(reverse_complement(all)) == all);
}

TEST_CASE("GC fraction counts S as GC, W as AT and ignores unknown bases", "[bio][sequence]") {
  CHECK(gc_fraction("GGCC") == 1.0);
  CHECK(gc_fraction("ACGT") == 0.5);
  CHECK(gc_fraction("AAAG") == 0.25);
  CHECK(gc_fraction("ggNNNNa") == Approx(2.0 / 3.0));
  CHECK(gc_fraction("SW") == 0.5);
  CHECK(gc_fraction("NNRY") == 0.0);
  CHECK(gc_fraction("") == 0.0);
  const gc_counts c = count_gc("ACGTNS");
  CHECK(c.gc == 3);
  CHECK(c.at == 2);
}

TEST_CASE("homopolymer runs ignore case and skip N runs", "[bio][sequence]") {
  const auto runs = homopolymer_runs("AAaCGGGGTNNNNNt", 3);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].start == 0);
  CHECK(runs[0].length == 3);
  CHECK(runs[0].base == 'A');
  CHECK(runs[1].start == 4);
  CHECK(runs[1].length == 4);
  CHECK(runs[1].base == 'G');
  CHECK(homopolymer_runs("ACGT", 1).size() == 4);
  // U is T, as the model reads it: one run of five T.
  const auto rna = homopolymer_runs("GCUUtUuG", 2);
  REQUIRE(rna.size() == 1);
  CHECK(rna[0].start == 2);
  CHECK(rna[0].length == 5);
  CHECK(rna[0].base == 'T');
  CHECK(concrete_base('u') == 'T');
  CHECK(concrete_base('g') == 'G');
  CHECK(concrete_base('N') == 0);
  CHECK(concrete_base('.') == 0);
  CHECK(homopolymer_runs("NNNNN", 1).empty());
}
