// Tests of bio/alignment_reader.h and bio/sequence_source.h on real reads (lambda phage fixtures
// made by tests/data/make_fixtures.sh from Debian's bowtie2-examples).
#include <catch2/catch.hpp>

#include <htslib/bgzf.h>
#include <htslib/sam.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <vector>

#include "bio/alignment_reader.h"
#include "bio/sequence_source.h"
#include "tests/test_util.h"

using namespace dnafill::bio;
namespace test = dnafill::test;

namespace {

const std::string lambda = "gi|9626243|ref|NC_001416.1|";

struct expected_read {
  std::string name;
  int flag = 0;
  int mapq = 0;
  std::string bases;
};

// QNAME, FLAG, MAPQ, read in original orientation, as samtools sees the BAM; the name as samtools
// fasta writes it, with /1 or /2 for the first or last read of a pair (FLAG 0x40, 0x80).
std::vector<expected_read> expected_reads() {
  std::vector<expected_read> out;
  std::ifstream in(test::data_file("lambda_reads.expected.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    expected_read r;
    fields >> r.name >> r.flag >> r.mapq >> r.bases;
    if ((r.flag & 0x40) != (r.flag & 0x80) / 2) r.name += r.flag & 0x40 ? "/1" : "/2";
    out.push_back(r);
  }
  return out;
}

std::vector<sequence_record> read_alignments(const std::string& path, const alignment_options& options = {},
                                             const std::string& region_text = "") {
  alignment_reader reader;
  const dnafill::status opened = reader.open(path, options);
  INFO(opened.message());
  REQUIRE(opened.ok());
  if (!region_text.empty()) {
    const dnafill::status s = reader.set_region(region_text);
    INFO(s.message());
    REQUIRE(s.ok());
  }
  std::vector<sequence_record> out;
  sequence_record record;
  while (reader.next(record)) out.push_back(record);
  INFO(reader.error().message());
  REQUIRE(reader.error().ok());
  return out;
}

// The lambda genome, as read from the bgzipped fixture.
sequence_record lambda_genome() {
  sequence_source source;
  REQUIRE(source.open(test::data_file("lambda.fa.gz")).ok());
  sequence_record whole;
  REQUIRE(source.next(whole));
  return whole;
}

void check_same_reads(const std::vector<sequence_record>& got, const std::vector<expected_read>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("read " << i << " " << want[i].name);
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].bases == want[i].bases);
    CHECK(got[i].quality.size() == want[i].bases.size());
  }
}

// The error that stops the first read of `region` of `path` (which opens, and takes the region).
std::string first_read_error(const std::string& path, const std::string& region) {
  alignment_reader reader;
  REQUIRE(reader.open(path).ok());
  REQUIRE(reader.set_region(region).ok());
  sequence_record record;
  CHECK_FALSE(reader.next(record));
  return reader.error().message();
}

// Writes the reads of BAM `from` to `to`, each `times` times, leaving out the unplaced ones unless
// `unplaced`; then indexes `to` when `index` (as samtools index would). `to` is a BAM, or with a
// `cram_reference` a CRAM that embeds it, 100 reads to a slice.
void rewrite_bam(const std::string& from, const std::string& to, int times, bool unplaced, bool index,
                 const std::string& cram_reference = "") {
  samFile* in = sam_open(from.c_str(), "r");
  sam_hdr_t* header = sam_hdr_read(in);
  samFile* out = sam_open(to.c_str(), cram_reference.empty() ? "wb" : "wc");
  if (!cram_reference.empty()) {
    REQUIRE(hts_set_fai_filename(out, cram_reference.c_str()) == 0);
    REQUIRE(hts_set_opt(out, CRAM_OPT_EMBED_REF, 1) == 0);
    REQUIRE(hts_set_opt(out, CRAM_OPT_SEQS_PER_SLICE, 100) == 0);
  }
  REQUIRE(sam_hdr_write(out, header) == 0);
  bam1_t* read = bam_init1();
  while (sam_read1(in, header, read) >= 0)
    for (int i = 0; i < times && (unplaced || read->core.tid >= 0); ++i) REQUIRE(sam_write1(out, header, read) >= 0);
  bam_destroy1(read);
  REQUIRE(sam_close(out) == 0);
  sam_hdr_destroy(header);
  sam_close(in);
  if (index) REQUIRE(sam_index_build(to.c_str(), 0) == 0);
}

}  // namespace

