// Tests of bio/constraints.h: every rule on hand-made sequences, on both strands, across the junctions
// with the fixed flanks and with IUPAC codes; parsing of the options and the presets.
#include <catch2/catch.hpp>

#include <algorithm>

#include "bio/constraints.h"

using namespace dnafill::bio;

namespace {

constraint_set avoiding(std::initializer_list<const char*> names) {
  constraint_set set;
  for (const char* name : names) REQUIRE(add_forbidden(name, set));
  return set;
}

std::vector<std::string> names_of(const std::vector<constraint_violation>& v) {
  std::vector<std::string> names;
  for (const auto& x : v) names.push_back(x.constraint);
  return names;
}

}  // namespace

TEST_CASE("constraints: a forbidden site is found on both strands and across a junction", "[bio][constraints]") {
  const auto set = avoiding({"BsaI"});
  // Forward strand, wholly designed.
  auto v = check_constraints("AAAAGGTCTCAAAA", {{4, 10}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "avoid BsaI");
  CHECK(v[0].position == 4);
  CHECK(v[0].detail.find("forward") != std::string::npos);
  // Reverse strand: GAGACC is GGTCTC read on the other strand.
  v = check_constraints("AAAAGAGACCAAAA", {{4, 10}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].detail.find("reverse") != std::string::npos);
  CHECK(v[0].detail.find("5-10") != std::string::npos);  // 1-based in the detail
  // Across the left junction: GGTC fixed, TC designed.
  v = check_constraints("TTTGGTCTCAAA", {{7, 12}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].position == 3);
  // Across the right junction, reverse strand: GAG designed, ACC fixed.
  CHECK(check_constraints("TTTGAGACCAAA", {{0, 6}}, set).size() == 1);
  // Wholly in a flank: not the design's doing.
  CHECK(check_constraints("GGTCTCAAA", {{6, 9}}, set).empty());
  CHECK(check_constraints("AAAGGTCTC", {{0, 3}}, set).empty());
}

TEST_CASE("constraints: --avoid lists split at commas, blanks dropped, empty names refused", "[bio][constraints]") {
  std::vector<std::string> names;
  REQUIRE(split_name_list("--avoid", "BsaI, EcoRI ,GGTCTC", names));
  CHECK(names == std::vector<std::string>{"BsaI", "EcoRI", "GGTCTC"});
  for (const char* list : {",", "BsaI,", "BsaI, ", "BsaI,,EcoRI", " ", ""}) {
    names.clear();
    const auto s = split_name_list("--avoid", list, names);
    CHECK(s.message() == "--avoid: an empty name in '" + std::string(list) + "'");
    CHECK(name_list_problem(list) == "an empty name in '" + std::string(list) + "'");  // as the CLI parses
  }
  CHECK(name_list_problem("BsaI, EcoRI ,GGTCTC").empty());
}

TEST_CASE("constraints: IUPAC motifs, palindromes and N in a flank", "[bio][constraints]") {
  // HinfI is GANTC: both GAATC and GACTC are sites; it is a palindrome, so each is reported once.
  auto v = check_constraints("CCGAATCCGACTCC", {{0, 14}}, avoiding({"HinfI"}));
  REQUIRE(v.size() == 2);
  CHECK(v[0].position == 2);
  CHECK(v[1].position == 8);
  // EcoRI is palindromic: once, not once per strand.
  CHECK(check_constraints("AAGAATTCAA", {{0, 10}}, avoiding({"ecori"})).size() == 1);
  // A raw IUPAC motif, upper-cased, named by itself.
  v = check_constraints("ttGGACCtt", {{2, 7}}, avoiding({"ggwcc"}));
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "avoid GGWCC");
  // An unknown base in a flank matches only N in a motif: GAATTN is not an EcoRI site.
  CHECK(check_constraints("GAATTN", {{0, 5}}, avoiding({"EcoRI"})).empty());
  CHECK(check_constraints("GAATTN", {{0, 5}}, avoiding({"GAATTN"})).size() == 1);
}

