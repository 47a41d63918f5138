// Random access to a FASTA file through its faidx index, building the index when it is missing.
//
// htslib builds and loads the index (PATH.fai, and PATH.gzi for a bgzipped file), but the bases are
// read here, byte by byte, because an index that does not match its file must be an error and not a
// crash or wrong bases: htslib's fetch divides by the .fai's line width (0: SIGFPE), asserts when the
// .gzi or .fai points past the data (abort), and skips bytes it does not like (the bases after them
// shift). So the .fai and .gzi are checked against the file at open, and every fetch checks that the
// bytes it reads have the layout the .fai promises: the record's header line, bases, line ends.
#include "bio/indexed_fasta.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "bio/htslib_util.h"
#include "bio/output_file.h"
#include "bio/sequence.h"

namespace dnafill::bio {
namespace {

bool modification_time(const std::string& path, struct timespec& when) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  when = st.st_mtim;
  return true;
}

bool older(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

// An index older than its FASTA describes another file: its offsets would fetch wrong bases.
bool index_is_stale(const std::string& path) {
  struct timespec fasta, fai;
  if (!modification_time(path, fasta) || !modification_time(path + ".fai", fai)) return false;
  return older(fai, fasta);
}

bool bgzf_file_is_complete(const std::string& path) {
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  return !fp || !detail::lacks_eof_block(fp.get());  // unreadable: fai_load3 says what is wrong
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// htslib 1.16's fai_load3 closes the .fai twice (a crash) when a bgzipped FASTA has its .fai but no
// .gzi and the .gzi cannot be written (a read-only folder). Such a file has both built here first.
bool lacks_only_gzi(const std::string& path) {
  if (!exists(path + ".fai") || exists(path + ".gzi")) return false;
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  return fp && bgzf_compression(fp.get()) == bgzf;
}

// One line of a .fai: where a record's bases start and how its lines are laid out.
struct fai_entry {
  std::int64_t length = 0, offset = 0, line_bases = 0, line_width = 0;
  // Byte offset (in the uncompressed file) of base i of the record.
  std::int64_t byte_of(std::int64_t i) const { return offset + i / line_bases * line_width + i % line_bases; }
};

bool read_number(std::istream& in, std::int64_t& value) { return static_cast<bool>(in >> value) && value >= 0; }

// The .fai as written by faidx; false (with the line) at the first entry that cannot describe a file
// of `data_bytes` uncompressed bytes.
bool read_fai(const std::string& path, std::int64_t data_bytes, std::map<std::string, fai_entry>& out,
              std::string& problem) {
  std::ifstream file(path);
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    const auto tab = line.find('\t');
    std::istringstream fields(tab == std::string::npos ? std::string() : line.substr(tab + 1));
    fai_entry e;
    const bool numbers = read_number(fields, e.length) && read_number(fields, e.offset) &&
                         read_number(fields, e.line_bases) && read_number(fields, e.line_width);
    if (!numbers || e.line_bases < 1 || e.line_width <= e.line_bases || e.length > (std::int64_t{1} << 40) ||
        e.offset > data_bytes || (e.length > 0 && e.byte_of(e.length - 1) >= data_bytes)) {
      problem = "line " + std::to_string(number);
      return false;
    }
    out[line.substr(0, tab)] = e;
  }
  return true;
}

std::uint32_t little_endian(const unsigned char* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// Walks the BGZF blocks of `path` by their headers: the uncompressed size of the file, and every block
// start as (compressed, uncompressed) offsets. False when a block header is not BGZF's.
bool bgzf_blocks(const std::string& path, std::map<std::uint64_t, std::uint64_t>& starts, std::int64_t& data_bytes) {
  std::ifstream file(path, std::ios::binary);
  file.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(file.tellg());
  std::uint64_t c = 0, u = 0;
  unsigned char header[18], trailer[4];
  while (c < size) {
    file.seekg(static_cast<std::streamoff>(c));
    if (!file.read(reinterpret_cast<char*>(header), sizeof header)) return false;
    if (header[0] != 31 || header[1] != 139 || header[3] != 4 || header[12] != 'B' || header[13] != 'C') return false;
    const std::uint64_t block = little_endian(header + 16, 2) + 1;
    if (block < 26 || c + block > size) return false;
    file.seekg(static_cast<std::streamoff>(c + block - 4));
    if (!file.read(reinterpret_cast<char*>(trailer), sizeof trailer)) return false;
    starts[c] = u;
    c += block;
    u += little_endian(trailer, 4);
  }
  data_bytes = static_cast<std::int64_t>(u);
  return true;
}

// The .gzi lists every block that holds data after the first, as its (compressed, uncompressed)
// offsets, and nothing else: then a seek lands in the block that holds the byte asked for.
bool gzi_matches(const std::string& path, const std::map<std::uint64_t, std::uint64_t>& starts, std::int64_t data_bytes) {
  std::ifstream file(path, std::ios::binary);
  unsigned char word[16];
  auto u64 = [](const unsigned char* p) { return little_endian(p, 4) | std::uint64_t{little_endian(p + 4, 4)} << 32; };
  if (!file.read(reinterpret_cast<char*>(word), 8)) return false;
  const std::uint64_t n = u64(word);
  if (n > starts.size()) return false;
  std::size_t listed = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (!file.read(reinterpret_cast<char*>(word), 16)) return false;
    const auto it = starts.find(u64(word));
    if (it == starts.end() || it->second != u64(word + 8)) return false;
    listed += it->first > 0 && it->second < static_cast<std::uint64_t>(data_bytes);
  }
  std::size_t holding = 0;
  for (const auto& [c, u] : starts) holding += c > 0 && u < static_cast<std::uint64_t>(data_bytes);
  return listed == holding && file.peek() == std::char_traits<char>::eof();
}

// The .fai (and the .gzi of a bgzipped file) against the file itself; an empty string when they match it.
std::string index_problem(const std::string& path, bool bgzipped, std::map<std::string, fai_entry>& entries,
                          std::int64_t& data_bytes) {
  data_bytes = 0;
  if (bgzipped) {
    std::map<std::uint64_t, std::uint64_t> starts;
    if (!bgzf_blocks(path, starts, data_bytes)) return "a BGZF block header is corrupt";
    if (!gzi_matches(path + ".gzi", starts, data_bytes)) return path + ".gzi does not match the file's blocks";
  } else {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return "cannot read the file's size";
    data_bytes = st.st_size;
  }
  entries.clear();
  std::string line;
  if (!read_fai(path + ".fai", data_bytes, entries, line)) return path + ".fai " + line + " does not fit the file";
  return {};
}

// Whether the bytes just before a record's first base are its header line: ">NAME" then a space, a
// tab or the line end (a header longer than the bytes given is checked only for its line end).
bool header_precedes(const std::string& before, bool from_file_start, const std::string& name) {
  if (before.empty() || before.back() != '\n') return false;
  std::size_t end = before.size() - 1;
  if (end > 0 && before[end - 1] == '\r') --end;
  const auto newline = before.rfind('\n', end == 0 ? 0 : end - 1);
  if (newline == std::string::npos && !from_file_start) return true;
  const auto start = newline == std::string::npos || end == 0 ? 0 : newline + 1;
  const std::string line = before.substr(start, end - start);
  return line.size() > name.size() && line[0] == '>' && line.compare(1, name.size(), name) == 0 &&
         (line.size() == name.size() + 1 || line[name.size() + 1] == ' ' || line[name.size() + 1] == '\t');
}

}  // namespace

struct indexed_fasta::impl {
  std::string path;
  detail::faidx_ptr fai;
  detail::bgzf_ptr data;  // the bases, read through the .gzi when bgzipped
  std::map<std::string, fai_entry> entries;
  std::map<std::string, std::int64_t> numbers;  // each record's place in the file, once checked
  std::int64_t data_bytes = 0;  // of the uncompressed file

