// Tests of bio/fasta.h, bio/fasta_writer.h and bio/indexed_fasta.h: reading, errors, round trips.
#include <catch2/catch.hpp>
#include <htslib/bgzf.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <atomic>
#include <filesystem>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "bio/alignment_reader.h"
#include "bio/fasta.h"
#include "bio/fasta_writer.h"
#include "bio/indexed_fasta.h"
#include "bio/output_file.h"
#include "bio/sequence_source.h"
#include "tests/test_util.h"

using namespace dnafill::bio;
namespace test = dnafill::test;

namespace {

std::vector<sequence_record> read_all(const std::string& path, dnafill::status& error) {
  std::vector<sequence_record> out;
  fasta_reader reader;
  error = reader.open(path);
  if (!error.ok()) return out;
  sequence_record record;
  while (reader.next(record)) out.push_back(record);
  error = reader.error();
  return out;
}

std::vector<sequence_record> read_ok(const std::string& path) {
  dnafill::status error;
  auto records = read_all(path, error);
  INFO(error.message());
  REQUIRE(error.ok());
  return records;
}

std::string read_error(const std::string& path) {
  dnafill::status error;
  read_all(path, error);
  REQUIRE_FALSE(error.ok());
  return error.message();
}

// The first record sequence_source gives for `region` of `path` (it must open), or the error that
// stopped it: ok() and the record, or not ok() and the message.
dnafill::status read_region(const std::string& path, const std::string& region, sequence_record& record) {
  sequence_source source;
  source_options options;
  options.region = region;
  REQUIRE(source.open(path, options).ok());
  if (source.next(record)) return {};
  REQUIRE_FALSE(source.error().ok());
  return source.error();
}

// The bases of a region the index must serve.
std::string fetched(indexed_fasta& index, std::string_view region_text) {
  region r;
  std::string bases;
  const dnafill::status s = index.fetch(region_text, r, bases);
  INFO(s.message());
  REQUIRE(s.ok());
  return bases;
}

sequence_record make_record(std::string name, std::string comment, std::string bases) {
  sequence_record r;
  r.name = std::move(name);
  r.comment = std::move(comment);
  r.bases = std::move(bases);
  return r;
}

}  // namespace

TEST_CASE("FASTA: names, comments, line breaks, case, blank lines, CRLF and a byte-order mark", "[bio][fasta]") {
  test::temp_dir dir;
  const auto records =
      read_ok(dir.write("a.fa", ">one first record\nACGT\nacgtN\n\n>two\r\nRYKM\r\n>three\tx y\nA C\tG\n"));
  REQUIRE(records.size() == 3);
  CHECK(records[0].name == "one");
  CHECK(records[0].comment == "first record");
  CHECK(records[0].bases == "ACGTacgtN");
  CHECK(records[0].quality.empty());
  CHECK(records[1].name == "two");
  CHECK(records[1].comment.empty());
  CHECK(records[1].bases == "RYKM");
  CHECK(records[2].comment == "x y");
  // UTF-8 in a description is text, not binary data.
  const auto utf8 = read_ok(dir.write("u.fa", ">s Escherichia coli \xc2\xb5\nAC\n"));
  REQUIRE(utf8.size() == 1);
  CHECK(utf8[0].comment == "Escherichia coli \xc2\xb5");
  // A UTF-8 byte-order mark before the first header (Windows editors) is not part of the name.
  const auto bom = read_ok(dir.write("bom.fa", "\xEF\xBB\xBF>first x\nACGT\n"));
  REQUIRE(bom.size() == 1);
  CHECK(bom[0].name == "first");
  CHECK(records[2].bases == "ACG");
}

TEST_CASE("FASTQ: four-line and multi-line records", "[bio][fasta]") {
  test::temp_dir dir;
  const auto records = read_ok(dir.write("a.fq", "@r1 c\nACGT\n+\nIIII\n@r2\nAC\nGT\n+r2\n@@\n#!\n\n"));
  REQUIRE(records.size() == 2);
  CHECK(records[0].name == "r1");
  CHECK(records[0].bases == "ACGT");
  CHECK(records[0].quality == "IIII");
  CHECK(records[1].bases == "ACGT");
  CHECK(records[1].quality == "@@#!");  // a quality line may start with '@'
  // The '+' line may repeat the whole title, with CRLF line ends too.
  CHECK(read_ok(dir.write("t.fq", "@r1 sample=a\r\nACGT\r\n+r1 sample=a\r\nIIII\r\n")).size() == 1);
}

TEST_CASE("FASTA errors name the file, record, line and problem", "[bio][fasta]") {
  test::temp_dir dir;
  const auto err = [&](const std::string& name, const std::string& content) {
    return read_error(dir.write(name, content));
  };
  CHECK(err("e.fa", "") == dir.file("e.fa") + ": empty file: no FASTA or FASTQ records");
  CHECK(err("b.fa", "\n\n") == dir.file("b.fa") + ": empty file: no FASTA or FASTQ records");
  CHECK(err("h.fa", "ACGT\n") ==
        dir.file("h.fa") + ": line 1: sequence without a header: a FASTA record starts with '>', a FASTQ record with '@'");
  CHECK(err("z.fa", ">a\nAC\n>b\n>c\nGG\n") == dir.file("z.fa") + ": record 'b' line 3: empty sequence (zero-length record)");
  CHECK(err("x.fa", ">a\nACGT\nAC*T\n") ==
        dir.file("x.fa") + ": record 'a' line 3: column 3: invalid character '*' (not an IUPAC nucleotide code)");
  CHECK(err("n.fa", ">\nACGT\n") == dir.file("n.fa") + ": line 1: header line has no name");
  CHECK(err("bin.fa", std::string("\x1f\x00\x01\x02", 4)) == dir.file("bin.fa") + ": not a FASTA or FASTQ file (binary data)");
  CHECK(err("q.fq", "@r\nACGT\n+\nII\n") == dir.file("q.fq") + ": record 'r' line 4: truncated record: quality has 2 of 4 characters");
  CHECK(err("q2.fq", "@r\nAC\n+\nIII\n") == dir.file("q2.fq") + ": record 'r' line 4: quality is longer than the sequence (3 vs 2)");
  // A short quality line before the next record: the short line is named, not the header after it.
  CHECK(err("q5.fq", "@r1\nACGTACGT\n+\nIIIIIII\n@r2\nAC\n+\nII\n") ==
        dir.file("q5.fq") + ": record 'r1' line 4: quality has 7 of 8 characters, and the next line starts a record ('@'), not more quality");
  // Multi-line quality that starts a line with '@' and fits is quality.
  CHECK(read_ok(dir.write("q6.fq", "@r1\nACGTACGT\n+\nIIII\n@III\n"))[0].quality == "IIII@III");
  // Line ends of CR alone make one long line: said, not called binary.
  CHECK(err("cr.fa", ">a\rACGT\r") == dir.file("cr.fa") + ": line 1: a carriage return inside the header line: are the line "
                                                               "ends CR alone (classic Mac)? make them newlines: tr '\\r' '\\n'");
  CHECK(err("q3.fq", "@r\nAC\n") == dir.file("q3.fq") + ": record 'r' line 2: truncated record: no '+' line");
  CHECK(err("q4.fq", "@r\nAC\n+\nII\nr2\n") == dir.file("q4.fq") + ": record 'r' line 5: expected '@' at the start of the next FASTQ record");
  CHECK(read_error(dir.file("missing.fa")) == dir.file("missing.fa") + ": cannot open: No such file or directory");
}