TEST_CASE("constraints: homopolymer runs are followed into the flanks", "[bio][constraints]") {
  constraint_set set;
  set.max_run = {5, 5, 2, 5};  // G at most 2
  // AAA fixed + AAAA designed: a run of 7 A through the junction.
  auto v = check_constraints("CAAAAAAAC", {{4, 8}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "max-homopolymer A/C/T 5 G 2");
  CHECK(v[0].position == 1);
  CHECK(v[0].detail.find("run of 7 A") != std::string::npos);
  // A run of 8 in the flank that the design does not touch.
  CHECK(check_constraints("AAAAAAAACGC", {{9, 11}}, set).empty());
  // But touching it by one more A counts.
  CHECK(check_constraints("AAAAAAAAAGC", {{8, 11}}, set).size() == 1);
  // Per-base limits: GGG breaks the G limit of 2, AAAAA is within 5; case is ignored.
  v = check_constraints("ggGtaaaaat", {{0, 10}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].detail.find("3 G") != std::string::npos);
  // N breaks a run: AAAA + N + AAAA is two runs of 4.
  CHECK(check_constraints("AAAANAAAA", {{0, 4}}, set).empty());
  // U is T (the model reads it so): UUUU fixed + T designed is a run of 6 T.
  v = check_constraints("GCUUUuTTG", {{6, 8}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].detail.find("run of 6 T") != std::string::npos);
}

TEST_CASE("constraints: GC bounds over the designed region and over windows inside it", "[bio][constraints]") {
  constraint_set set;
  set.gc.push_back({0.4, 0.6, 0});
  CHECK(check_constraints("GGGGAAAAAA", {{0, 10}}, set).empty());  // 0.4 exactly
  auto v = check_constraints("GGGAAAAAAA", {{0, 10}}, set);       // 0.3
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "gc 40-60%");
  // Only the designed bases count: the flanks are all G.
  CHECK(check_constraints("GGGGGATATGCGGGGG", {{5, 11}}, set).size() == 1);  // ATATGC: 2 of 6
  CHECK(check_constraints("GGGGGATAGGCGGGGG", {{5, 11}}, set).empty());      // ATAGGC: 3 of 6

  constraint_set windows;
  windows.gc.push_back({0.25, 0.75, 4});
  // Windows of 4 over GGGGAAAA: GGGG (1.0) fails, GGGA..GAAA pass, AAAA fails: two violations.
  v = check_constraints("GGGGAAAA", {{0, 8}}, windows);
  REQUIRE(v.size() == 2);
  CHECK(v[0].constraint == "gc 25-75% per 4 bp");
  CHECK(v[0].position == 0);
  CHECK(v[1].position == 4);
  // Consecutive failing windows are one violation that says how many.
  v = check_constraints("ACGTAAAAAAACGT", {{0, 14}}, windows);
  REQUIRE(v.size() == 1);
  CHECK(v[0].position == 3);
  CHECK(v[0].detail.find("5 consecutive") != std::string::npos);
  // A window rule longer than the region applies to the region as a whole.
  constraint_set long_window;
  long_window.gc.push_back({0.3, 0.7, 50});
  CHECK(check_constraints("TTGCAT", {{0, 6}}, long_window).empty());
  CHECK(check_constraints("TTTTAT", {{0, 6}}, long_window).size() == 1);
  // Unknown bases pass only if every reading passes.
  CHECK(check_constraints("GGNN", {{0, 4}}, set).size() >= 1);
}

TEST_CASE("constraints: a GC range of 0-100% adds no rule, from the CLI's --gc and the studio alike", "[bio][constraints]") {
  constraint_set set;
  add_gc_range(0.0, 1.0, 50, set);
  CHECK(set.gc.empty());
  add_gc_range(0.3, 1.0, 50, set);  // a bound on one side is a rule, over the region and per window
  REQUIRE(set.gc.size() == 2);
  CHECK(set.gc[1].window == 50);
}

TEST_CASE("constraints: GC fractions become whole counts without rounding surprises", "[bio][constraints]") {
  std::int64_t lo = 0, hi = 0;
  gc_count_bounds({0.3, 0.7, 50}, 50, lo, hi);
  CHECK(lo == 15);
  CHECK(hi == 35);
  gc_count_bounds({0.35, 0.65, 50}, 50, lo, hi);
  CHECK(lo == 18);  // 17.5 rounds up
  CHECK(hi == 32);  // 32.5 rounds down
  gc_count_bounds({0.4, 0.6, 0}, 1, lo, hi);
  CHECK(lo > hi);  // one base cannot be 40-60% GC
}

