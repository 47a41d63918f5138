// FASTA/FASTQ reading through htslib's BGZF layer, which reads plain, gzip and bgzip alike.
#include "bio/fasta.h"

#include <htslib/kstring.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "bio/htslib_util.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

// Control bytes mean binary data; bytes above 0x7f are allowed (UTF-8 in descriptions).
bool looks_binary(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

bool is_blank(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] != ' ' && s[i] != '\t') return false;
  }
  return true;
}

}  // namespace

struct fasta_reader::impl {
  enum class format { unknown, fasta, fastq };

  std::string path;
  detail::bgzf_ptr fp;
  kstring_t line = {0, 0, nullptr};
  long line_no = 0;      // number of the line now in `line` (1-based)
  bool pending = false;  // `line` holds the next record's header, not yet parsed
  bool done = false;     // end of file or error reached; next() returns false from now on
  format fmt = format::unknown;
  bool stream = true;    // standard input or a pipe: its bytes are read once, as FASTA or FASTQ
  const std::atomic<bool>* stop = nullptr;  // set: the next line read fails "reading stopped"
  status err;

  ~impl() { free(line.s); }

  // 1 when a line was read into `line` (without its '\n' or '\r'), 0 at end of file, -1 on error.
  int read_line();
  bool fail(const std::string& record, long at_line, const std::string& problem);
  bool judge_first_block();
  bool detect_format();
  bool parse_header(char marker, sequence_record& record);
  bool append_bases(const sequence_record& record, std::string& out);
  bool next_fasta(sequence_record& record);
  bool next_fastq(sequence_record& record);
  bool read_quality(sequence_record& record);
};

int fasta_reader::impl::read_line() {
  if (stop && stop->load(std::memory_order_relaxed)) {
    err = status::fail(path + ": reading stopped");
    done = true;
    return -1;
  }
  const int n = detail::read_line(fp.get(), &line);
  if (n == -1) return 0;
  if (n == -2) {
    err = status::fail(detail::compressed_data_problem(path, line_no));
    done = true;
    return -1;
  }
  ++line_no;
  if (line.l > 0 && line.s[line.l - 1] == '\r') line.s[--line.l] = '\0';
  // A UTF-8 byte-order mark, as some Windows editors write first: not part of the header.
  if (line_no == 1 && line.l >= 3 && std::memcmp(line.s, "\xEF\xBB\xBF", 3) == 0) {
    std::memmove(line.s, line.s + 3, line.l - 2);
    line.l -= 3;
  }
  return 1;
}

bool fasta_reader::impl::fail(const std::string& record, long at_line, const std::string& problem) {
  std::string message = path + ": ";
  if (!record.empty()) message += "record '" + record + "' ";
  if (at_line > 0) message += "line " + std::to_string(at_line) + ": ";
  err = status::fail(message + problem);
  done = true;
  return false;
}

// The first non-blank line judged from the part of it in the first block htslib holds, where that
// tells: binary data, or bases without a header on a line that does not end in the block. A line is
// read whole before detect_format judges it, and an endless one (/dev/zero, or bases on one line
// without end) would be read forever. False when it failed; a header, a refused_format and a line
// that ends in the block are left to detect_format.
bool fasta_reader::impl::judge_first_block() {
  if (bgzf_peek(fp.get()) < 0) return true;
  std::string_view block(static_cast<const char*>(fp->uncompressed_block) + fp->block_offset,
                         static_cast<std::size_t>(fp->block_length - fp->block_offset));
  for (long line = 1;; ++line) {
    const std::size_t end = block.find('\n');
    std::string_view text = block.substr(0, end);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
    if (is_blank(text.data(), text.size())) {
      if (end == std::string_view::npos) return true;
      block.remove_prefix(end + 1);
      continue;
    }
    if (text[0] == '>' || text[0] == '@' || detail::refused_format(text)) return true;
    if (looks_binary(text.data(), text.size())) return fail("", 0, "not a FASTA or FASTQ file (binary data)");
    if (end != std::string_view::npos) return true;
    return fail("", line, "sequence without a header: a FASTA record starts with '>', a FASTQ record with '@'");
  }
}