TEST_CASE("records read before an error are delivered", "[bio][fasta]") {
  test::temp_dir dir;
  dnafill::status error;
  const auto records = read_all(dir.write("p.fa", ">a\nAC\n>b\nAXC\n"), error);
  CHECK(records.size() == 1);
  CHECK(error.message() == dir.file("p.fa") + ": record 'b' line 4: column 2: invalid character 'X' (not an IUPAC nucleotide code)");
}

TEST_CASE("FASTA round trip: write with line width, read back", "[bio][fasta][writer]") {
  test::temp_dir dir;
  const std::vector<sequence_record> records = {make_record("a", "desc here", "ACGTACGTAC"),
                                                make_record("b", "", "nnnACG")};
  const std::string path = dir.file("out.fa");
  fasta_writer writer;
  REQUIRE(writer.open(path, fasta_writer_options{4}).ok());
  for (const auto& r : records) REQUIRE(writer.write(r).ok());
  REQUIRE(writer.close().ok());
  CHECK(test::read_file(path) == ">a desc here\nACGT\nACGT\nAC\n>b\nnnnA\nCG\n");
  const auto back = read_ok(path);
  REQUIRE(back.size() == 2);
  CHECK(back[0].name == "a");
  CHECK(back[0].comment == "desc here");
  CHECK(back[0].bases == records[0].bases);
  CHECK(back[1].bases == records[1].bases);

  REQUIRE(writer.open(path, fasta_writer_options{0}).ok());
  REQUIRE(writer.write(records[0]).ok());
  REQUIRE(writer.close().ok());
  CHECK(test::read_file(path) == ">a desc here\nACGTACGTAC\n");
}

// The writer passes a record on a megabyte at a time: lines and the bytes across those pieces.
TEST_CASE("FASTA round trip of a record of megabytes, wrapped and on one line", "[bio][fasta][writer]") {
  test::temp_dir dir;
  std::string bases(2500001, 'A');
  for (std::size_t i = 0; i < bases.size(); ++i) bases[i] = "ACGTacgtN"[(i * 7919 + i / 1000) % 9];
  for (const std::size_t width : {std::size_t{0}, std::size_t{60}, std::size_t{1048577}}) {
    INFO("line width " << width);
    const std::string path = dir.file("long" + std::to_string(width) + ".fa");
    fasta_writer writer;
    REQUIRE(writer.open(path, fasta_writer_options{width}).ok());
    REQUIRE(writer.write(make_record("long", "", bases)).ok());
    REQUIRE(writer.write(make_record("short", "", "ACGT")).ok());
    REQUIRE(writer.close().ok());
    const std::string text = test::read_file(path);
    const std::size_t lines = width == 0 ? 1 : (bases.size() + width - 1) / width;
    CHECK(text.size() == 6 + bases.size() + lines + 12);  // ">long\n", the bases and their line ends, ">short\nACGT\n"
    const auto back = read_ok(path);
    REQUIRE(back.size() == 2);
    CHECK(back[0].bases == bases);
    CHECK(back[1].bases == "ACGT");
  }
}

// infill writes a design as the record before it, the design and the record after it: the same bytes
// as the joined record, whatever piece a line or a megabyte ends in.
TEST_CASE("a record written in pieces is the record written whole", "[bio][fasta][writer]") {
  test::temp_dir dir;
  std::string bases(2500003, 'A');
  for (std::size_t i = 0; i < bases.size(); ++i) bases[i] = "ACGTacgtN"[(i * 7919 + i / 1000) % 9];
  const std::string_view all(bases);
  const std::vector<std::string_view> pieces = {all.substr(0, 0), all.substr(0, 3), all.substr(3, 1),
                                                all.substr(4, 0), all.substr(4, 1048570), all.substr(1048574)};
  for (const std::size_t width : {std::size_t{0}, std::size_t{4}, std::size_t{60}, std::size_t{1048577}}) {
    INFO("line width " << width);
    const std::string whole = dir.file("whole.fa"), pieced = dir.file("pieced.fa");
    fasta_writer writer;
    REQUIRE(writer.open(whole, fasta_writer_options{width}).ok());
    REQUIRE(writer.write(make_record("r", "c d", bases)).ok());
    REQUIRE(writer.write(make_record("empty", "", "")).ok());
    REQUIRE(writer.write(make_record("s", "", "ACG")).ok());
    REQUIRE(writer.close().ok());
    REQUIRE(writer.open(pieced, fasta_writer_options{width}).ok());
    REQUIRE(writer.write("r", "c d", pieces).ok());
    REQUIRE(writer.write("empty", "", {"", ""}).ok());
    REQUIRE(writer.write("s", "", {"A", "", "CG"}).ok());
    REQUIRE(writer.close().ok());
    const auto text = test::read_file(pieced);
    CHECK(text.size() == test::read_file(whole).size());
    CHECK(text == test::read_file(whole));
  }
  CHECK(test::read_file(dir.file("pieced.fa")).substr(0, 10) == ">r c d\n" + bases.substr(0, 3));
}

// The studio's window closing sets `stop` while a chromosome is read: the record in hand ends at its
// next line. Through a FIFO, so that the record is still being written (no end, no next header) when
// the flag is set: it cannot have been read whole.
TEST_CASE("fasta_reader: a stop set while a record is read ends it at its next line", "[bio][fasta]") {
  test::temp_dir dir;
  const auto fifo = dir.file("in.fifo");
  for (const bool stopped : {false, true}) {
    INFO("stopped " << stopped);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::atomic<bool> stop{false};
    sequence_record record;
    bool read = false;
    std::string error;
    std::thread reader([&] {
      fasta_reader r;
      if (!r.open(fifo, &stop)) return;
      read = r.next(record);
      error = r.error().message();
    });
    const int fd = ::open(fifo.c_str(), O_WRONLY);  // meets the reader's open
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, ">r\nACGT\n", 8) == 8);
    if (stopped) stop = true;
    REQUIRE(::write(fd, "ACGT\n", 5) == 5);
    ::close(fd);
    reader.join();
    std::filesystem::remove(fifo);
    if (stopped) {
      CHECK_FALSE(read);
      CHECK(error == fifo + ": reading stopped");
    } else {
      CHECK(read);
      CHECK(record.bases == "ACGTACGT");
    }
  }
}

