// Random access to a FASTA file through htslib's faidx, building the index when it is missing.
#include "bio/indexed_fasta.h"

#include <cstdlib>
#include <sys/stat.h>

#include "bio/htslib_util.h"
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
  if (!fp) return true;  // fai_load3 reports what is wrong with it
  return bgzf_compression(fp.get()) != bgzf || bgzf_check_EOF(fp.get()) != 0;
}

}  // namespace

struct indexed_fasta::impl {
  std::string path;
  detail::faidx_ptr fai;
};

indexed_fasta::indexed_fasta() : impl_(std::make_unique<impl>()) {}
indexed_fasta::~indexed_fasta() = default;

status indexed_fasta::open(const std::string& path) {
  detail::silence_htslib_log();
  impl_ = std::make_unique<impl>();
  impl_->path = path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return status::fail(path + ": cannot open for random access: not a regular file");
  }
  // faidx would index a BGZF file cut at a block boundary without complaint.
  if (!bgzf_file_is_complete(path)) return status::fail(path + ": truncated BGZF file (end-of-file marker missing)");
  if (index_is_stale(path) && fai_build3(path.c_str(), nullptr, nullptr) != 0) {
    return status::fail(path + ": the .fai index is older than the file and cannot be rebuilt");
  }
  impl_->fai.reset(fai_load3(path.c_str(), nullptr, nullptr, FAI_CREATE));
  if (!impl_->fai) {
    return status::fail(path + ": no faidx index and none can be built (plain gzip, read-only folder or uneven lines)");
  }
  return status();
}

std::int64_t indexed_fasta::contig_length(std::string_view name) const {
  if (!impl_->fai) return -1;
  const std::string key(name);
  if (!faidx_has_seq(impl_->fai.get(), key.c_str())) return -1;
  return faidx_seq_len(impl_->fai.get(), key.c_str());
}

std::vector<std::string> indexed_fasta::contig_names() const {
  std::vector<std::string> names;
  if (!impl_->fai) return names;
  const int n = faidx_nseq(impl_->fai.get());
  for (int i = 0; i < n; ++i) names.emplace_back(faidx_iseq(impl_->fai.get(), i));
  return names;
}

status indexed_fasta::fetch(std::string_view text, region& parsed, std::string& bases) {
  const auto lookup = [this](std::string_view name) { return contig_length(name); };
  if (status s = parse_region(text, lookup, parsed); !s) return status::fail(impl_->path + ": " + s.message());
  return fetch(parsed, bases);
}

status indexed_fasta::fetch(const region& r, std::string& bases) {
  bases.clear();
  const std::string& path = impl_->path;
  if (!impl_->fai) return status::fail(path + ": not open");
  const std::int64_t length = contig_length(r.contig);
  if (length < 0) return status::fail(path + ": unknown contig '" + r.contig + "'");
  if (r.start < 0 || r.end > length || r.end <= r.start) {
    return status::fail(path + ": region '" + format_region(r) + "' is outside contig '" + r.contig + "'");
  }
  hts_pos_t got = 0;
  char* s = faidx_fetch_seq64(impl_->fai.get(), r.contig.c_str(), r.start, r.end - 1, &got);
  if (!s || got != r.end - r.start) {
    std::free(s);
    return status::fail(path + ": record '" + r.contig + "': cannot read region '" + format_region(r) +
                        "' (truncated or corrupt file, or an index that does not match it)");
  }
  bases.assign(s, static_cast<std::size_t>(got));
  std::free(s);
  for (std::size_t i = 0; i < bases.size(); ++i) {
    if (!is_iupac_base(bases[i])) {
      bases.clear();
      return status::fail(path + ": record '" + r.contig + "' position " + std::to_string(r.start + i + 1) +
                          ": invalid character (not an IUPAC nucleotide code)");
    }
  }
  return status();
}

}  // namespace dnafill::bio