TEST_CASE("BAM reads come out in file order, reverse-strand reads in their original orientation", "[bio][alignment]") {
  const auto want = expected_reads();
  REQUIRE(want.size() == 306);
  const auto got = read_alignments(test::data_file("lambda_reads.bam"));
  check_same_reads(got, want);
  // A reverse-strand read: its quality is reversed with it, and the comment tells where it mapped.
  std::size_t reverse = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].flag & 16) ++reverse;
  }
  CHECK(reverse > 50);
  CHECK(got[0].comment.find("pos=" + lambda + ":") != std::string::npos);
}

TEST_CASE("CRAM with an embedded reference reads the same reads", "[bio][alignment]") {
  check_same_reads(read_alignments(test::data_file("lambda_reads.cram")), expected_reads());
}

TEST_CASE("CRAM with an external reference needs it, and reads the same with it", "[bio][alignment]") {
  alignment_options options;
  options.reference = test::data_file("lambda.fa.gz");
  check_same_reads(read_alignments(test::data_file("lambda_reads_ref.cram"), options), expected_reads());

  // Without it: a clean error, never a download (REF_PATH is pointed at the current folder).
  test::temp_dir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.file(""));
  alignment_reader reader;
  REQUIRE(reader.open(test::data_file("lambda_reads_ref.cram")).ok());
  sequence_record record;
  CHECK_FALSE(reader.next(record));
  CHECK(reader.error().message().find("CRAM reference is not available") != std::string::npos);
  std::filesystem::current_path(cwd);
}

TEST_CASE("a CRAM reference whose .fai does not fit it is indexed anew", "[bio][alignment]") {
  // htslib's CRAM decoder asserts on a .fai that points past the reference's data.
  test::temp_dir dir;
  const std::string ref = dir.file("ref.fa");
  const auto whole = lambda_genome();
  std::ofstream(ref) << ">" << whole.name << "\n" << whole.bases << "\n";
  dir.write("ref.fa.fai", lambda + "\t48502\t9999999\t70\t71\n");
  alignment_options options;
  options.reference = ref;
  const auto want = expected_reads();
  const auto got = read_alignments(test::data_file("lambda_reads_ref.cram"), options);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i].bases == want[i].bases);
  // The index written anew points at the bases: 48502 of them on one line, after the header line.
  CHECK(test::read_file(dir.file("ref.fa.fai")) == lambda + "\t48502\t" + std::to_string(whole.name.size() + 2) + "\t48502\t48503\n");
}

TEST_CASE("SAM reads, with line numbers in errors", "[bio][alignment]") {
  const auto want = expected_reads();
  const auto got = read_alignments(test::data_file("lambda_reads.sam"));
  std::ifstream in(test::data_file("lambda_reads.sam"));
  std::size_t body_lines = 0;
  for (std::string line; std::getline(in, line);) body_lines += !line.empty() && line[0] != '@';
  REQUIRE(body_lines == 38);  // none without SEQ
  REQUIRE(got.size() == body_lines);
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i].bases == want[i].bases);

  // Found by the check of the text at open, before any read is handed out.
  alignment_reader reader;
  CHECK(reader.open(test::data_file("bad/malformed_record.sam")).message() ==
        test::data_file("bad/malformed_record.sam") +
            ": record 2 (line 6): 4 tab-separated fields, and a SAM record has 11 (QNAME FLAG RNAME POS MAPQ CIGAR RNEXT "
            "PNEXT TLEN SEQ QUAL) before its tags");
}