TEST_CASE("the writer refuses names that would not read back", "[bio][fasta][writer]") {
  test::temp_dir dir;
  fasta_writer writer;
  REQUIRE(writer.open(dir.file("o.fa")).ok());
  CHECK_FALSE(writer.write(make_record("", "", "ACGT")).ok());
  CHECK_FALSE(writer.write(make_record("a b", "", "ACGT")).ok());
  CHECK(writer.close().ok());
  CHECK_FALSE(writer.open(dir.file("no/such/folder/o.fa")).ok());
}

TEST_CASE("bgzip round trip: .gz is BGZF with .fai and .gzi, and serves regions", "[bio][fasta][writer][faidx]") {
  test::temp_dir dir;
  std::string long_bases;
  for (int i = 0; i < 50000; ++i) long_bases += "ACGTTGCA"[(i * 7 + i / 13) % 8];  // spans several BGZF blocks
  const std::vector<sequence_record> records = {make_record("chrA", "", long_bases),
                                                make_record("chrB", "second", "GGGGCCCCAAAATTTT")};
  const std::string path = dir.file("out.fa.gz");
  fasta_writer writer;
  REQUIRE(writer.open(path, fasta_writer_options{70}).ok());
  for (const auto& r : records) REQUIRE(writer.write(r).ok());
  REQUIRE(writer.close().ok());
  struct stat st;
  CHECK(stat((path + ".fai").c_str(), &st) == 0);
  CHECK(stat((path + ".gzi").c_str(), &st) == 0);
  CHECK(test::read_file(path).substr(0, 4) == std::string("\x1f\x8b\x08\x04", 4));  // BGZF magic

  const auto back = read_ok(path);
  REQUIRE(back.size() == 2);
  CHECK(back[0].bases == long_bases);
  CHECK(back[1].comment == "second");

  indexed_fasta index;
  REQUIRE(index.open(path).ok());
  CHECK(index.contig_length("chrA") == 50000);
  CHECK(index.contig_length("chrB") == 16);
  CHECK(index.contig_length("chrC") == -1);
  CHECK(index.contig_names() == std::vector<std::string>{"chrA", "chrB"});
  CHECK(fetched(index, "chrA:40001-40100") == long_bases.substr(40000, 100));
  CHECK(fetched(index, "chrB:5-8") == "CCCC");
  CHECK(fetched(index, "chrB:16") == "T");  // the last base
  region r;
  std::string bases;
  dnafill::status s = index.fetch("chrB:10-17", r, bases);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == path + ": region 'chrB:10-17': END 17 is beyond the end of contig 'chrB' (length 16)");
  s = index.fetch("chrZ:1-2", r, bases);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == path + ": region 'chrZ:1-2': unknown contig 'chrZ'");
}

// A .fai lists a name once: with two records of one name its index would hide the second.
TEST_CASE("a .gz with a record name written twice is kept whole, without an index, and said", "[bio][fasta][writer][faidx]") {
  test::temp_dir dir;
  const std::string path = dir.file("twice.fa.gz");
  std::ofstream(path + ".fai") << "stale\t1\t1\t1\t2\n";  // an earlier file's index
  fasta_writer writer;
  REQUIRE(writer.open(path).ok());
  REQUIRE(writer.write(make_record("a", "", "ACGT")).ok());
  REQUIRE(writer.write(make_record("b", "", "GG")).ok());
  REQUIRE(writer.write(make_record("a", "", "TTTT")).ok());
  const auto s = writer.close();
  CHECK(s.message() == path + ": written, but not indexed: the record name 'a' occurs more than once, and a .fai "
                              "finds one record per name; no index is left beside it");
  CHECK_FALSE(std::filesystem::exists(path + ".fai"));
  CHECK_FALSE(std::filesystem::exists(path + ".gzi"));
  const auto back = read_ok(path);
  REQUIRE(back.size() == 3);
  CHECK(back[2].bases == "TTTT");
  // Plain FASTA has no index: the same records are written without a word.
  const std::string plain = dir.file("twice.fa");
  fasta_writer text;
  REQUIRE(text.open(plain).ok());
  REQUIRE(text.write(make_record("a", "", "ACGT")).ok());
  REQUIRE(text.write(make_record("a", "", "TTTT")).ok());
  CHECK(text.close().ok());
}

TEST_CASE("faidx: the index is built next to a plain FASTA and rebuilt when stale", "[bio][faidx]") {
  test::temp_dir dir;
  const std::string path = dir.write("p.fa", ">s1\nACGTA\nCGTAC\nGT\n>s2\nTTTT\n");
  {
    indexed_fasta index;
    REQUIRE(index.open(path).ok());
    CHECK(fetched(index, "s1:4-8") == "TACGT");
  }
  struct stat st;
  REQUIRE(stat((path + ".fai").c_str(), &st) == 0);
  // Change the FASTA and make the index older than it: the old offsets must not be used.
  dir.write("p.fa", ">s1\nGGGGGGGG\n>s2\nTTTT\n");
  struct utimbuf old_time = {st.st_atime - 100, st.st_mtime - 100};
  REQUIRE(utime((path + ".fai").c_str(), &old_time) == 0);
  indexed_fasta index;
  REQUIRE(index.open(path).ok());
  CHECK(fetched(index, "s1:1-8") == "GGGGGGGG");
}