TEST_CASE("constraints: a k-mer may not occur twice in the design and its flanks, on either strand", "[bio][constraints]") {
  constraint_set set;
  set.repeat_k = 5;
  // ATGACTC in the left flank and again across the junction: three repeated 5-mers in a row.
  auto v = check_constraints("GGTTATGACTCGCCATGACTC", {{13, 21}}, set);
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "avoid-repeats 5");
  CHECK(v[0].position == 14);
  CHECK(v[0].detail.find("also occurs at 5-9") != std::string::npos);
  CHECK(v[0].detail.find("3 consecutive") != std::string::npos);
  // The reverse complement (GTCAT for ATGAC) counts as the same k-mer.
  CHECK(!check_constraints("GGTTATGACTCGCCGTCATAC", {{13, 21}}, set).empty());
  // A repeat wholly inside a flank is not the design's.
  CHECK(check_constraints("ATGACATGACCTCGCAGTTG", {{13, 20}}, set).empty());
  // Beyond repeat_flank bases from the design, a flank is not looked at.
  set.repeat_flank = 3;
  CHECK(check_constraints("GGTTATGACTCGCCATGACTC", {{13, 21}}, set).empty());
}

TEST_CASE("constraints: a designed base that is not A/C/G/T is a violation of its own", "[bio][constraints]") {
  const auto v = check_constraints("ACNNGT", {{0, 6}}, constraint_set{});
  REQUIRE(v.size() == 1);
  CHECK(v[0].constraint == "unfilled");
  CHECK(v[0].position == 2);
  CHECK(check_constraints("NNACGTNN", {{2, 6}}, constraint_set{}).empty());  // N in a flank is fine
  CHECK(check_constraints("ACUuGT", {{0, 6}}, constraint_set{}).empty());    // U is a base (T)
}

TEST_CASE("constraints: options parse or fail naming the option", "[bio][constraints]") {
  double lo = 0, hi = 0;
  REQUIRE(parse_gc_range("0.3-0.7", lo, hi));
  CHECK(lo == Approx(0.3));
  CHECK(hi == Approx(0.7));
  REQUIRE(parse_gc_range("30-70", lo, hi));
  CHECK(hi == Approx(0.7));
  REQUIRE(parse_gc_range("25%-65%", lo, hi));
  CHECK(lo == Approx(0.25));
  REQUIRE(parse_gc_range("0-70", lo, hi));  // 0 is 0 either way
  CHECK(hi == Approx(0.7));
  REQUIRE(parse_gc_range("0.5%-70%", lo, hi));  // the percent sign says how to read 0.5
  CHECK(lo == Approx(0.005));
  for (const char* bad : {"", "0.3", "abc", "0.7-0.3", "-1-0.5", "0.3-", "0.3-0.7x", "20-120", "0.3-70", "0.1-1.5",
                          "0x1-0x2", "3e1-7e1", "inf-inf", " 30-70"}) {
    auto s = parse_gc_range(bad, lo, hi);
    CHECK_FALSE(s.ok());
    CHECK(s.message().rfind("--gc:", 0) == 0);
  }
  constraint_set set;
  auto s = add_forbidden("NotAnEnzyme", set);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().rfind("--avoid:", 0) == 0);
  REQUIRE(add_forbidden(" bsmbi ", set));  // as "--avoid 'BsaI, bsmbi'" splits
  CHECK(add_forbidden(" ", set).message() == "--avoid: an empty name");  // split_name_list says where
  REQUIRE(set.motifs.size() == 1);
  CHECK(set.motifs.at(0).name == "BsmBI");
  CHECK(set.motifs.at(0).site == "CGTCTC");
  set.repeat_k = 3;
  s = set.validate();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().rfind("--avoid-repeats", 0) == 0);
}