TEST_CASE("a BAM read called mapped without a place, or placed past its reference, is refused as its SAM line is",
          "[bio][alignment]") {
  test::temp_dir dir;
  const std::string bam = dir.file("r.bam");
  // lambda_reads.bam with its first read (placed on the 48,502-base genome) edited.
  auto write_edited = [&](const std::function<void(bam1_t*)>& edit) {
    samFile* in = sam_open(test::data_file("lambda_reads.bam").c_str(), "r");
    sam_hdr_t* header = sam_hdr_read(in);
    samFile* out = sam_open(bam.c_str(), "wb");
    REQUIRE(sam_hdr_write(out, header) == 0);
    bam1_t* read = bam_init1();
    for (bool first = true; sam_read1(in, header, read) >= 0; first = false) {
      if (first) edit(read);
      REQUIRE(sam_write1(out, header, read) >= 0);
    }
    bam_destroy1(read);
    REQUIRE(sam_close(out) == 0);
    sam_hdr_destroy(header);
    sam_close(in);
  };
  auto first_error = [&] {
    alignment_reader reader;
    REQUIRE(reader.open(bam).ok());
    sequence_record record;
    CHECK_FALSE(reader.next(record));
    return reader.error().message();
  };
  auto no_cigar = [](bam1_t* b) {  // the same read with its CIGAR '*': the bytes after the name move up
    const int name = b->core.l_qname, cigar = 4 * static_cast<int>(b->core.n_cigar);
    std::memmove(b->data + name, b->data + name + cigar, static_cast<std::size_t>(b->l_data - name - cigar));
    b->l_data -= cigar;
    b->core.n_cigar = 0;
  };
  write_edited([](bam1_t* b) { b->core.pos = 48600; });
  CHECK(first_error() == bam + ": record 1: POS 48601 is past the end of reference '" + lambda + "' (LN 48502)");
  write_edited([](bam1_t* b) { b->core.tid = -1; });
  CHECK(first_error() == bam + ": record 1: FLAG 80 says mapped (0x4 not set), but RNAME is '*'");
  write_edited(no_cigar);
  CHECK(first_error() == bam + ": record 1: FLAG 80 says mapped (0x4 not set), but CIGAR is '*'");
}

TEST_CASE("a SAM of a header only is an error, as an empty FASTA is: a region of no reads is not", "[bio][alignment]") {
  test::temp_dir dir;
  const auto sam = dir.write("header.sam", "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:100\n");
  alignment_reader reader;
  REQUIRE(reader.open(sam).ok());
  sequence_record record;
  CHECK_FALSE(reader.next(record));
  CHECK(reader.error().message() == sam + ": no reads: the file holds a header only");

  alignment_reader region;
  REQUIRE(region.open(sam).ok());
  REQUIRE(region.set_region("chr1:1-50").ok());
  CHECK_FALSE(region.next(record));
  CHECK(region.error().ok());
}

TEST_CASE("primary-only and minimum MAPQ filters", "[bio][alignment]") {
  const auto want = expected_reads();
  std::size_t primary = 0, mapq40 = 0, both = 0;
  for (const auto& r : want) {
    const bool is_primary = (r.flag & 0x900) == 0;
    primary += is_primary;
    mapq40 += r.mapq >= 40;
    both += is_primary && r.mapq >= 40;
  }
  REQUIRE(primary < want.size());
  REQUIRE(mapq40 < want.size());
  alignment_options options;
  options.primary_only = true;
  CHECK(read_alignments(test::data_file("lambda_reads.bam"), options).size() == primary);
  options.min_mapq = 40;
  CHECK(read_alignments(test::data_file("lambda_reads.bam"), options).size() == both);
  options.primary_only = false;
  CHECK(read_alignments(test::data_file("lambda_reads.cram"), options).size() == mapq40);
  options.min_mapq = 300;
  alignment_reader reader;
  CHECK_FALSE(reader.open(test::data_file("lambda_reads.bam"), options).ok());
}

TEST_CASE("region queries use the index, or filter when there is none", "[bio][alignment]") {
  // samtools view -c lambda_reads.bam 'gi|9626243|ref|NC_001416.1|:1000-2000' counts 10, all with SEQ;
  // the first is r126 (flag 144: the last of its pair, r126/2).
  const std::string text = lambda + ":1000-2000";
  const auto indexed = read_alignments(test::data_file("lambda_reads.bam"), {}, text);
  REQUIRE(indexed.size() == 10);
  CHECK(indexed[0].name == "r126/2");
  CHECK(read_alignments(test::data_file("lambda_reads.cram"), {}, text).size() == 10);
  test::temp_dir dir;
  const std::string copy = dir.file("noindex.bam");
  std::filesystem::copy_file(test::data_file("lambda_reads.bam"), copy);
  const auto filtered = read_alignments(copy, {}, text);
  REQUIRE(filtered.size() == indexed.size());
  for (std::size_t i = 0; i < filtered.size(); ++i) CHECK(filtered[i].name == indexed[i].name);

  alignment_reader reader;
  REQUIRE(reader.open(test::data_file("lambda_reads.bam")).ok());
  dnafill::status s = reader.set_region("chr1:1-10");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == test::data_file("lambda_reads.bam") + ": region 'chr1:1-10': unknown contig 'chr1'");
  s = reader.set_region(lambda + ":48000-48600");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("is beyond the end of contig") != std::string::npos);
  s = reader.set_region(lambda + ":20-10");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("END 10 is before START 20") != std::string::npos);
}