// infill --region numbers the record it fetches as a read of the whole file would (its seed).
TEST_CASE("faidx: records are numbered in the file's order, whatever the .fai's order", "[bio][faidx]") {
  test::temp_dir dir;
  const std::string path = dir.write("n.fa", ">s1\r\nACG\r\nTAC\r\nG\r\n>s2\r\nTTTT\r\n>s3\r\nCC\r\n");
  // Offsets that fit, listed s3, s1, s2: a hand-sorted index.
  dir.write("n.fa.fai", "s3\t2\t34\t2\t4\ns1\t7\t5\t3\t5\ns2\t4\t23\t4\t6\n");
  indexed_fasta index;
  REQUIRE(index.open(path).ok());
  CHECK(index.record_count() == 3);
  CHECK(index.record_number("s1") == 0);
  CHECK(index.record_number("s2") == 1);
  CHECK(index.record_number("s3") == 2);
  CHECK(index.record_number("s4") == -1);
  CHECK(test::read_file(path + ".fai").substr(0, 3) == "s3\t");  // used as it was, not rebuilt
  // A fetch over line ends (CRLF): each line's bases, the ends dropped.
  CHECK(fetched(index, "s1") == "ACGTACG");
  CHECK(fetched(index, "s1:3-7") == "GTACG");
  CHECK(fetched(index, "s1:4-6") == "TAC");
  // A byte that is not a base, on a later line than the region's first, is named by its position.
  const std::string bad = dir.write("bad.fa", ">b\nACGT\nAC!T\n");
  indexed_fasta broken;
  REQUIRE(broken.open(bad).ok());  // faidx checks the layout, not the letters
  region r;
  std::string bases;
  CHECK(broken.fetch("b:2-8", r, bases).message() ==
        bad + ": record 'b' position 7: invalid character '!' (not an IUPAC nucleotide code)");
  CHECK(bases.empty());
}

TEST_CASE("faidx: an index that does not fit its file is built anew, never trusted", "[bio][faidx]") {
  // htslib itself divides by the line width (0: SIGFPE) and asserts on offsets past the data.
  test::temp_dir dir;
  const std::string path = dir.write("f.fa", ">s1\nACGTA\nCGTAC\nGT\n>s2 two\nTTTT\n");
  // Each is newer than the FASTA (not stale by its date), and each is built anew.
  for (const char* fai : {"s1\t12\t4\t0\t0\ns2\t4\t27\t4\t5\n",        // line width 0
                          "s1\t12\t9999999\t5\t6\ns2\t4\t27\t4\t5\n",  // past the end of the file
                          "s1\t12\t4\t5\t6\ns2\t4\tx\t4\t5\n",         // not a number
                          "s1\t12\t4\t5\t6\n",                            // a record missing
                          "",                                               // no record
                          "s1\t12\t4\t5\t6\ns2\t4\t4\t4\t5\n",         // s2 pointing into s1
                          "s1\t10\t4\t5\t6\ns2\t4\t27\t4\t5\n"}) {     // s1 too short
    dir.write("f.fa.fai", fai);
    INFO(fai);
    indexed_fasta index;
    REQUIRE(index.open(path).ok());
    CHECK(index.contig_length("s1") == 12);
    CHECK(fetched(index, "s1:4-8") == "TACGT");
    CHECK(fetched(index, "s2:1-4") == "TTTT");
  }
}

TEST_CASE("faidx: in an index too large to check at open, a fetch finds an offset into another record", "[bio][faidx]") {
  test::temp_dir dir;
  std::string text;
  for (int i = 0; i < 10001; ++i) text += ">r" + std::to_string(i) + "\nACGT\n";
  const std::string path = dir.write("many.fa", text);
  {
    indexed_fasta index;  // builds the index
    REQUIRE(index.open(path).ok());
  }
  // r1's offset moved onto r0's bases: inside the file, so only the fetch of r1 can tell.
  std::string fai = test::read_file(path + ".fai");
  const auto line = fai.find("r1\t4\t");
  REQUIRE(line != std::string::npos);
  const auto offset = line + 5, tab = fai.find('\t', offset);
  fai.replace(offset, tab - offset, "4");
  dir.write("many.fa.fai", fai);
  indexed_fasta index;
  REQUIRE(index.open(path).ok());
  CHECK(fetched(index, "r2:1-4") == "ACGT");
  CHECK(index.record_count() == -1);  // unchecked: not numbered (infill then reads the file through)
  CHECK(index.record_number("r2") == -1);
  region r;
  std::string bases;
  const auto s = index.fetch("r1:1-4", r, bases);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("record 'r1': the bytes of region 'r1:1-4' are not where the index puts them"));
  // The file's last record grown by a base under the index of before, dated later: every offset and
  // header still fits, and only the record's end tells that its fetch would lose the new base.
  std::filesystem::remove(path + ".fai");
  {
    indexed_fasta before;  // builds the index again
    REQUIRE(before.open(path).ok());
  }
  dir.write("many.fa", text.substr(0, text.size() - 1) + "A\n");
  std::filesystem::last_write_time(path + ".fai", std::filesystem::file_time_type::clock::now() + std::chrono::hours(1));
  indexed_fasta grown;
  REQUIRE(grown.open(path).ok());
  CHECK(fetched(grown, "r1:1-4") == "ACGT");
  const auto last = grown.fetch("r10000:1-4", r, bases);
  REQUIRE_FALSE(last.ok());
  CHECK_THAT(last.message(), Catch::Contains("record 'r10000': the bytes of region 'r10000:1-4' are not where the index puts them"));
}

TEST_CASE("faidx: bytes that are not bases are an error with their line, never skipped", "[bio][faidx]") {
  // htslib's faidx skips them, and the bases after them shift; its index of such a file does not fit
  // it, so the region is read sequentially, and the reader names the byte.
  test::temp_dir dir;
  const std::string path = dir.write("c.fa", std::string(">x\nACGTACGTAC\nGT\x01\x01" "ACGTAC\nGTACGTACGT\n"));
  indexed_fasta index;
  CHECK_FALSE(index.open(path).ok());
  sequence_record record;
  CHECK_THAT(read_region(path, "x:1-20", record).message(), Catch::Contains("line 3: column 3: invalid character byte 0x01"));
}

TEST_CASE("a region naming a record that appears twice is refused, not the first taken", "[bio][faidx]") {
  test::temp_dir dir;
  const std::string path = dir.write("d.fa", ">a\nACGTACGTAC\n>b\nGGGG\n>a\nTTTTTTTTTT\n");
  for (const char* text : {"a:1-5", "b"}) {
    INFO(text);
    sequence_record record;
    const auto s = read_region(path, text, record);
    if (std::string(text) == "b") {
      REQUIRE(s.ok());
      CHECK(record.bases == "GGGG");
    } else {
      CHECK(s.message() == path + ": record 'a' appears twice (records 1 and 3), so a region cannot name it");
    }
  }
}