  // Indexes of up to this many records have every record checked at open (check_index); larger ones
  // have each record's header line and end checked when a fetch reaches it.
  static constexpr std::size_t checked_at_open = 10000;
  bool records_checked() const { return entries.size() <= checked_at_open; }

  // `count` bytes from uncompressed offset `at`; false when the file ends or a block is corrupt.
  bool read(std::int64_t at, std::int64_t count, std::string& bytes) {
    bytes.resize(static_cast<std::size_t>(count));
    if (bgzf_useek(data.get(), at, SEEK_SET) < 0) return false;
    return bgzf_read(data.get(), bytes.data(), bytes.size()) == static_cast<ssize_t>(count);
  }
  std::string check_index();
  std::int64_t record_end(const fai_entry& e);
  bool header_between(std::int64_t from, std::int64_t to, const std::string& name);
};

// The .fai and .gzi against the file, then (records_checked: a few milliseconds) the records
// themselves: each one's header line and end where the .fai puts them, one after the other from the
// file's first byte to its last, so that no record is missing either. An empty string when they fit.
std::string indexed_fasta::impl::check_index() {
  if (!fai) return path + ".fai cannot be read";
  data.reset(bgzf_open(path.c_str(), "r"));
  if (!data) return "it cannot be opened for random access";
  const bool bgzipped = bgzf_compression(data.get()) == bgzf;
  if (auto problem = index_problem(path, bgzipped, entries, data_bytes); !problem.empty()) return problem;
  // The .gzi loaded only once it is known to list the file's blocks (htslib asserts on one that does not).
  if (bgzipped && bgzf_index_load(data.get(), path.c_str(), ".gzi") != 0) return "it cannot be opened for random access";
  numbers.clear();
  if (!records_checked()) return {};
  std::vector<std::pair<std::int64_t, const std::string*>> by_offset;
  for (const auto& [name, e] : entries) by_offset.emplace_back(e.offset, &name);
  std::sort(by_offset.begin(), by_offset.end());
  std::int64_t header = 0;  // where the next record's header line must start
  for (const auto& [offset, name] : by_offset) {
    if (!header_between(header, offset, *name) || (header = record_end(entries.at(*name))) == -1)
      return path + ".fai does not describe the records of the file (record '" + *name + "')";
  }
  if (header != data_bytes) return path + ".fai misses records of the file";
  for (const auto& [offset, name] : by_offset) numbers.emplace(*name, static_cast<std::int64_t>(numbers.size()));
  return {};
}

// Whether the bytes [from, to) are the header line of record `name`, and nothing else.
bool indexed_fasta::impl::header_between(std::int64_t from, std::int64_t to, const std::string& name) {
  std::string bytes;
  if (to - from < 2 || to - from > (1 << 20) || !read(from, to - from, bytes)) return false;
  return bytes.find('\n') == bytes.size() - 1 && header_precedes(bytes, true, name);
}

// After a record's last base: line ends, then the next header or the end of the file. Where that
// next header starts (the file's size at its end), or -1 when the bytes are not so (a length too short
// or too long).
std::int64_t indexed_fasta::impl::record_end(const fai_entry& e) {
  if (e.length == 0) return -1;
  const std::int64_t last = e.byte_of(e.length - 1), span = std::min<std::int64_t>(data_bytes - last, 64);
  std::string bytes;
  if (!read(last, span, bytes) || !is_iupac_base(bytes[0])) return -1;
  std::size_t i = 1;
  while (i < bytes.size() && (bytes[i] == '\n' || bytes[i] == '\r')) ++i;
  if (i == bytes.size() && last + span == data_bytes) return data_bytes;
  return i > 1 && i < bytes.size() && bytes[i] == '>' ? last + static_cast<std::int64_t>(i) : -1;
}

namespace {

// The first line of a record whose length breaks faidx's rule (every line of a record but its last
// as long as its first), as "record NAME, line N ..."; "" when there is none. The whole file is read:
// this runs only once faidx has failed, to say why.
std::string uneven_line(const std::string& path) {
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  if (!fp) return {};
  kstring_t line = {0, 0, nullptr};
  std::string record, found;
  std::int64_t line_no = 0, width = -1, last = -1;  // of the record's first line and its latest
  for (int n; found.empty() && (n = detail::read_line(fp.get(), &line)) >= 0;) {
    ++line_no;
    std::int64_t length = n;
    if (length > 0 && line.s[length - 1] == '\r') --length;
    if (length > 0 && line.s[0] == '>') {
      record = std::string(line.s + 1, std::strcspn(line.s + 1, " \t\r"));
      width = last = -1;
      continue;
    }
    auto at = [&](std::int64_t n, std::int64_t bases) {
      return "record " + record + ", line " + std::to_string(n) + " holds " + std::to_string(bases) +
             " bases, the record's first line " + std::to_string(width);
    };
    if (width < 0) width = length;
    else if (last != width) found = at(line_no - 1, last);  // a short line that is not the record's last
    else if (length > width) found = at(line_no, length);
    last = length;
  }
  std::free(line.s);
  return found;
}

// Why faidx could not index `path`, said from the file (htslib says only that it failed).
std::string why_no_index(const std::string& path) {
  htsFormat format;
  if (detail::detect_format(path, format)) {
    if (format.compression == gzip)
      return "compressed with plain gzip, and random access needs bgzip: zcat it | bgzip > a new .fa.gz";
    if (format.format == unknown_format) return "not a FASTA file (binary data)";
  }
  if (detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r")); fp) {
    char first = 0;
    while (bgzf_read(fp.get(), &first, 1) == 1 && std::isspace(static_cast<unsigned char>(first))) {
    }
    if (first != '>' && first != '@') return "not a FASTA file: a record starts with '>'";
  }
  // Before the scan of the whole file: readers of a region fall back to reading the file through, and
  // a large genome in a read-only folder should not be read twice.
  const auto folder = std::filesystem::path(path).parent_path();
  if (access(folder.empty() ? "." : folder.c_str(), W_OK) != 0)
    return "no .fai index beside it, and its folder is read-only: index it where it can be written (samtools faidx)";
  if (const auto where = uneven_line(path); !where.empty())
    return "faidx cannot index it: " + where + " (each line of a record but its last must be as long as its first)";
  return "faidx cannot index it";
}

}  // namespace

indexed_fasta::indexed_fasta() : impl_(std::make_unique<impl>()) {}
indexed_fasta::~indexed_fasta() = default;

status indexed_fasta::open(const std::string& path) {
  detail::silence_htslib_log();
  impl_ = std::make_unique<impl>();
  impl& d = *impl_;
  d.path = path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return status::fail(path + ": cannot open for random access: not a regular file");
  }
  // Another kind of file would read as "no index can be built": said plainly instead.
  if (htsFormat format; detail::detect_format(path, format)) {
    if (format.format == empty_format) return status::fail(path + ": empty file: no FASTA record");
    // htslib indexes FASTQ too, but the checks below know FASTA's layout only: such an index would be
    // built (or built again) at every open and then refused, after a read of the whole file.
    if (format.format == fastq_format) return status::fail(path + ": FASTQ, which is read through, not by an index");
    if (format.format != fasta_format && format.format != text_format &&
        format.format != unknown_format) {
      char* what = hts_format_description(&format);
      const std::string kind = what ? what : "another format";
      std::free(what);
      return status::fail(path + ": " + kind + ", not a FASTA file");
    }
  }
  // faidx would index a BGZF file cut at a block boundary without complaint. Without its end-of-file
  // block a file may also be bgzip with gzip joined on (the blocks are walked only then).
  if (!bgzf_file_is_complete(path)) {
    if (const auto at = detail::plain_gzip_after_blocks(path); at >= 0)
      return status::fail(path + ": bgzip blocks, then plain gzip from byte " + std::to_string(at) +
                          " (files joined with cat?), and random access needs bgzip throughout: zcat it | bgzip > a new .fa.gz");
    return status::fail(path + ": truncated BGZF file (end-of-file marker missing)");
  }
  // The index is built (missing), or built anew (stale, or not fitting the file) below: never over a
  // file that is no index at all.
  for (const char* suffix : {".fai", ".gzi"})
    if (!could_be_index(path + suffix))
      return status::fail(path + suffix + ": not a faidx index, and building one for " + path +
                          " would overwrite it: move it away");
  if (index_is_stale(path) && fai_build3(path.c_str(), nullptr, nullptr) != 0) {
    return status::fail(path + ": the .fai index is older than the file and cannot be rebuilt");
  }
  if (lacks_only_gzi(path) && fai_build3(path.c_str(), nullptr, nullptr) != 0) {
    return status::fail(path + ": a .fai index but no .gzi, and neither can be built (read-only folder?)");
  }
  d.fai.reset(fai_load3(path.c_str(), nullptr, nullptr, FAI_CREATE));
  struct stat fai_st;
  if (!d.fai && stat((path + ".fai").c_str(), &fai_st) != 0) {
    return status::fail(path + ": " + why_no_index(path));
  }
  // An index that does not describe this file (edited, damaged, or left from an earlier version and
  // dated later) is built anew, as a stale one is.
  if (const auto problem = d.check_index(); !problem.empty()) {
    d.fai.reset();
    d.data.reset();
    const bool rebuilt = fai_build3(path.c_str(), nullptr, nullptr) == 0 &&
                         (d.fai.reset(fai_load3(path.c_str(), nullptr, nullptr, 0)), d.check_index().empty());
    if (!rebuilt) {
      d.fai.reset();
      return status::fail(path + ": " + problem + ", and no index can be built anew");
    }
  }
  return status();
}

