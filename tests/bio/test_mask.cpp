// Tests of bio/mask.h: masks from lowercase, N runs and BED files.
#include <catch2/catch.hpp>
#include <htslib/bgzf.h>

#include "bio/mask.h"
#include "tests/test_util.h"

using namespace dnafill::bio;
namespace test = dnafill::test;
using ivs = std::vector<interval>;

TEST_CASE("lowercase and N masks are maximal runs", "[bio][mask]") {
  CHECK(lowercase_mask("ACgtaCGnnT") == ivs{{2, 5}, {7, 9}});
  CHECK(lowercase_mask("acgt") == ivs{{0, 4}});
  CHECK(lowercase_mask("ACGT").empty());
  CHECK(n_mask("NNACnNRYN") == ivs{{0, 2}, {4, 6}, {8, 9}});
  CHECK(n_mask("").empty());
}

TEST_CASE("mask spec: lowercase, N or bed:FILE, or an error naming --mask", "[bio][mask]") {
  mask_spec spec;
  REQUIRE(parse_mask_spec("N", spec));
  CHECK(spec.holes_in("ACNNtgN") == ivs{{2, 4}, {6, 7}});
  REQUIRE(parse_mask_spec("lowercase", spec));
  CHECK(spec.holes_in("ACNNtgN") == ivs{{4, 6}});
  REQUIRE(parse_mask_spec("bed:holes.bed", spec));
  CHECK(spec.from == mask_spec::source::bed);
  CHECK(spec.bed_path == "holes.bed");
  CHECK(spec.holes_in("acgt").empty());  // a BED finds records by name, not here
  CHECK(parse_mask_spec("bed:", spec).message() == "--mask bed: needs a file name (bed:FILE)");
  CHECK(parse_mask_spec("n", spec).message() == "--mask: unknown value 'n' (expected lowercase|N|bed:FILE)");
  // score has no base to score under an N: N is not offered there.
  CHECK(parse_mask_spec("foo", spec, false).message() == "--mask: unknown value 'foo' (expected lowercase|bed:FILE)");
  CHECK(parse_mask_spec("bed:x.bed", spec, false).ok());
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
  CHECK(s.message() == dir.file("b.bed") + ": line 1: start '-1' is not a whole number below 10^15");
  s = read_bed(dir.write("c.bed", "chr1\t30\t20\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("c.bed") + ": line 1: end 20 is before start 30");
  // Zero-length: merging would drop it unseen, wherever it points (here past a 40 kb record's end).
  s = read_bed(dir.write("z.bed", "chr1\t10\t20\nchr1\t50000\t50000\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("z.bed") + ": line 2: interval 50000-50000 is empty (start equals end): a mask "
                                           "interval covers at least one base");
  s = read_bed(dir.write("d.bed", "# nothing\n"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("d.bed") + ": no intervals in the BED file");
  CHECK(m.empty());
  CHECK_FALSE(read_bed(dir.file("missing.bed"), m).ok());
}

// A BAM named as the BED was met as "line 1: start 'VN:1.6' is not a whole number".
TEST_CASE("another kind of file named as the BED is said to be one", "[bio][mask]") {
  test::temp_dir dir;
  interval_map m;
  for (const char* name : {"lambda_reads.bam", "lambda_reads.cram", "lambda_reads.sam", "ecoli_20kb.fa"}) {
    const std::string path = test::data_file(name);
    const std::string kind = std::string(name).substr(std::string(name).rfind('.') + 1);
    const std::string expected = kind == "fa" ? "FASTA" : kind == "bam" ? "BAM" : kind == "cram" ? "CRAM" : "SAM";
    CHECK(read_bed(path, m).message() == path + ": a " + expected + " file, not a BED file (record, start, end)");
  }
  CHECK(read_bed(dir.write("plain.bed", "chr1\t10\t20\n"), m).ok());
  CHECK(read_bed(dir.write("gene_named.bed", "CRAMP1\t10\t20\n"), m).ok());  // a contig named CRAM..., not a CRAM
}

TEST_CASE("BED: a record named track1 is a record, and file bytes in messages are escaped", "[bio][mask]") {
  test::temp_dir dir;
  interval_map m;
  REQUIRE(read_bed(dir.write("t.bed", "track name=x\ntrack1\t10\t40\nbrowser1\t1\t2\n"), m).ok());
  CHECK(m["track1"] == ivs{{10, 40}});
  CHECK(m["browser1"] == ivs{{1, 2}});
  REQUIRE(read_bed(dir.write("bom.bed", "\xEF\xBB\xBF" "chrA\t1\t5\n"), m).ok());  // a byte-order mark first
  CHECK(m["chrA"] == ivs{{1, 5}});
  const dnafill::status s = read_bed(dir.write("cr.bed", "chrA\t10\t40\rchrB\t5\t9\r"), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("cr.bed") + ": line 1: end '40\\x0dchrB' is not a whole number below 10^15");
}

namespace {

// A bgzipped BED of the given blocks (each flushed as its own BGZF block), with or without its
// end-of-file marker.
std::string write_bgzf(const std::string& path, const std::vector<std::string>& blocks, bool eof_marker) {
  BGZF* fp = bgzf_open(path.c_str(), "w");
  REQUIRE(fp != nullptr);
  for (const auto& b : blocks) {
    REQUIRE(bgzf_write(fp, b.data(), b.size()) == static_cast<ssize_t>(b.size()));
    REQUIRE(bgzf_flush(fp) == 0);
  }
  REQUIRE(bgzf_close(fp) == 0);
  if (!eof_marker) {
    const std::string bytes = test::read_file(path);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 28);
  }
  return path;
}

}  // namespace

TEST_CASE("BED: a bgzipped file cut at a block, or with a corrupt block, is an error", "[bio][mask]") {
  test::temp_dir dir;
  interval_map m;
  const std::vector<std::string> blocks = {"chrA\t10\t40", "0\nchrB\t5\t9\n", "chrB\t20\t30\n"};
  REQUIRE(read_bed(write_bgzf(dir.file("whole.bed.gz"), blocks, true), m).ok());
  CHECK(m["chrA"] == ivs{{10, 400}});
  CHECK(m["chrB"] == ivs{{5, 9}, {20, 30}});
  dnafill::status s = read_bed(write_bgzf(dir.file("cut.bed.gz"), blocks, false), m);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == dir.file("cut.bed.gz") + ": truncated BGZF file (end-of-file marker missing)");
  // Flip a byte inside the second block's compressed data: its CRC fails.
  std::string bytes = test::read_file(dir.file("whole.bed.gz"));
  const std::size_t second = (static_cast<unsigned char>(bytes[16]) | static_cast<unsigned char>(bytes[17]) << 8) + 1;
  bytes[second + 20] ^= 4;
  std::ofstream(dir.file("corrupt.bed.gz"), std::ios::binary) << bytes;
  s = read_bed(dir.file("corrupt.bed.gz"), m);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains(": truncated or corrupt compressed data"));
  // Cut inside its first block's header: htslib reads it as plain text, whose first bytes are gzip's.
  std::ofstream(dir.file("header_only.bed.gz"), std::ios::binary) << bytes.substr(0, 10);
  s = read_bed(dir.file("header_only.bed.gz"), m);
  CHECK(s.message() == dir.file("header_only.bed.gz") + ": cannot read: truncated or corrupt compressed data");
}

TEST_CASE("hole finder: the holes of each record in order, and what only the whole file tells", "[bio][mask]") {
  hole_finder finder;
  ivs holes;
  REQUIRE(finder.open("lowercase", "in.fa"));
  REQUIRE(finder.next("a", "ACgtA", holes));
  CHECK(holes == ivs{{2, 4}});
  REQUIRE(finder.next("a", "acGT", holes));  // a repeated name: lowercase goes by the bases, not names
  CHECK(holes == ivs{{0, 2}});
  CHECK(finder.finish());

  REQUIRE(finder.open("N", "in.fa"));  // open() starts afresh
  REQUIRE(finder.next("a", "ACGT", holes));
  CHECK(holes.empty());
  CHECK(finder.finish().message() == "--mask N: no base is masked in any record of in.fa");

  test::temp_dir dir;
  const std::string bed = dir.write("h.bed", "b\t1\t3\nc\t0\t2\n");
  REQUIRE(finder.open("bed:" + bed, "in.fa"));
  REQUIRE(finder.next("a", "ACGT", holes));  // a record the BED does not name, named twice: fine
  REQUIRE(finder.next("a", "ACGT", holes));
  CHECK(holes.empty());
  REQUIRE(finder.next("b", "ACGT", holes));
  CHECK(holes == ivs{{1, 3}});
  CHECK(finder.holes_of("b", "") == ivs{{1, 3}});
  CHECK(finder.finish().message() == "--mask: " + bed + ": unknown record 'c' (not in in.fa)");
  CHECK(finder.next("b", "ACGT", holes).message() ==
        "--in: in.fa: record 'b' appears twice (records 3 and 4), so a BED interval cannot name it");

  REQUIRE(finder.open("bed:" + bed, "in.fa"));
  CHECK(finder.next("c", "A", holes).message() ==
        "--mask: " + bed + ": record 'c': interval 0-2 lies outside the record (length 1)");
  CHECK(finder.open("bed:" + dir.file("none.bed"), "in.fa").message().rfind("--mask: " + dir.file("none.bed"), 0) == 0);
}