// .gz in any case: X.FA.GZ was written plain text under a name that says gzip.
TEST_CASE("a .gz name in any case is compressed and indexed, another name is not", "[bio][fasta][writer]") {
  CHECK(is_gz_path("x.fa.gz"));
  CHECK(is_gz_path("X.FA.GZ"));
  CHECK(is_gz_path("x.Gz"));
  CHECK_FALSE(is_gz_path("x.fa"));
  CHECK_FALSE(is_gz_path("x.fagz"));
  CHECK_FALSE(is_gz_path("gz"));
  CHECK_FALSE(is_gz_path("x.bgz"));
  test::temp_dir dir;
  const std::string path = dir.file("OUT.FA.GZ");
  fasta_writer writer;
  REQUIRE(writer.open(path).ok());
  REQUIRE(writer.write(make_record("chrA", "", "ACGTACGT")).ok());
  REQUIRE(writer.close().ok());
  CHECK(test::read_file(path).substr(0, 4) == std::string("\x1f\x8b\x08\x04", 4));  // BGZF magic
  CHECK(fasta_writer::index_paths(path) == std::vector<std::string>{path + ".fai", path + ".gzi"});
  CHECK(std::filesystem::exists(path + ".fai"));
  CHECK(std::filesystem::exists(path + ".gzi"));
}

TEST_CASE("faidx: a .gzi that does not list the file's blocks is built anew", "[bio][faidx]") {
  test::temp_dir dir;
  std::string bases;
  for (int i = 0; i < 200000; ++i) bases += "ACGTTGCA"[(i * 5 + i / 11) % 8];  // 4 BGZF blocks
  const std::string path = dir.file("m.fa.gz");
  fasta_writer writer;
  REQUIRE(writer.open(path, fasta_writer_options{60}).ok());
  REQUIRE(writer.write(make_record("m", "", bases)).ok());
  REQUIRE(writer.close().ok());
  const std::string gzi = test::read_file(path + ".gzi");
  REQUIRE(gzi.size() > 8 + 16);  // several blocks
  const std::string none(8, '\0');
  std::string huge = gzi;
  huge[5] = '\x7f';  // a count of entries far above what the file holds
  std::string past = gzi;
  past[8 + 4] = '\x7f';  // the first block's compressed offset far past the end
  for (const std::string& bad : {none, huge, past}) {
    dir.write("m.fa.gz.gzi", bad);
    indexed_fasta index;
    REQUIRE(index.open(path).ok());
    CHECK(fetched(index, "m:150001-150100") == bases.substr(150000, 100));
  }
}

TEST_CASE("faidx cannot index plain gzip: open fails so callers read sequentially", "[bio][faidx]") {
  indexed_fasta index;
  test::temp_dir dir;
  CHECK_FALSE(index.open(dir.file("missing.fa")).ok());
  CHECK_FALSE(index.open(test::data_file("bad/truncated_bgzf_at_block.fa.gz")).ok());
  CHECK_FALSE(index.open(test::data_file("bad/truncated_gzip.fa.gz")).ok());
  // A whole, valid plain-gzip FASTA (BGZF's "g" mode writes ordinary gzip): no index either.
  const std::string plain_gzip = dir.file("plain.fa.gz");
  BGZF* fp = bgzf_open(plain_gzip.c_str(), "wg");
  REQUIRE(fp != nullptr);
  const std::string text = ">s1\nACGTACGTAC\n";
  REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(bgzf_close(fp) == 0);
  REQUIRE(read_ok(plain_gzip).size() == 1);  // the file itself is fine
  CHECK(index.open(plain_gzip).message() ==
        plain_gzip + ": compressed with plain gzip, and random access needs bgzip: zcat it | bgzip > a new .fa.gz");
}

// htslib would index it, and the index would be refused after a read of the whole file, at every open.
TEST_CASE("faidx: a FASTQ file is refused before any index is built", "[bio][faidx]") {
  test::temp_dir dir;
  const std::string path = dir.write("r.fq", "@r1\nACGTACGT\n+\nIIIIIIII\n@r2\nTTTTGGGG\n+\nIIIIIIII\n");
  indexed_fasta index;
  CHECK(index.open(path).message() == path + ": FASTQ, which is read through, not by an index");
  CHECK_FALSE(std::filesystem::exists(path + ".fai"));
}

TEST_CASE("a file faidx cannot index is refused saying why: not FASTA, or a line of another length", "[bio][faidx]") {
  test::temp_dir dir;
  auto refusal = [&](const std::string& name, const std::string& bytes) {
    indexed_fasta index;
    const auto path = dir.write(name, bytes);
    const auto s = index.open(path);
    REQUIRE_FALSE(s.ok());
    CHECK_FALSE(std::filesystem::exists(path + ".fai"));
    return s.message().substr(path.size());
  };
  CHECK(refusal("notes.txt", "\nsome notes\n") == ": not a FASTA file: a record starts with '>'");
  CHECK(refusal("random.bin", std::string("\x01\x9c\x00\xfe\x10zz", 7)) == ": not a FASTA file (binary data)");
  // The third line of record b is short, and not its last.
  CHECK(refusal("uneven.fa", ">a\nACGT\nAC\n>b x\nACGT\nACGT\nAC\nACGT\n") ==
        ": faidx cannot index it: record b, line 7 holds 2 bases, the record's first line 4 (each line of a record "
        "but its last must be as long as its first)");
  CHECK(refusal("long.fa", ">a\r\nACGT\r\nACGTA\r\n") ==
        ": faidx cannot index it: record a, line 3 holds 5 bases, the record's first line 4 (each line of a record "
        "but its last must be as long as its first)");
}

TEST_CASE("a corrupt BGZF block inside a FASTA is an error, not a gap in the sequence", "[bio][fasta]") {
  // htslib's line reader hands back the part of a line before a bad block as whole, and goes on.
  test::temp_dir dir;
  const std::string path = dir.file("x.fa.gz");
  BGZF* fp = bgzf_open(path.c_str(), "w");
  REQUIRE(fp != nullptr);
  for (const std::string block : {">r\nAAAAAAAA\nTT", "GG\nCCCCCCCC\n", "TTTTTTTT\nACGT\n"}) {
    REQUIRE(bgzf_write(fp, block.data(), block.size()) == static_cast<ssize_t>(block.size()));
    REQUIRE(bgzf_flush(fp) == 0);
  }
  REQUIRE(bgzf_close(fp) == 0);
  REQUIRE(read_ok(path)[0].bases == "AAAAAAAATTGGCCCCCCCCTTTTTTTTACGT");
  std::string bytes = test::read_file(path);
  const std::size_t second = (static_cast<unsigned char>(bytes[16]) | static_cast<unsigned char>(bytes[17]) << 8) + 1;
  bytes[second + 20] ^= 4;
  dir.write("x.fa.gz", bytes);
  fasta_reader reader;
  REQUIRE(reader.open(path).ok());
  sequence_record record;
  while (reader.next(record)) {
  }
  REQUIRE_FALSE(reader.error().ok());
  CHECK_THAT(reader.error().message(), Catch::Contains(": truncated or corrupt compressed data"));
}