std::int64_t indexed_fasta::contig_length(std::string_view name) const {
  const auto it = impl_->entries.find(std::string(name));
  return it == impl_->entries.end() ? -1 : it->second.length;
}

std::int64_t indexed_fasta::record_number(std::string_view name) const {
  const auto it = impl_->numbers.find(std::string(name));
  return it == impl_->numbers.end() ? -1 : it->second;
}

std::int64_t indexed_fasta::record_count() const {
  return impl_->numbers.empty() ? -1 : static_cast<std::int64_t>(impl_->numbers.size());
}

std::vector<std::string> indexed_fasta::contig_names() const {
  std::vector<std::string> names;
  if (!impl_->fai) return names;
  const int n = faidx_nseq(impl_->fai.get());
  for (int i = 0; i < n; ++i) names.emplace_back(faidx_iseq(impl_->fai.get(), i));
  return names;
}

status indexed_fasta::parse(std::string_view text, region& parsed) const {
  return parse_region(text, [this](std::string_view name) { return contig_length(name); }, parsed);
}

status indexed_fasta::fetch(std::string_view text, region& parsed, std::string& bases) {
  if (status s = parse(text, parsed); !s) return status::fail(impl_->path + ": " + s.message());
  return fetch(parsed, bases);
}

status indexed_fasta::fetch(const region& r, std::string& bases) {
  bases.clear();
  impl& d = *impl_;
  const std::string& path = d.path;
  if (!d.fai) return status::fail(path + ": not open");
  const auto it = d.entries.find(r.contig);
  if (it == d.entries.end()) return status::fail(path + ": unknown contig '" + r.contig + "'");
  const fai_entry& e = it->second;
  if (r.start < 0 || r.end > e.length || r.end <= r.start) {
    return status::fail(path + ": region '" + format_region(r) + "' is outside contig '" + r.contig + "'");
  }
  const auto mismatch = [&] {
    return status::fail(path + ": record '" + r.contig + "': the bytes of region '" + format_region(r) +
                        "' are not where the index puts them (a corrupt file, or an index that does not match it: "
                        "remove " + path + ".fai to have it built anew)");
  };
  // The header line before the record's first base and the line ends after its last one, unless open
  // checked every record's: a record of an earlier file that has grown would lose its new bases.
  if (!d.records_checked()) {
    std::string bytes;
    const std::int64_t from = std::max<std::int64_t>(0, e.offset - 4096);
    if (!d.read(from, e.offset - from, bytes) || !header_precedes(bytes, from == 0, r.contig) || d.record_end(e) == -1)
      return mismatch();
  }
  // The region's bytes: bases where the .fai puts them, line ends in between. Read into `bases` and
  // closed up there a line at a time (a chromosome is fetched at memory speed, and held once).
  const std::int64_t first = e.byte_of(r.start), last = e.byte_of(r.end - 1);
  if (!d.read(first, last - first + 1, bases)) {
    bases.clear();
    return mismatch();
  }
  const auto ending_width = static_cast<std::size_t>(e.line_width - e.line_bases);
  std::size_t kept = 0;
  for (std::int64_t i = r.start; i < r.end;) {
    const auto run = static_cast<std::size_t>(std::min(e.line_bases - i % e.line_bases, r.end - i));
    char* line = bases.data() + (e.byte_of(i) - first);
    for (std::size_t k = 0; k < run; ++k) {
      if (is_iupac_base(line[k])) continue;
      const char c = line[k];
      bases.clear();
      return status::fail(path + ": record '" + r.contig + "' position " + std::to_string(i + static_cast<std::int64_t>(k) + 1) +
                          ": invalid character " + describe_char(c) + " (not an IUPAC nucleotide code)");
    }
    i += static_cast<std::int64_t>(run);
    // The bytes between this line's last base and the next line's first: a line end, nothing else.
    const auto ending = [&] { return std::string_view(line + run, ending_width); };
    if (i < r.end && ending() != "\n" && ending() != "\r\n") {
      bases.clear();
      return mismatch();
    }
    std::memmove(bases.data() + kept, line, run);  // backwards or in place: what is still to read lies after
    kept += run;
  }
  bases.resize(kept);
  return status();
}

}  // namespace dnafill::bio
