// One stream of named sequences over every supported file type, with optional region.
#include "bio/sequence_source.h"

#include <htslib/hfile.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>

#include "bio/htslib_util.h"
#include "bio/indexed_fasta.h"
#include "bio/region.h"

namespace dnafill::bio {
namespace {

// The one record a region of a FASTA becomes, named as samtools faidx names it (NAME:START-END),
// except that a region covering its whole contig is the contig, from the index and without one alike.
std::string record_name(const region& r, std::int64_t contig_length) {
  return r.start == 0 && r.end == contig_length ? r.contig : format_region(r);
}

enum class kind { fasta, alignments };

status detect_kind(const std::string& path, kind& k, std::string& name) {
  k = kind::fasta;
  name = "FASTA/FASTQ";
  if (path == "-") return status();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return status::fail(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return status::fail(path + ": cannot open: is a directory");
  if (!S_ISREG(st.st_mode)) return status();  // a stream (is_stream): read once, as FASTA/FASTQ
  htsFormat format{};
  errno = 0;
  // A file htslib cannot classify is left to the FASTA reader, whose messages say what is wrong.
  if (!detail::detect_format(path, format)) {
    if (errno == EACCES) return status::fail(path + ": cannot open: " + std::strerror(errno));
    return status();
  }
  switch (format.format) {
    case sam: name = "SAM"; k = kind::alignments; return status();
    case bam: name = "BAM"; k = kind::alignments; return status();
    case cram: name = "CRAM"; k = kind::alignments; return status();
    default: break;
  }
  if (const auto what = detail::non_sequence_format(format); !what.empty())
    return status::fail(path + ": not a sequence file (" + what + "); dnafill reads FASTA, FASTQ, SAM, BAM and CRAM");
  return status();
}

// Debian's example packages gzip their BAMs a second time (combined_reads.bam.gz): a plain gzip
// stream whose content is itself BGZF. True for such a file.
bool is_gzip_wrapped_bgzf(const std::string& path) {
  detail::bgzf_ptr fp(bgzf_open(path.c_str(), "r"));
  if (!fp || bgzf_compression(fp.get()) != gzip) return false;
  unsigned char magic[4];
  return bgzf_read(fp.get(), magic, 4) == 4 && magic[0] == 0x1f && magic[1] == 0x8b && magic[2] == 8 &&
         (magic[3] & 4) != 0;
}

// Streams the outer gzip layer into a temporary file (the content is never held in memory).
status unwrap_gzip(const std::string& path, std::string& temp_path) {
  std::string pattern = (std::filesystem::temp_directory_path() / "dnafill-unwrapped-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) return status::fail(path + ": cannot create a temporary file: " + std::strerror(errno));
  temp_path = pattern;
  detail::bgzf_ptr in(bgzf_open(path.c_str(), "r"));
  std::string buffer(1 << 16, '\0');
  status result;
  for (;;) {
    const ssize_t n = in ? bgzf_read(in.get(), buffer.data(), buffer.size()) : -1;
    if (n == 0) break;
    if (n < 0) {
      result = status::fail(path + ": cannot decompress: truncated or corrupt gzip data");
      break;
    }
    if (write(fd, buffer.data(), static_cast<std::size_t>(n)) != n) {
      result = status::fail(path + ": cannot write a temporary file: " + std::strerror(errno));
      break;
    }
  }
  ::close(fd);
  return result;
}

}  // namespace

bool is_stream(const std::string& path) {
  struct stat st;
  return path == "-" || (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

bool is_cram(const std::string& path) {
  htsFormat format{};
  return !is_stream(path) && detail::detect_format(path, format) && format.format == cram;
}

bool holds_alignments(const std::string& path) {
  htsFormat format{};
  return !is_stream(path) && detail::detect_format(path, format) &&
         (format.format == sam || format.format == bam || format.format == cram);
}

std::vector<std::string> index_files(const std::string& path) {
  std::vector<std::string> files;
  for (const char* suffix : {".fai", ".gzi", ".bai", ".csi", ".crai"}) files.push_back(path + suffix);
  return files;
}

struct sequence_source::impl {
  std::string path;
  source_options options;
  kind k = kind::fasta;
  std::string format_name;
  fasta_reader fasta;
  alignment_reader alignments;
  // Region over a FASTA/FASTQ: either fetched once through the index, or found by scanning.
  bool has_region = false;
  bool region_done = false;
  sequence_record fetched;  // set when the index served the region
  bool have_fetched = false;
  status err;
  std::string unwrapped;  // temporary file holding a gzip-wrapped BAM/CRAM's content; removed at the end
  mutable status renamed_err;  // error() with the temporary file's name replaced by the user's

  ~impl() {
    if (!unwrapped.empty()) std::remove(unwrapped.c_str());
  }
  status open_fasta_region();
  // Messages name the user's file, not the temporary one.
  status rename(const status& s) const {
    if (s.ok() || unwrapped.empty()) return s;
    std::string m = s.message();
    for (std::size_t at; (at = m.find(unwrapped)) != std::string::npos;) m.replace(at, unwrapped.size(), path);
    return status::fail(m);
  }
  bool next_scanned_region(sequence_record& record);
};

status sequence_source::impl::open_fasta_region() {
  if (path != "-") {
    indexed_fasta index;
    if (index.open(path).ok()) {
      region r;
      if (status s = index.parse(options.region, r); !s) return status::fail(path + ": " + s.message());
      if (index.fetch(r, fetched.bases).ok()) {
        fetched.name = record_name(r, index.contig_length(r.contig));
        fetched.start = r.start;
        have_fetched = true;
        return status();
      }
      // What faidx indexes but the fetch refuses (a space among the bases, a line end of its own) is
      // read through, as the reader takes it or says why: the same file reads the same with its index.
    }
  }
  // No index: check the syntax now, find the record while streaming.
  region syntax;
  if (status s = parse_region(options.region, syntax); !s) return status::fail(path + ": " + s.message());
  return fasta.open(path, options.stop);
}

// Streams records until one is named by the region, as samtools would read it: the whole text as a
// name first, then the text split at its last ':'.
bool sequence_source::impl::next_scanned_region(sequence_record& record) {
  region split;
  (void)parse_region(options.region, split);  // checked in open()
  sequence_record candidate;
  for (long number = 1; fasta.next(candidate); ++number) {
    region r;
    if (candidate.name == options.region && options.region[0] != '{') {
      r.contig = candidate.name;
    } else if (candidate.name == split.contig) {
      r = split;
    } else {
      continue;
    }
    // A name given twice names no one record (faidx would take the first): the rest of the file is
    // read for a second one. (An index that fits the file has none: faidx refuses to build one.)
    sequence_record later;
    for (long other = number + 1; fasta.next(later); ++other)
      if (later.name == candidate.name) {
        err = status::fail(path + ": record '" + candidate.name + "' appears twice (records " + std::to_string(number) +
                           " and " + std::to_string(other) + "), so a region cannot name it");
        return false;
      }
    if (!fasta.error().ok()) return false;
    const auto length = static_cast<std::int64_t>(candidate.bases.size());
    if (status s = check_region(r, length); !s) {
      err = status::fail(path + ": " + s.message());
      return false;
    }
    record = sequence_record{};
    record.name = record_name(r, length);
    record.start = r.start;
    record.bases = candidate.bases.substr(static_cast<std::size_t>(r.start), static_cast<std::size_t>(r.length()));
    if (!candidate.quality.empty()) {
      record.quality = candidate.quality.substr(static_cast<std::size_t>(r.start), static_cast<std::size_t>(r.length()));
    }
    return true;
  }
  if (fasta.error().ok()) {
    err = status::fail(path + ": region '" + options.region + "': unknown contig '" + split.contig + "'");
  }
  return false;
}

sequence_source::sequence_source() : impl_(std::make_unique<impl>()) {}
sequence_source::~sequence_source() = default;

status sequence_source::open(const std::string& path, const source_options& options) {
  detail::silence_htslib_log();
  impl_ = std::make_unique<impl>();
  impl& d = *impl_;
  d.path = path;
  d.options = options;
  d.has_region = !options.region.empty();
  std::string open_path = path;
  if (!is_stream(path) && is_gzip_wrapped_bgzf(path)) {
    if (status s = unwrap_gzip(path, d.unwrapped); !s) return s;
    open_path = d.unwrapped;
  }
  if (status s = detect_kind(open_path, d.k, d.format_name); !s) return d.rename(s);
  if (d.k == kind::alignments) {
    if (status s = d.alignments.open(open_path, options.alignments); !s) return d.rename(s);
    if (d.has_region) return d.rename(d.alignments.set_region(options.region));
    return status();
  }
  // Filters asked for and silently not applied would give the user other reads than they think.
  const auto& a = options.alignments;
  if (a.primary_only || a.min_mapq > 0 || !a.reference.empty())
    return status::fail(path + ": a " + d.format_name + " file, and the filters on alignments (primary only, "
                        "minimum MAPQ, CRAM reference) apply only to SAM, BAM and CRAM");
  if (!d.unwrapped.empty()) return status::fail(path + ": gzip-compressed twice, and not a BAM or CRAM inside");
  if (d.has_region) return d.open_fasta_region();
  return d.fasta.open(path, options.stop);
}

bool sequence_source::next(sequence_record& record) {
  impl& d = *impl_;
  if (d.k == kind::alignments) return d.alignments.next(record);
  if (!d.has_region) return d.fasta.next(record);
  if (d.region_done) return false;
  d.region_done = true;
  if (d.have_fetched) {
    record = std::move(d.fetched);
    return true;
  }
  return d.next_scanned_region(record);
}

const status& sequence_source::error() const {
  const impl& d = *impl_;
  if (!d.err.ok()) return d.err;
  const status& e = d.k == kind::alignments ? d.alignments.error() : d.fasta.error();
  if (d.unwrapped.empty() || e.ok()) return e;
  d.renamed_err = d.rename(e);
  return d.renamed_err;
}

const std::string& sequence_source::format_name() const { return impl_->format_name; }

std::string sequence_source::older_index() const {
  return impl_->k == kind::alignments ? impl_->alignments.older_index() : std::string();
}

std::int64_t sequence_source::filtered_out() const {
  return impl_->k == kind::alignments ? impl_->alignments.filtered_out() : 0;
}

}  // namespace dnafill::bio