// htslib decompresses ahead of the lines it hands back, so the break lies past the last line read,
// maybe far past: the message says how far reading got, not a line where the data break.
TEST_CASE("a gzip file cut in the middle says how far reading got", "[bio][fasta]") {
  test::temp_dir dir;
  std::string text = ">a\n";
  std::uint32_t state = 1;  // bases that do not compress away: the file spans many reads of htslib's
  for (int line = 0; line < 4000; ++line, text += '\n')
    for (int i = 0; i < 60; ++i) text += "ACGT"[(state = state * 1664525u + 1013904223u) >> 30];
  const std::string path = dir.file("whole.fa.gz");
  BGZF* fp = bgzf_open(path.c_str(), "wg");
  REQUIRE(fp != nullptr);
  REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(bgzf_close(fp) == 0);
  const std::string bytes = test::read_file(path);
  const std::string cut = dir.write("cut.fa.gz", bytes.substr(0, bytes.size() / 2));
  CHECK_THAT(read_error(cut), Catch::Matches(cut + ": truncated or corrupt compressed data after line [1-9][0-9]* \\(the break may lie further on\\)"));
  // Cut inside the first lines: nothing was read.
  CHECK(read_error(dir.write("stub.fa.gz", bytes.substr(0, 40))) == dir.file("stub.fa.gz") + ": cannot read: truncated or corrupt compressed data");
}

// `cat a.fa.gz b.fa.gz` of a bgzip and a gzip file: zcat reads both, and so does htslib, which goes on
// in gzip mode; only the end-of-file block is missing, and that is not a cut.
TEST_CASE("a bgzip file with a plain gzip file joined on is read whole, as zcat reads it", "[bio][fasta]") {
  test::temp_dir dir;
  auto compress = [&](const std::string& name, const char* mode, const std::string& text) {
    const std::string path = dir.file(name);
    BGZF* fp = bgzf_open(path.c_str(), mode);
    REQUIRE(fp != nullptr);
    REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    REQUIRE(bgzf_close(fp) == 0);
    return test::read_file(path);
  };
  const std::string blocks = compress("a.fa.gz", "w", ">a\nACGTACGT\n"), plain = compress("b.fa.gz", "wg", ">b\nGGCC\n");
  const std::string joined = dir.write("joined.fa.gz", blocks + plain);
  const auto records = read_ok(joined);
  REQUIRE(records.size() == 2);
  CHECK(records[1].name == "b");
  CHECK(records[1].bases == "GGCC");
  CHECK_FALSE(lacks_eof_marker(joined));  // no warning that it may be cut short
  sequence_record record;
  REQUIRE(read_region(joined, "b:2-3", record).ok());  // read through: faidx cannot index it
  CHECK(record.bases == "GC");
  CHECK_FALSE(std::filesystem::exists(joined + ".fai"));
  indexed_fasta index;
  CHECK(index.open(joined).message() == joined + ": bgzip blocks, then plain gzip from byte " + std::to_string(blocks.size()) +
                                           " (files joined with cat?), and random access needs bgzip throughout: zcat it | "
                                           "bgzip > a new .fa.gz");
  // The gzip member cut short is still an error; the blocks alone without their end-of-file block too.
  CHECK_THAT(read_error(dir.write("joined_cut.fa.gz", blocks + plain.substr(0, plain.size() - 6))),
             Catch::Contains(": truncated or corrupt compressed data"));
  const std::string cut = dir.write("cut.fa.gz", blocks.substr(0, blocks.size() - 28));
  CHECK(read_error(cut) == cut + ": truncated BGZF file (end-of-file marker missing)");
}

// What an output may replace is told by what the file holds, not its name or first byte alone.
TEST_CASE("an output replaces only a file of its kind: FASTA over FASTA, not over a BAM or a checkpoint", "[bio][output]") {
  test::temp_dir dir;
  CHECK(replaceable(dir.file("missing.fa"), output_kind::fasta));
  CHECK(replaceable(dir.write("empty.fa", ""), output_kind::fasta));
  CHECK(replaceable(dir.write("a.fa", ">a\nACGT\n"), output_kind::fasta));
  CHECK(replaceable(dir.write("first_empty.fa", ">a\n>b\nACGT\n"), output_kind::fasta));  // htslib does not call it FASTA
  CHECK(replaceable(test::data_file("lambda.fa.gz"), output_kind::fasta));
  CHECK_FALSE(replaceable(test::data_file("lambda_reads.bam"), output_kind::fasta));  // BGZF too
  CHECK_THAT(what_file_holds(test::data_file("lambda_reads.bam")), Catch::StartsWith("BAM"));
  CHECK_FALSE(replaceable(dir.write("log.jsonl", "{\"step\":1}\n"), output_kind::fasta));
  CHECK(replaceable(dir.file("log.jsonl"), output_kind::json_lines));
  CHECK_FALSE(replaceable(dir.file("a.fa"), output_kind::json_lines));
  // safetensors: an 8-byte length that fits the file, then '{': whatever that length's first byte is.
  for (const char low : {'>', '{', '\x10'}) {
    std::string bytes(8, '\0');
    bytes[0] = low;
    bytes += "{" + std::string(static_cast<unsigned char>(low) - 1, ' ') + "data";
    const auto path = dir.write("m.safetensors", bytes);
    INFO(int(low));
    CHECK(what_file_holds(path) == "a safetensors checkpoint");
    CHECK_FALSE(replaceable(path, output_kind::fasta));
    CHECK_FALSE(replaceable(path, output_kind::json_lines));
    CHECK(replaceable(path, output_kind::checkpoint));
  }
}

TEST_CASE("gzip and bgzip fixtures read like plain text", "[bio][fasta]") {
  const auto records = read_ok(test::data_file("lambda.fa.gz"));
  REQUIRE(records.size() == 1);
  CHECK(records[0].name == "gi|9626243|ref|NC_001416.1|");
  CHECK(records[0].comment == "Enterobacteria phage lambda, complete genome");
  CHECK(records[0].bases.size() == 48502);
  CHECK(records[0].bases.substr(0, 20) == "GGGCGGCGACCTCGCGGGTT");
}

