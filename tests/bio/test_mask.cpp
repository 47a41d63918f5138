// Tests of bio/mask.h: masks from lowercase, N runs and BED files.
#include <catch2/catch.hpp>

#include "bio/mask.h"
#include "test_util.h"

using namespace dnafill::bio;
using ivs = std::vector<interval>;

TEST_CASE("lowercase, N and unknown-base masks are maximal runs", "[bio][mask]") {
  CHECK(lowercase_mask("ACgtaCGnnT") == ivs{{2, 5}, {7, 9}});
  CHECK(lowercase_mask("acgt") == ivs{{0, 4}});
  CHECK(lowercase_mask("ACGT").empty());
  CHECK(n_mask("NNACnNRYN") == ivs{{0, 2}, {4, 6}, {8, 9}});
  CHECK(unknown_base_mask("NNACnNRYN") == ivs{{0, 2}, {4, 9}});
  CHECK(unknown_base_mask("").empty());
}

TEST_CASE("intervals are merged when they overlap or touch", "[bio][mask]") {
  CHECK(merge_intervals({{10, 20}, {0, 5}, {5, 7}, {15, 30}, {40, 40}}) == ivs{{0, 7}, {10, 30}});
  CHECK(covered_bases({{0, 7}, {10, 30}}) == 27);
  CHECK(check_intervals("r", {{0, 7}}, 7).ok());
  const dnafill::status s = check_intervals("r", {{5, 8}}, 7);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "record 'r': interval 5-8 lies outside the record (length 7)");
}

TEST_CASE("BED files: comments, headers, extra columns, merged per record", "[bio][mask]") {
  test::temp_dir dir;
  const std::string path = dir.write("m.bed",
                                     "# comment\ntrack name=x\nbrowser position chr1\n\n"
                                     "chr1\t10\t20\tname\t0\t+\nchr1 15 25\r\nchr2\t0\t5\n");
  interval_map m;
  const dnafill::status s = read_bed(path, m);
  INFO(s.message());
  REQUIRE(s.ok());
  REQUIRE(m.size() == 2);
  CHECK(m["chr1"] == ivs{{10, 25}});
  CHECK(m["chr2"] == ivs{{0, 5}});
}

TEST_CASE("bad BED lines are reported with their line number", "[bio][mask]") {
  test::temp_dir dir;
  interval_map m;
  dnafill::status s = read_bed(dir.write("a.bed", "chr1\t10\t20\nchr1\t30\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("a.bed") + ": line 2: expected at least 3 columns (name, start, end), found 2");
  s = read_bed(dir.write("b.bed", "chr1\t-1\t20\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("b.bed") + ": line 1: start '-1' is not a number");
  s = read_bed(dir.write("c.bed", "chr1\t30\t20\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("c.bed") + ": line 1: end 20 is before start 30");
  s = read_bed(dir.write("d.bed", "# nothing\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("d.bed") + ": no intervals in the BED file");
  CHECK(m.empty());
  CHECK_FALSE(read_bed(dir.file("missing.bed"), m).ok());
}