TEST_CASE("a truncated or damaged .bai is refused with a message, not loaded", "[bio][alignment]") {
  // htslib 1.16 crashes freeing a truncated .bai, and reads many damaged ones as finding no read.
  test::temp_dir dir;
  const std::string bam = dir.file("r.bam");
  std::filesystem::copy_file(test::data_file("lambda_reads.bam"), bam);
  const std::string good = test::read_file(test::data_file("lambda_reads.bam.bai"));
  std::string outside = good;
  outside[good.size() - 8 - 1] = '\x7f';  // the last offset of the linear index, far past the BAM's end
  // The reads' bin, 585 (bases 0-128 kb), turned into bin 841, which starts 32 Mb into a 48.5 kb
  // genome: htslib would look for them in 585, find no chunk and return no read.
  std::string misfiled = good;
  REQUIRE(misfiled.substr(12, 4) == std::string("\x49\x02\x00\x00", 4));
  misfiled[13] = '\x03';
  // The linear index's second 16 kb window moved a block ahead of the third: htslib would skip the
  // reads between (the index stays sorted in a sorted BAM).
  std::string ahead = good;
  REQUIRE(ahead.substr(88, 4) == std::string("\x8e\x55\xde\x00", 4));
  ahead[90] = '\xdf';
  // The index of a BAM of the same header and no placed read: one reference, no bin, no interval, no
  // unplaced read. htslib would find no read in any region.
  const std::string no_read("BAI\1\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24);
  const std::pair<std::string, std::string> cases[] = {
      {no_read, "it places no read, the BAM holds placed reads"},
      {good.substr(0, 18), "truncated"},
      {good.substr(0, 40), "truncated"},
      {good.substr(0, good.size() - 1), "truncated"},  // the count of unplaced reads a byte short
      {outside, "reference 0: an offset outside the BAM file"},
      {misfiled, "reference 0: bin 841 starts past its end (LN 48502; "},
      {ahead, "reference 0: linear index goes back at window 2"},
      {good + "junk", "12 bytes after its end"}};  // the 8-byte count of unplaced reads, then the junk
  for (const auto& [bad, problem] : cases) {
    dir.write("r.bam.bai", bad);
    alignment_reader reader;
    REQUIRE(reader.open(bam).ok());
    CHECK_FALSE(reader.has_index());
    const dnafill::status s = reader.set_region(lambda + ":1000-2000");
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::StartsWith(bam + ".bai: a BAM index that does not fit " + bam + " (" + problem));
  }
  // An index that passes every check but points the first 16 kb window 3 bytes into a record: the
  // read fails, and the message names the index as a suspect.
  std::string inside = good;
  REQUIRE(inside.substr(80, 8) == std::string("\x00\x00\xde\x00\x00\x00\x00\x00", 8));  // (222, 0)
  inside[80] = '\x03';
  dir.write("r.bam.bai", inside);
  CHECK(first_read_error(bam, lambda + ":1000-2000") ==
        bam + ": record 1: cannot read: malformed record or truncated file, or an index that does not fit it "
              "(rebuild it with samtools index)");
  // A folder where the index would be.
  std::filesystem::remove(bam + ".bai");
  std::filesystem::create_directory(bam + ".bai");
  alignment_reader reader;
  REQUIRE(reader.open(bam).ok());
  const dnafill::status s = reader.set_region(lambda + ":1000-2000");
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == bam + ".bai: the index of " + bam + " is not a regular file: remove it, or rebuild it with samtools index");
  std::filesystem::remove(bam + ".bai");
  dir.write("r.bam.bai", good);
  CHECK(read_alignments(bam, {}, lambda + ":1000-2000").size() == 10);
}