TEST_CASE("a region of a FASTA is one record that knows where it starts, indexed or read through", "[bio][faidx]") {
  test::temp_dir dir;
  const std::string text = ">x desc\nACGTACGTAC\nGGCCTTAA\n";
  const std::string indexed = dir.write("r.fa", text);
  // Plain gzip has no index: the region is cut from the record as it streams by.
  const std::string streamed = dir.file("r.fa.gz");
  BGZF* fp = bgzf_open(streamed.c_str(), "wg");
  REQUIRE(fp != nullptr);
  REQUIRE(bgzf_write(fp, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(bgzf_close(fp) == 0);
  for (const auto& path : {indexed, streamed}) {
    for (const auto& [region, name, bases, start] : {std::tuple{"x:5-12", "x:5-12", "ACGTACGG", 4}, std::tuple{"x:1-18", "x", "ACGTACGTACGGCCTTAA", 0},
                                                     std::tuple{"x:18", "x:18-18", "A", 17}}) {
      INFO(path << " " << region);
      sequence_record record;
      REQUIRE(read_region(path, region, record).ok());
      CHECK(record.name == name);
      CHECK(record.bases == bases);
      CHECK(record.start == start);
    }
  }
  // Without a region every record starts at 0.
  sequence_source source;
  REQUIRE(source.open(indexed).ok());
  sequence_record record;
  REQUIRE(source.next(record));
  CHECK(record.start == 0);
  // faidx indexes a record with a space among its bases, which the fetch refuses: it is read through,
  // and the reader drops the space, as without an index; a byte that is no base, in the reader's words.
  const std::string spaced = dir.write("s.fa", ">a\nACGTAC\n>b\nACG TACGTA\nACG TACGTA\nACGT\n");
  {
    indexed_fasta index;
    REQUIRE(index.open(spaced).ok());  // the .fai is there
  }
  REQUIRE(read_region(spaced, "b:3-6", record).ok());
  CHECK(record.bases == "GTAC");
  const std::string bang = dir.write("b.fa", ">a\nACGTAC\n>c\nACGTACGTAC\nACGT!CGTAC\nACG\n");
  {
    indexed_fasta index;
    REQUIRE(index.open(bang).ok());
  }
  CHECK(read_region(bang, "c:2-18", record).message() ==
        bang + ": record 'c' line 5: column 5: invalid character '!' (not an IUPAC nucleotide code)");
}

TEST_CASE("faidx: a bgzipped FASTA with its .fai but a .gzi that cannot be written is read through, not a crash", "[bio][faidx]") {
  // htslib 1.16 closes the .fai twice on this path (SIGSEGV); a .gzi link into a missing folder
  // cannot be written even by root, as a read-only folder cannot by others.
  test::temp_dir dir;
  const std::string path = dir.file("g.fa.gz");
  fasta_writer writer;
  REQUIRE(writer.open(path, fasta_writer_options{60}).ok());
  REQUIRE(writer.write(make_record("g", "", std::string(300, 'A') + "CGTT" + std::string(300, 'C'))).ok());
  REQUIRE(writer.close().ok());
  REQUIRE(std::remove((path + ".gzi").c_str()) == 0);
  REQUIRE(symlink(dir.file("missing/g.fa.gz.gzi").c_str(), (path + ".gzi").c_str()) == 0);
  indexed_fasta index;
  const auto s = index.open(path);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == path + ": a .fai index but no .gzi, and neither can be built (read-only folder?)");
  sequence_record record;
  REQUIRE(read_region(path, "g:300-305", record).ok());
  CHECK(record.bases == "ACGTTC");
}

TEST_CASE("fasta_writer replaces a file only when closed: a failed run leaves the one before", "[bio][fasta]") {
  test::temp_dir dir;
  for (const std::string name : {"keep.fa", "keep.fa.gz"}) {
    INFO(name);
    const std::string path = dir.write(name, ">before\nACGT\n");
    {
      fasta_writer writer;
      REQUIRE(writer.open(path).ok());
      REQUIRE(writer.write(make_record("new", "", "GGGG")).ok());
      CHECK_FALSE(writer.write(make_record("two words", "", "CCCC")).ok());  // the run fails here
    }
    CHECK(test::read_file(path) == ">before\nACGT\n");
    fasta_writer writer;
    REQUIRE(writer.open(path).ok());
    REQUIRE(writer.write(make_record("new", "", "GGGG")).ok());
    CHECK(test::read_file(path) == ">before\nACGT\n");  // until close
    REQUIRE(writer.close().ok());
    const auto records = read_ok(path);
    REQUIRE(records.size() == 1);
    CHECK(records[0].name == "new");
  }
  // Its permissions stay. A symbolic link and a hard-linked file are written in place: the link and
  // the other name see the new content.
  const std::string secret = dir.write("secret.fa", ">before\nACGT\n");
  REQUIRE(chmod(secret.c_str(), 0600) == 0);
  const std::string target = dir.write("target.fa", ">before\nACGT\n"), link = dir.file("link.fa");
  REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  const std::string shared = dir.write("shared.fa", ">before\nACGT\n"), other = dir.file("other.fa");
  REQUIRE(::link(shared.c_str(), other.c_str()) == 0);
  // Those two are written in the system's temporary folder and copied in on close: a run that fails
  // leaves them as they were too (written as it went, a full disk left half a FASTA there).
  const std::string staging = dir.file("staging");
  std::filesystem::create_directory(staging);
  REQUIRE(setenv("TMPDIR", staging.c_str(), 1) == 0);
  for (const auto& path : {link, shared}) {
    INFO(path);
    {
      fasta_writer writer;
      REQUIRE(writer.open(path).ok());
      REQUIRE(writer.write(make_record("new", "", std::string(100000, 'G'))).ok());
      CHECK_FALSE(writer.write(make_record("two words", "", "CCCC")).ok());
    }
    CHECK(test::read_file(path) == ">before\nACGT\n");
    CHECK(std::filesystem::is_empty(staging));
  }
  for (const auto& path : {secret, link, shared}) {
    fasta_writer writer;
    REQUIRE(writer.open(path).ok());
    REQUIRE(writer.write(make_record("new", "", "GGGG")).ok());
    REQUIRE(writer.close().ok());
  }
  struct stat st;
  REQUIRE(stat(secret.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(std::filesystem::is_symlink(link));
  CHECK(test::read_file(target) == ">new\nGGGG\n");
  CHECK(test::read_file(other) == ">new\nGGGG\n");
  CHECK(std::filesystem::is_empty(staging));
  REQUIRE(unsetenv("TMPDIR") == 0);
  std::filesystem::remove(staging);
  // A writer that is dropped leaves no temporary file behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(dir.file("x")).parent_path())) ++files;
  CHECK(files == 9);  // keep.fa, keep.fa.gz and its .fai/.gzi, secret.fa, target.fa, link.fa, shared.fa, other.fa
}

TEST_CASE("output_file: a temporary name beside PATH, renamed over it on commit, dropped otherwise", "[bio][writer]") {
  test::temp_dir dir;
  const std::string path = dir.write("out.jsonl", "before\n");
  output_file out;
  REQUIRE(out.begin(path).ok());
  const std::string temporary = out.name();
  CHECK(temporary != path);
  std::ofstream(temporary) << "after\n";
  out.drop();
  CHECK(test::read_file(path) == "before\n");
  CHECK_FALSE(std::filesystem::exists(temporary));
  REQUIRE(out.begin(path).ok());
  std::ofstream(out.name()) << "after\n";
  REQUIRE(out.commit().ok());
  CHECK(test::read_file(path) == "after\n");
  CHECK(out.name() == path);  // committed: nothing temporary left
  // Standard output: written in place.
  REQUIRE(out.begin("-").ok());
  CHECK(out.name() == "-");
  // A name of 255 bytes, the most a file's name takes: its temporary name is cut to fit, not refused
  // by the system after the work.
  const std::string longest = dir.file(std::string(251, 'n') + ".fa");
  REQUIRE(out.begin(longest).ok());
  CHECK(std::filesystem::path(out.name()).filename().string().size() <= 255);
  std::ofstream(out.name()) << "long\n";
  REQUIRE(out.commit().ok());
  CHECK(test::read_file(longest) == "long\n");
}

TEST_CASE("same_file: one file by any name, also one not there yet behind a link", "[bio][writer]") {
  namespace fs = std::filesystem;
  test::temp_dir dir;
  const std::string store = dir.file("g.sqlite");
  fs::create_symlink(store + "-wal", dir.file("link.fa"));  // dangling: the WAL is not there
  CHECK(real_path(dir.file("link.fa")) == fs::weakly_canonical(store).string() + "-wal");
  CHECK(same_file(dir.file("link.fa"), store + "-wal"));
  CHECK(same_file(dir.file("./g.sqlite"), store));  // neither there
  CHECK_FALSE(same_file(dir.file("link.fa"), store));
  dir.write("g.sqlite", "x");
  fs::create_hard_link(store, dir.file("hard.sqlite"));
  CHECK(same_file(dir.file("hard.sqlite"), store));
  CHECK_FALSE(same_file(dir.file("hard.sqlite"), dir.file("other.sqlite")));
}

// A file that keeps its identity is written into $TMPDIR, named as the temporaries beside outputs are,
// so that a killed writer's is removed by the next writer (review: they stayed in /tmp for ever).
TEST_CASE("output_file: a staging file in $TMPDIR, a dead writer's removed, named in write errors", "[bio][writer]") {
  test::temp_dir dir;
  const std::string target = dir.write("target.fa", ">a\nACGT\n"), link = dir.file("link.fa");
  REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  const std::string staging = dir.file("staging");
  std::filesystem::create_directory(staging);
  REQUIRE(setenv("TMPDIR", staging.c_str(), 1) == 0);
  output_file out;
  REQUIRE(out.begin(link).ok());
  const std::string mine = out.name(), pid = std::to_string(getpid());
  CHECK(mine.rfind(staging + "/dnafill-output-", 0) == 0);
  CHECK(out.staging_note() == " (written first into " + mine + ", to be copied in)");
  out.drop();
  CHECK(out.staging_note().empty());
  const std::string prefix = mine.substr(0, mine.rfind("-" + pid + "-") + 1);
  const pid_t child = fork();
  if (child == 0) _exit(0);
  REQUIRE(child > 0);
  REQUIRE(waitpid(child, nullptr, 0) == child);
  const std::string dead = prefix + std::to_string(child) + "-0.tmp", alive = prefix + std::to_string(getppid()) + "-0.tmp";
  for (const auto& p : {dead, alive}) std::ofstream(p) << "part\n";
  REQUIRE(out.begin(link).ok());
  CHECK_FALSE(std::filesystem::exists(dead));
  CHECK(std::filesystem::exists(alive));
  std::ofstream(out.name()) << ">b\nGG\n";
  REQUIRE(out.commit().ok());
  CHECK(test::read_file(target) == ">b\nGG\n");  // shorter than before: cut to its size
  CHECK(std::filesystem::is_symlink(link));
  std::filesystem::remove(alive);
  CHECK(std::filesystem::is_empty(staging));
  REQUIRE(unsetenv("TMPDIR") == 0);
}

TEST_CASE("output_file: begin removes the temporary files that killed writers of PATH left", "[bio][writer]") {
  test::temp_dir dir;
  const std::string path = dir.write("out.fa", ">a\nACGT\n");
  output_file out;
  REQUIRE(out.begin(path).ok());
  // PATH.dnafill-HOST-NS-PID-N.tmp: the part before the process number is this host's and this PID
  // namespace's prefix.
  const std::string mine = out.name(), pid = std::to_string(getpid());
  const std::string prefix = mine.substr(0, mine.rfind("-" + pid + "-") + 1);
  out.drop();
  // A process that has ended: a child that exits at once.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  REQUIRE(child > 0);
  REQUIRE(waitpid(child, nullptr, 0) == child);
  // One killed that has not been waited for yet: a zombie, which writes nothing more.
  const pid_t zombie = fork();
  if (zombie == 0) _exit(0);
  REQUIRE(zombie > 0);
  while (!std::filesystem::exists("/proc/" + std::to_string(zombie) + "/stat") ||
         test::read_file("/proc/" + std::to_string(zombie) + "/stat").find(") Z") == std::string::npos)
    usleep(1000);
  const std::string unreaped = prefix + std::to_string(zombie) + "-1.tmp";
  const std::string dead = prefix + std::to_string(child) + "-0.tmp";
  const std::string alive = prefix + std::to_string(getppid()) + "-3.tmp";
  const std::string host_part = prefix.substr(0, prefix.rfind('-', prefix.size() - 2) + 1);  // PATH.dnafill-HOST-
  REQUIRE(host_part.size() < prefix.size());
  const std::string other_host = path + ".dnafill-elsewhere" + prefix.substr(host_part.size() - 1) + std::to_string(child) + "-0.tmp";
  const std::string other_space = host_part + "1-" + std::to_string(child) + "-0.tmp";  // another container
  const std::string other_file = dir.file("other.fa") + prefix.substr(path.size()) + std::to_string(child) + "-0.tmp";
  const std::string not_ours = prefix + std::to_string(child) + "-0.tmp.bak";
  for (const auto& p : {dead, unreaped, alive, other_host, other_space, other_file, not_ours}) std::ofstream(p) << "part\n";
  REQUIRE(out.begin(path).ok());
  CHECK_FALSE(std::filesystem::exists(dead));
  CHECK_FALSE(std::filesystem::exists(unreaped));
  REQUIRE(waitpid(zombie, nullptr, 0) == zombie);
  for (const auto& p : {alive, other_host, other_space, other_file, not_ours}) {
    INFO(p);
    CHECK(std::filesystem::exists(p));
  }
  CHECK(test::read_file(path) == ">a\nACGT\n");
}