// Reads up to the first non-blank line and decides FASTA or FASTQ from its first character.
bool fasta_reader::impl::detect_format() {
  if (!judge_first_block()) return false;
  int r;
  while ((r = read_line()) == 1 && is_blank(line.s, line.l)) {
  }
  if (r < 0) return false;
  if (r == 0) return fail("", 0, "empty file: no FASTA or FASTQ records");
  const std::string_view first(line.s, line.l);
  const char* named = detail::refused_format(first);
  const std::string refused = named ? named : "";
  if (refused == "gzip") {
    // Read as plain bytes, a gzip file is one whose header is cut short.
    if (bgzf_compression(fp.get()) != no_compression) return fail("", 0, "compressed twice: gunzip it once, then read it");
    return fail("", 0, "truncated gzip file (its header is cut short)");
  }
  if (!refused.empty() && stream)
    return fail("", 0, "a " + refused + " file: from standard input or a pipe only FASTA or FASTQ is "
                "read (dnafill view --in FILE reads SAM, BAM and CRAM from a file)");
  if (!refused.empty())
    return fail("", 0, "a " + refused + " file, and this reads FASTA or FASTQ (dnafill view --in FILE "
                "prints its reads as FASTA)");
  if (line.s[0] == '>') {
    fmt = format::fasta;
  } else if (line.s[0] == '@') {
    fmt = format::fastq;
  } else if (looks_binary(line.s, line.l)) {
    return fail("", 0, "not a FASTA or FASTQ file (binary data)");
  } else {
    return fail("", line_no, "sequence without a header: a FASTA record starts with '>', a FASTQ record with '@'");
  }
  pending = true;
  return true;
}

bool fasta_reader::impl::parse_header(char marker, sequence_record& record) {
  record = sequence_record{};
  const char* s = line.s;
  const std::size_t n = line.l;
  if (n == 0 || s[0] != marker) {
    return fail("", line_no, std::string("expected a header line starting with '") + marker + "'");
  }
  // A file whose lines end in CR alone (classic Mac OS) is one long line: said as such, not as binary.
  if (std::memchr(s, '\r', n) != nullptr)
    return fail("", line_no, "a carriage return inside the header line: are the line ends CR alone (classic Mac)? "
                             "make them newlines: tr '\\r' '\\n'");
  if (looks_binary(s, n)) return fail("", line_no, "header line holds binary data");
  std::size_t end = 1;
  while (end < n && s[end] != ' ' && s[end] != '\t') ++end;
  if (end == 1) return fail("", line_no, "header line has no name");
  record.name.assign(s + 1, end - 1);
  std::size_t comment = end;
  while (comment < n && (s[comment] == ' ' || s[comment] == '\t')) ++comment;
  record.comment.assign(s + comment, n - comment);
  pending = false;
  return true;
}

// Appends the IUPAC letters of `line` to `out`; spaces and tabs inside sequence lines are dropped.
bool fasta_reader::impl::append_bases(const sequence_record& record, std::string& out) {
  const std::size_t old = out.size();
  out.resize(old + line.l);
  std::size_t k = old;
  for (std::size_t i = 0; i < line.l; ++i) {
    const char c = line.s[i];
    if (is_iupac_base(c)) {
      out[k++] = c;
    } else if (c != ' ' && c != '\t') {
      out.resize(k);
      return fail(record.name, line_no,
                  "column " + std::to_string(i + 1) + ": invalid character " + describe_char(c) +
                      " (not an IUPAC nucleotide code)");
    }
  }
  out.resize(k);
  return true;
}

bool fasta_reader::impl::next_fasta(sequence_record& record) {
  if (!parse_header('>', record)) return false;
  const long header_line = line_no;
  int r;
  while ((r = read_line()) == 1) {
    if (line.l > 0 && line.s[0] == '>') {
      pending = true;
      break;
    }
    if (!append_bases(record, record.bases)) return false;
  }
  if (r < 0) return false;
  if (r == 0) done = true;
  if (record.bases.empty()) {
    return fail(record.name, header_line, "empty sequence (zero-length record)");
  }
  return true;
}

bool fasta_reader::impl::read_quality(sequence_record& record) {
  while (record.quality.size() < record.bases.size()) {
    const int r = read_line();
    if (r < 0) return false;
    if (r == 0) {
      return fail(record.name, line_no,
                  "truncated record: quality has " + std::to_string(record.quality.size()) + " of " +
                      std::to_string(record.bases.size()) + " characters");
    }
    for (std::size_t i = 0; i < line.l; ++i) {
      const char c = line.s[i];
      if (c < '!' || c > '~') {
        return fail(record.name, line_no,
                    "column " + std::to_string(i + 1) + ": invalid quality character " + describe_char(c));
      }
    }
    // A line that starts with '@' after a short one is most likely the next record's header ('@' is
    // also a quality character, so multi-line FASTQ cannot tell): the short line is the fault.
    if (!record.quality.empty() && line.s[0] == '@' && record.quality.size() + line.l > record.bases.size())
      return fail(record.name, line_no - 1,
                  "quality has " + std::to_string(record.quality.size()) + " of " + std::to_string(record.bases.size()) +
                      " characters, and the next line starts a record ('@'), not more quality");
    record.quality.append(line.s, line.l);
  }
  if (record.quality.size() > record.bases.size()) {
    return fail(record.name, line_no,
                "quality is longer than the sequence (" + std::to_string(record.quality.size()) + " vs " +
                    std::to_string(record.bases.size()) + ")");
  }
  return true;
}