TEST_CASE("the index of a BAM of unplaced reads only, or of a CRAM of no read, is taken", "[bio][alignment]") {
  // Their indexes place no read, as one of another file of the same header may (refused above): these fit.
  test::temp_dir dir;
  const std::string bam = dir.file("unplaced.bam"), cram = dir.file("none.cram");
  samFile* in = sam_open(test::data_file("lambda_reads.bam").c_str(), "r");
  sam_hdr_t* header = sam_hdr_read(in);
  samFile* out = sam_open(bam.c_str(), "wb");
  REQUIRE(sam_hdr_write(out, header) == 0);
  bam1_t* read = bam_init1();
  int unplaced = 0;
  while (sam_read1(in, header, read) >= 0)
    if (read->core.tid < 0 && ++unplaced) REQUIRE(sam_write1(out, header, read) >= 0);
  bam_destroy1(read);
  REQUIRE(sam_close(out) == 0);
  sam_hdr_destroy(header);
  sam_close(in);
  REQUIRE(unplaced == 40);
  REQUIRE(sam_index_build(bam.c_str(), 0) == 0);
  rewrite_bam(test::data_file("lambda_reads.bam"), cram, 0, true, true, test::data_file("lambda.fa.gz"));
  alignment_options with_reference;
  with_reference.reference = test::data_file("lambda.fa.gz");
  for (const auto& file : {bam, cram}) {
    INFO(file);
    alignment_reader reader;
    REQUIRE(reader.open(file, file == cram ? with_reference : alignment_options{}).ok());
    const dnafill::status s = reader.set_region(lambda + ":1-1000");
    INFO(s.message());
    REQUIRE(s.ok());
    CHECK(reader.has_index());
    sequence_record record;
    CHECK_FALSE(reader.next(record));
    CHECK(reader.error().ok());
  }
}

TEST_CASE("an index older than its BAM or CRAM is passed over: the region is read through the file", "[bio][alignment]") {
  // A BAM written again in place, at the same size, fits every check of its old index; only its
  // time tells, and htslib would read the region through the old offsets and find none of its reads.
  // Yet an index copied before its file (cp x.bai x.bam) is older and current: neither refused nor
  // trusted, it is passed over, and the region read through the whole file.
  test::temp_dir dir;
  for (const std::string name : {"lambda_reads.bam", "lambda_reads.cram"}) {
    const std::string file = dir.file(name), index = file + (name == "lambda_reads.bam" ? ".bai" : ".crai");
    std::filesystem::copy_file(test::data_file(name), file);
    std::filesystem::copy_file(test::data_file(std::filesystem::path(index).filename().string()), index);
    const auto written = std::filesystem::last_write_time(file);
    std::filesystem::last_write_time(index, written - std::chrono::seconds(5));
    alignment_reader reader;
    REQUIRE(reader.open(file).ok());
    REQUIRE(reader.set_region(lambda + ":1000-2000").ok());
    CHECK_FALSE(reader.has_index());
    CHECK(reader.older_index() == index);
    CHECK(read_alignments(file, {}, lambda + ":1000-2000").size() == 10);
    // Within the same second, as files copied together are, it is used.
    std::filesystem::last_write_time(index, written);
    alignment_reader current;
    REQUIRE(current.open(file).ok());
    CHECK(current.has_index());
    CHECK(current.older_index().empty());
    CHECK(read_alignments(file, {}, lambda + ":1000-2000").size() == 10);
  }
}

TEST_CASE("the .bai of another BAM is refused, though every offset in it falls inside the file", "[bio][alignment]") {
  // A BAM rewritten with more reads, with its old index beside it: htslib would read from the old
  // offsets and stop where the old reads ended, finding some of the reads of a region, or none.
  test::temp_dir dir;
  const std::string original = test::data_file("lambda_reads.bam"), text = lambda + ":1000-2000";
  const std::string twice = dir.file("twice.bam"), placed = dir.file("placed.bam");
  rewrite_bam(original, twice, 2, true, true);
  rewrite_bam(original, placed, 1, false, true);
  // Their own indexes fit: the placed reads end where the unplaced ones begin, or where the file ends.
  CHECK(read_alignments(twice, {}, text).size() == 20);
  CHECK(read_alignments(placed, {}, text).size() == 10);
  const std::string twice_index = test::read_file(twice + ".bai"), placed_index = test::read_file(placed + ".bai");
  const auto refused = [&](const std::string& bam, const std::string& index) {
    dir.write(std::filesystem::path(bam).filename().string() + ".bai", index);
    alignment_reader reader;
    REQUIRE(reader.open(bam).ok());
    const dnafill::status s = reader.set_region(text);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::StartsWith(bam + ".bai: a BAM index that does not fit " + bam + " ("));
    CHECK_THAT(s.message(), Catch::EndsWith("): remove it, or rebuild it with samtools index"));
    return s.message();
  };
  INFO(refused(twice, test::read_file(original + ".bai")));
  // Where the placed reads end, the unplaced ones begin, or the file ends: an index whose count of
  // unplaced reads (its last 8 bytes) says otherwise does not fit.
  const std::string all = dir.file("all.bam");
  rewrite_bam(original, all, 1, true, true);
  const std::string all_index = test::read_file(all + ".bai");
  REQUIRE(all_index.substr(all_index.size() - 8) == std::string("\x28\0\0\0\0\0\0\0", 8));
  CHECK(read_alignments(all, {}, text).size() == 10);
  const auto with_unplaced = [](std::string index, char count) {
    index[index.size() - 8] = count;
    return index;
  };
  CHECK_THAT(refused(all, with_unplaced(all_index, 0)),
             Catch::Contains("(it counts no unplaced read, the BAM holds some after the placed ones)"));
  CHECK_THAT(refused(placed, with_unplaced(placed_index, 40)),
             Catch::Contains("(it counts 40 unplaced reads after the placed ones, the BAM ends there)"));
  INFO(refused(placed, twice_index));
}

