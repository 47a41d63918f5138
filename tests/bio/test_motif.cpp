// Tests of bio/motif.h and bio/enzymes.h: IUPAC motifs on both strands, the enzyme table.
#include <catch2/catch.hpp>

#include <set>

#include "bio/enzymes.h"
#include "bio/fasta.h"
#include "bio/motif.h"
#include "bio/sequence.h"
#include "tests/test_util.h"

using namespace dnafill::bio;
namespace test = dnafill::test;

TEST_CASE("a non-palindromic motif is found on the forward strand", "[bio][motif]") {
  const auto hits = find_motif("TTGGTCTCAA", "GGTCTC");  // BsaI
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].start == 2);
  CHECK(hits[0].length == 6);
  CHECK_FALSE(hits[0].reverse_strand);
}

TEST_CASE("an IUPAC motif is found on the reverse strand only", "[bio][motif]") {
  // GGNCTC on the reverse strand reads GAGNCC on the forward one; here GAGACC at 3.
  const std::string seq = "AAAGAGACCTTT";
  const auto hits = find_motif(seq, "GGNCTC");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].start == 3);
  CHECK(hits[0].reverse_strand);
  // The reverse complement of the hit is matched by the motif itself.
  CHECK(reverse_complement(seq.substr(3, 6)) == "GGTCTC");
  CHECK(find_motif(seq, "GGNCTC", false).empty());
}

TEST_CASE("a palindromic site is reported once", "[bio][motif]") {
  const auto hits = find_motif("xxGAATTCxx" + std::string(), "GAATTC");  // EcoRI
  // 'x' is not IUPAC, so it never matches; the site in the middle does.
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].start == 2);
  CHECK_FALSE(hits[0].reverse_strand);
}

TEST_CASE("overlapping hits, case and ambiguity in the sequence", "[bio][motif]") {
  CHECK(find_motif("AAAA", "AA", false).size() == 3);
  CHECK(find_motif("gaattc", "GAATTC").size() == 1);
  CHECK(find_motif("GANTC", "GANTC").size() == 1);  // N in the motif matches N
  CHECK(find_motif("GAATC", "GANTC").size() == 1);
  CHECK(find_motif("GAATC", "GAWTC").size() == 1);
  CHECK(find_motif("GANTC", "GAATC").empty());       // an unknown base does not match A
  CHECK(contains_motif("CCCGAGACCC", "GGTCTC"));
  CHECK_FALSE(contains_motif("CCCGAGACCC", "GGTCTC", false));
  CHECK(find_motif("ACG", "ACGT").empty());
  CHECK(find_motif("ACGT", "").empty());
}

TEST_CASE("check_motif names the bad position", "[bio][motif]") {
  CHECK(check_motif("GANTC").ok());
  const dnafill::status s = check_motif("GAXTC");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "motif 'GAXTC': position 3 is not an IUPAC nucleotide code");
  CHECK_FALSE(check_motif("").ok());
}

TEST_CASE("a motif split across a FASTA line break is found in the record", "[bio][motif]") {
  test::temp_dir dir;
  const std::string path = dir.write("split.fa", ">s\nTTTGGT\nCTCTTT\n");
  fasta_reader reader;
  REQUIRE(reader.open(path).ok());
  sequence_record record;
  REQUIRE(reader.next(record));
  const auto hits = find_motif(record.bases, "GGTCTC");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].start == 3);
}

TEST_CASE("the enzyme table holds the common enzymes with their sites", "[bio][enzymes]") {
  CHECK(restriction_enzymes().size() >= 30);
  const std::pair<const char*, const char*> expected[] = {
      {"EcoRI", "GAATTC"}, {"BamHI", "GGATCC"}, {"HindIII", "AAGCTT"}, {"NotI", "GCGGCCGC"},
      {"XhoI", "CTCGAG"},  {"PstI", "CTGCAG"},  {"BsaI", "GGTCTC"},    {"BsmBI", "CGTCTC"},
      {"BbsI", "GAAGAC"},  {"BpiI", "GAAGAC"},  {"SapI", "GCTCTTC"}, {"SfiI", "GGCCNNNNNGGCC"}, {"AvaI", "CYCGRG"}};
  for (const auto& [name, site] : expected) {
    const restriction_enzyme* e = find_enzyme(name);
    REQUIRE(e != nullptr);
    CHECK(e->site == site);
  }
  CHECK(find_enzyme("bsai")->name == "BsaI");
  CHECK(find_enzyme("BsaI")->type_iis);
  CHECK_FALSE(find_enzyme("EcoRI")->type_iis);
  CHECK(find_enzyme("NoSuchI") == nullptr);
}

TEST_CASE("every enzyme site is valid IUPAC and names are unique", "[bio][enzymes]") {
  std::set<std::string> names;
  for (const restriction_enzyme& e : restriction_enzymes()) {
    INFO(e.name);
    CHECK(check_motif(e.site).ok());
    CHECK(to_upper_bases(e.site) == e.site);
    CHECK(names.insert(to_upper_bases(e.name)).second);
    // Type II palindromic enzymes are their own reverse complement; type IIS ones are not.
    if (e.type_iis) CHECK(reverse_complement(e.site) != e.site);
  }
}

TEST_CASE("resolve_motif takes an enzyme name or an IUPAC motif", "[bio][enzymes]") {
  std::string site;
  REQUIRE(resolve_motif("ecori", site).ok());
  CHECK(site == "GAATTC");
  REQUIRE(resolve_motif("ggnctc", site).ok());
  CHECK(site == "GGNCTC");
  const dnafill::status s = resolve_motif("FooI", site);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "'FooI' is neither a known enzyme nor an IUPAC motif");
  CHECK_FALSE(resolve_motif("", site).ok());
  // All N matches everywhere: refused before any design is made.
  CHECK(resolve_motif("N", site).message() == "'N' matches every sequence of 1 base: no design can avoid it");
  CHECK(resolve_motif("nnnn", site).message() == "'nnnn' matches every sequence of 4 bases: no design can avoid it");
  CHECK(resolve_motif("NNWNN", site).ok());
  // R on one strand is Y on the other: every base is one or the other. So are K and M; and B (not A)
  // is V (not T) on the other strand.
  CHECK(resolve_motif("R", site).message() == "'R' matches every sequence of 1 base on one strand or the other: no design can avoid it");
  for (const char* everywhere : {"Y", "K", "M", "B", "D", "H", "V"}) CHECK_FALSE(resolve_motif(everywhere, site).ok());
  // RN: CA holds neither RN nor, on the other strand, NY.
  for (const char* avoidable : {"S", "W", "RR", "RY", "RN", "NY", "NA"}) CHECK(resolve_motif(avoidable, site).ok());
}