bool fasta_reader::impl::next_fastq(sequence_record& record) {
  if (!parse_header('@', record)) return false;
  const long header_line = line_no;
  // Sequence lines run up to the '+' separator (multi-line FASTQ allowed).
  int r;
  while ((r = read_line()) == 1 && !(line.l > 0 && line.s[0] == '+')) {
    if (!append_bases(record, record.bases)) return false;
  }
  if (r < 0) return false;
  if (r == 0) return fail(record.name, line_no, "truncated record: no '+' line");
  // The '+' line may repeat the title: a name there that is not this record's means lines were lost
  // or mixed up (a quality line read as another record's would shift every base after it).
  const std::string_view plus(line.s + 1, line.l - 1);
  const auto named = plus.substr(0, plus.find_first_of(" \t\r"));
  if (!named.empty() && named != record.name)
    return fail(record.name, line_no, "the '+' line names '" + printable(std::string(named)) + "', not this record");
  if (record.bases.empty()) {
    return fail(record.name, header_line, "empty sequence (zero-length record)");
  }
  if (!read_quality(record)) return false;
  // Find the next header, skipping blank lines; anything else is an error.
  while ((r = read_line()) == 1 && is_blank(line.s, line.l)) {
  }
  if (r < 0) return false;
  if (r == 0) {
    done = true;
  } else if (line.s[0] != '@') {
    return fail(record.name, line_no, "expected '@' at the start of the next FASTQ record");
  } else {
    pending = true;
  }
  return true;
}

fasta_reader::fasta_reader() : impl_(std::make_unique<impl>()) {}
fasta_reader::~fasta_reader() = default;

status fasta_reader::open(const std::string& path, const std::atomic<bool>* stop) {
  detail::silence_htslib_log();
  impl_ = std::make_unique<impl>();
  impl_->path = path;
  impl_->stop = stop;
  if (path != "-") {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      impl_->err = status::fail(path + ": cannot open: " + std::strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      impl_->err = status::fail(path + ": cannot open: is a directory");
    } else {
      impl_->stream = !S_ISREG(st.st_mode);  // a FIFO or a device, read as it comes
      // A VCF, an index or a BED given where sequence is read is said to be one, not reported as bad FASTA.
      htsFormat format;
      if (!impl_->stream && detail::detect_format(path, format))
        if (const auto what = detail::non_sequence_format(format); !what.empty())
          impl_->err = status::fail(path + ": not a sequence file (" + what + "); this reads FASTA or FASTQ");
    }
    if (!impl_->err.ok()) {
      impl_->done = true;
      return impl_->err;
    }
  }
  errno = 0;
  impl_->fp.reset(bgzf_open(path.c_str(), "r"));
  if (!impl_->fp) {
    const int e = errno;
    impl_->err = status::fail(path + ": cannot open: " + (e ? std::strerror(e) : "unreadable file"));
    impl_->done = true;
    return impl_->err;
  }
  // A BGZF file cut at a block boundary decompresses cleanly; only its missing end-of-file
  // block tells that data was lost (unless a plain gzip member ends the file, read as zcat reads it).
  if (detail::lacks_eof_block(impl_->fp.get()) && detail::plain_gzip_after_blocks(path) < 0) {
    impl_->err = status::fail(path + ": truncated BGZF file (end-of-file marker missing)");
    impl_->done = true;
    return impl_->err;
  }
  return status();
}

bool fasta_reader::next(sequence_record& record) {
  impl& d = *impl_;
  if (d.done || !d.fp) return false;
  if (d.fmt == impl::format::unknown && !d.detect_format()) return false;
  if (!d.pending) {
    d.done = true;  // the previous record ended at the end of the file
    return false;
  }
  return d.fmt == impl::format::fasta ? d.next_fasta(record) : d.next_fastq(record);
}

const status& fasta_reader::error() const { return impl_->err; }

status for_each_record(const std::string& path, const std::function<void(sequence_record&)>& on_record) {
  fasta_reader reader;
  if (auto s = reader.open(path); !s) return s;
  sequence_record record;
  while (reader.next(record)) on_record(record);
  return reader.error();
}

}  // namespace dnafill::bio