TEST_CASE("a .crai that does not fit its CRAM is refused with a message, not trusted", "[bio][alignment]") {
  // htslib takes a slice placed past the file's end as it is, and finds no read in the region.
  test::temp_dir dir;
  const std::string cram = dir.file("r.cram");
  std::filesystem::copy_file(test::data_file("lambda_reads_ref.cram"), cram);
  const auto reference = test::data_file("lambda.fa.gz");
  auto gzipped = [&](const std::string& text) {
    BGZF* fp = bgzf_open((cram + ".crai").c_str(), "wg");
    REQUIRE(fp != nullptr);
    REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    REQUIRE(bgzf_close(fp) == 0);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"0\t1\t100000\t99999999\t0\t500\n", "line 1: a slice outside the CRAM file"},
      {"0\t415\t47733\t479\t180\t22104\n3\t1\t10\t22787\t175\t4569\n", "line 2: reference 3 is not in the header"},
      {"0\t90000\t10\t479\t180\t22104\n", "line 1: a slice outside its reference"},
      {"0\t415\t47733\t479\n", "line 1: not 6 whole numbers"},
      // The file's containers are at bytes 479 (reference 0, its slice 180 bytes in, 22,104 long) and
      // 22,787 (unplaced reads); each line inside the file, the last on each container's header CRC32.
      {"0\t415\t47733\t480\t180\t22104\n", "line 1: no CRAM container starts at byte 480"},
      {"0\t415\t47733\t479\t181\t22103\n", "line 1: a slice that is not one of its container's"},
      {"0\t415\t47733\t479\t180\t22105\n", "line 1: a slice that is not one of its container's"},
      {"-1\t0\t1\t479\t180\t22104\n", "line 1: a slice of reference -1 in a container of reference 0"},
      // The .crai of a CRAM of the same header and no read, and one of the unplaced reads alone.
      {"", "it lists no slice of the first container of reads, at byte 479"},
      {"-1\t0\t0\t22787\t175\t4569\n", "it lists no slice of the first container of reads, at byte 479"}};
  alignment_options options;
  options.reference = reference;
  for (const auto& [bad, problem] : cases) {
    INFO(problem);
    gzipped(bad);
    alignment_reader reader;
    REQUIRE(reader.open(cram, options).ok());
    const dnafill::status s = reader.set_region(lambda + ":1000-2000");
    REQUIRE_FALSE(s.ok());
    CHECK(s.message() == cram + ".crai: a CRAM index that does not fit " + cram + " (" + problem +
                             "): remove it, or rebuild it with samtools index");
  }
  std::filesystem::copy_file(test::data_file("lambda_reads_ref.cram.crai"), cram + ".crai",
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(read_alignments(cram, options, lambda + ":1000-2000").size() == 10);
}