TEST_CASE("constraints: presets bundle their rules", "[bio][constraints]") {
  constraint_set twist;
  REQUIRE(add_preset("twist", twist));
  CHECK(twist.gc.size() == 2);
  CHECK(twist.max_run == std::array<int, 4>{9, 9, 9, 9});
  CHECK(twist.repeat_k == 20);
  constraint_set idt;
  REQUIRE(add_preset("idt", idt));
  CHECK(idt.max_run == std::array<int, 4>{12, 5, 5, 12});
  // The limits are in the rule's name, so runs under other limits (a resume key) tell apart.
  CHECK(constraint_names(idt).at(0) == "max-homopolymer A/T 12 C/G 5");
  constraint_set gg;
  REQUIRE(add_preset("golden-gate", gg));
  REQUIRE(add_preset("golden-gate", gg));  // twice: no duplicate enzymes
  std::vector<std::string> enzymes;
  for (const auto& m : gg.motifs) enzymes.push_back(m.name);
  CHECK(enzymes == std::vector<std::string>{"BsaI", "BsmBI", "BbsI", "SapI"});
  CHECK_FALSE(add_preset("genscript", gg).ok());
  // A stricter option wins over a preset's limit, whichever comes first.
  constraint_set both;
  both.max_run = {5, 5, 5, 5};
  REQUIRE(add_preset("twist", both));
  CHECK(both.max_run == std::array<int, 4>{5, 5, 5, 5});
  // A region shorter than the 50-base window is held to the window's bounds as a whole, too.
  CHECK(names_of(check_constraints("AAAAAAC", {{0, 7}}, both)) ==
        std::vector<std::string>{"max-homopolymer 5", "gc 25-65%", "gc 35-65% per 50 bp"});
  CHECK(constraint_names(both) == std::vector<std::string>{"max-homopolymer 5", "gc 25-65%", "gc 35-65% per 50 bp",
                                                            "avoid-repeats 20", "unfilled"});
}

TEST_CASE("constraints: one request builds the CLI's and the studio's rules, the tighter limit winning", "[bio][constraints]") {
  constraint_request request;
  request.avoid = {"EcoRI"};
  request.max_homopolymer = 12;  // looser than twist's 9: twist's stays
  request.gc_min = 0.3;
  request.gc_max = 0.6;
  request.repeat_k = 16;         // tighter than twist's 20: 16 stays
  request.presets = {"twist"};
  constraint_set set;
  REQUIRE(build_constraints(request, set));
  CHECK(constraint_names(set) == std::vector<std::string>{"avoid EcoRI", "max-homopolymer 9", "gc 30-60%", "gc 25-65%",
                                                           "gc 35-65% per 50 bp", "avoid-repeats 16", "unfilled"});
  // Nothing asked: no rule. A bad part fails naming its option.
  REQUIRE(build_constraints({}, set));
  CHECK(set.empty());
  request.presets = {"genscript"};
  const auto s = build_constraints(request, set);
  CHECK(s.message().rfind("--constraints", 0) == 0);
  request = {};
  request.gc_min = 0.8;
  request.gc_max = 0.2;
  CHECK(build_constraints(request, set).message().rfind("--gc", 0) == 0);
}

// A design of a chromosome is checked in its span: the same violations as in the whole record, at the
// same positions and with the same 1-based numbers in their details.
TEST_CASE("constraints: a piece holding the rules' reach is checked as the whole record is, numbered in the record",
          "[bio][constraints]") {
  auto set = avoiding({"BsaI"});
  set.max_run = {4, 4, 4, 4};
  set.gc = {{0.4, 0.6, 10}};
  set.repeat_k = 5;
  set.repeat_flank = 6;  // reach: 6 + 5 bases each side
  const std::string designed = "GGTCTC" "AAAAAA" "N" "TGATTC" "GTGATTC" "ATGC";  // 30 bases
  const std::string piece = "GATTACAGATC" + designed + "CTAGTCGATCA";              // 11 each side
  const std::string record = std::string(20, 'C') + piece + std::string(9, 'G');
  const auto whole = check_constraints(record, {{31, 61}}, set);
  const auto part = check_constraints(piece, {{11, 41}}, set, 20);
  CHECK(names_of(whole) == std::vector<std::string>{"avoid BsaI", "max-homopolymer 4", "gc 40-60% per 10 bp",
                                                    "gc 40-60% per 10 bp", "avoid-repeats 5", "avoid-repeats 5",
                                                    "avoid-repeats 5", "unfilled"});
  REQUIRE(part.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    INFO(whole[i].detail);
    CHECK(part[i].constraint == whole[i].constraint);
    CHECK(part[i].position == whole[i].position);
    CHECK(part[i].detail == whole[i].detail);
  }
  CHECK(whole[0].position == 31);
  CHECK(whole[0].detail.find("at 32-37") != std::string::npos);
  // Unnumbered, the piece's own coordinates: what a batch item's details said before its offset was given.
  CHECK(check_constraints(piece, {{11, 41}}, set)[0].detail.find("at 12-17") != std::string::npos);
}