TEST_CASE("a .csi is checked as a .bai is, and before it, as htslib loads it first", "[bio][alignment]") {
  test::temp_dir dir;
  const std::string original = test::data_file("lambda_reads.bam"), text = lambda + ":1000-2000";
  const std::string bam = dir.file("r.bam"), twice = dir.file("twice.bam");
  std::filesystem::copy_file(original, bam);
  rewrite_bam(original, twice, 2, true, false);
  REQUIRE(sam_index_build(twice.c_str(), 14) == 0);  // min_shift 14: a .csi
  REQUIRE(sam_index_build(bam.c_str(), 12) == 0);
  CHECK(read_alignments(bam, {}, text).size() == 10);
  CHECK(read_alignments(twice, {}, text).size() == 20);
  // Beside its .bai, which fits, the .csi of another BAM: the .csi is the one htslib would use.
  std::filesystem::copy_file(original + ".bai", bam + ".bai");
  std::filesystem::copy_file(twice + ".csi", bam + ".csi", std::filesystem::copy_options::overwrite_existing);
  alignment_reader reader;
  REQUIRE(reader.open(bam).ok());
  const dnafill::status s = reader.set_region(text);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::StartsWith(bam + ".csi: a BAM index that does not fit " + bam + " ("));
  // A .csi cut short fails to decompress.
  const std::string whole = test::read_file(twice + ".csi");
  dir.write("r.bam.csi", whole.substr(0, whole.size() / 2));
  alignment_reader cut;
  REQUIRE(cut.open(bam).ok());
  CHECK_THAT(cut.set_region(text).message(), Catch::Contains(" (damaged compression)"));
}

TEST_CASE("the .crai of another CRAM is refused, though every slice it lists lies inside the file", "[bio][alignment]") {
  // The .crai of a CRAM of each read once, beside one of each read four times: every slice it lists
  // lies inside the file, but not where the file's containers are.
  test::temp_dir dir;
  const std::string once = dir.file("once.cram"), four = dir.file("four.cram"), region = lambda + ":20000-25000";
  rewrite_bam(test::data_file("lambda_reads.bam"), once, 1, true, true, test::data_file("lambda.fa.gz"));
  rewrite_bam(test::data_file("lambda_reads.bam"), four, 4, true, false, test::data_file("lambda.fa.gz"));
  CHECK(read_alignments(once, {}, region).size() == 14);  // as from the BAM
  std::filesystem::copy_file(once + ".crai", four + ".crai");
  alignment_reader reader;
  REQUIRE(reader.open(four).ok());
  const dnafill::status s = reader.set_region(region);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::StartsWith(four + ".crai: a CRAM index that does not fit " + four + " (line 1: "));
  CHECK_THAT(s.message(), Catch::EndsWith("): remove it, or rebuild it with samtools index"));
  // A CRAM damaged inside a slice, read through its own index: decoding fails, and the message names
  // the index as a suspect too (one that passed these checks could still be another file's).
  std::string bytes = test::read_file(once);
  bytes[bytes.size() / 3] ^= 0x5a;
  dir.write("once.cram", bytes);
  CHECK(first_read_error(once, region) ==
        once + ": record 1: cannot decode: corrupt file, an index that does not fit it (rebuild it with samtools "
               "index), or the CRAM reference is not available (give the reference FASTA)");
}

TEST_CASE("the header's contigs, and whether an index is there (the region chooser)", "[bio][alignment]") {
  for (const auto* name : {"lambda_reads.bam", "lambda_reads.cram", "lambda_reads.sam"}) {
    INFO(name);
    alignment_reader reader;
    REQUIRE(reader.open(test::data_file(name)).ok());
    CHECK(reader.contig_names() == std::vector<std::string>{lambda});
    CHECK(reader.contig_length(lambda) == 48502);
    CHECK(reader.has_index() == (std::string(name) != "lambda_reads.sam"));
  }
  // The index has_index loaded serves set_region afterwards (a CRAM index belongs to its open file).
  alignment_reader reader;
  REQUIRE(reader.open(test::data_file("lambda_reads.cram")).ok());
  REQUIRE(reader.has_index());
  REQUIRE(reader.set_region(lambda + ":1-2000").ok());
  sequence_record record;
  std::size_t reads = 0;
  while (reader.next(record)) ++reads;
  CHECK(reader.error().ok());
  CHECK(reads == read_alignments(test::data_file("lambda_reads.cram"), {}, lambda + ":1-2000").size());
  CHECK(reads > 0);
}

TEST_CASE("sequence_source detects the format and serves regions of each", "[bio][source]") {
  const auto read_source = [](const std::string& path, const std::string& region_text, dnafill::status& error) {
    sequence_source source;
    source_options options;
    options.region = region_text;
    std::vector<sequence_record> out;
    error = source.open(path, options);
    if (!error.ok()) return out;
    sequence_record record;
    while (source.next(record)) out.push_back(record);
    error = source.error();
    return out;
  };
  dnafill::status error;
  auto records = read_source(test::data_file("lambda.fa.gz"), lambda + ":1-20", error);
  REQUIRE(error.ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].name == lambda + ":1-20");
  CHECK(records[0].bases == "GGGCGGCGACCTCGCGGGTT");

  // The same region from a plain-gzip copy (no index possible) is found by reading sequentially.
  test::temp_dir dir;
  const std::string plain_gzip = dir.file("lambda_gzip.fa.gz");
  {
    const auto whole = lambda_genome();
    // BGZF's "g" mode writes ordinary gzip, which faidx cannot index.
    BGZF* fp = bgzf_open(plain_gzip.c_str(), "wg");
    REQUIRE(fp != nullptr);
    const std::string text = ">" + whole.name + "\n" + whole.bases + "\n";
    REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    REQUIRE(bgzf_close(fp) == 0);
  }
  records = read_source(plain_gzip, lambda + ":48500", error);
  INFO(error.message());
  REQUIRE(error.ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].name == lambda + ":48500-48502");
  CHECK(records[0].bases.size() == 3);
  // A range covering the whole contig is named as the contig, from the index and without one alike.
  for (const auto& path : {test::data_file("lambda.fa.gz"), plain_gzip}) {
    records = read_source(path, lambda + ":1-48502", error);
    REQUIRE(error.ok());
    REQUIRE(records.size() == 1);
    CHECK(records[0].name == lambda);
    CHECK(records[0].bases.size() == 48502);
  }
  records = read_source(plain_gzip, "nope:1-5", error);
  CHECK(error.message() == plain_gzip + ": region 'nope:1-5': unknown contig 'nope'");
  records = read_source(plain_gzip, lambda + ":1-48503", error);
  CHECK(error.message().find("END 48503 is beyond the end of contig") != std::string::npos);
  records = read_source(test::data_file("lambda.fa.gz"), lambda + ":0-5", error);
  CHECK(error.message().find("START must be at least 1") != std::string::npos);

  records = read_source(test::data_file("lambda_reads.cram"), "", error);
  REQUIRE(error.ok());
  CHECK(records.size() == 306);
  records = read_source(test::data_file("bad/variants.vcf"), "", error);
  CHECK(error.message().find("not a sequence file") != std::string::npos);
  records = read_source(test::data_file("bad/random_bytes.bin"), "", error);
  CHECK(error.message() == test::data_file("bad/random_bytes.bin") + ": not a FASTA or FASTQ file (binary data)");
}

TEST_CASE("a BAM gzipped a second time (as Debian ships examples) is read through a temporary copy", "[bio][source]") {
  test::temp_dir dir;
  const std::string wrapped = dir.file("reads.bam.gz");
  {
    const std::string bam = test::read_file(test::data_file("lambda_reads.bam"));
    BGZF* fp = bgzf_open(wrapped.c_str(), "wg");
    REQUIRE(fp != nullptr);
    REQUIRE(bgzf_write(fp, bam.data(), bam.size()) == static_cast<ssize_t>(bam.size()));
    REQUIRE(bgzf_close(fp) == 0);
  }
  sequence_source source;
  REQUIRE(source.open(wrapped).ok());
  CHECK(source.format_name() == "BAM");
  std::size_t n = 0;
  sequence_record record;
  while (source.next(record)) ++n;
  CHECK(source.error().ok());
  CHECK(n == 306);

  // Errors inside name the user's file, not the temporary copy.
  const std::string truncated = test::read_file(test::data_file("bad/truncated.bam"));
  const std::string bad = dir.file("bad.bam.gz");
  BGZF* fp = bgzf_open(bad.c_str(), "wg");
  REQUIRE(fp != nullptr);
  REQUIRE(bgzf_write(fp, truncated.data(), truncated.size()) == static_cast<ssize_t>(truncated.size()));
  REQUIRE(bgzf_close(fp) == 0);
  sequence_source bad_source;
  REQUIRE(bad_source.open(bad).ok());
  CHECK_FALSE(bad_source.next(record));
  CHECK(bad_source.error().message() == bad + ": record 1: cannot read: malformed record or truncated file");
}
