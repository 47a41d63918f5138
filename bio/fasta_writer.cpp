// FASTA writing through htslib's BGZF layer (uncompressed mode for plain text and stdout).
#include "bio/fasta_writer.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include "bio/htslib_util.h"

namespace dnafill::bio {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_space(const std::string& s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  }
  return false;
}

// Where to write `path` so that close() can rename the whole file over it, or "" to write it in
// place. Only a new file, or a plain file of this user's with no other name, in a folder that takes
// new files, is replaced: standard output, devices, FIFOs, symbolic links (/dev/stdout is one),
// hard-linked files and other users' files keep their identity, owner and links, written in place.
std::string temporary_for(const std::string& path, mode_t& mode) {
  mode = 0;
  if (path == "-") return {};
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode) || st.st_nlink > 1 || st.st_uid != geteuid()) return {};
    mode = st.st_mode & 07777;
  }
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (access(folder.c_str(), W_OK) != 0) return {};
  static std::atomic<unsigned> count{0};  // two writers of one process (the studio) never share one
  return path + ".dnafill-" + std::to_string(getpid()) + "-" + std::to_string(count++) + ".tmp";
}

}  // namespace

struct fasta_writer::impl {
  std::string path;
  std::string temporary;  // renamed onto path by close(); empty: written in place
  fasta_writer_options options;
  detail::bgzf_ptr fp;
  bool compressed = false;
  std::string buffer;  // one record's text, handed to BGZF in one write

  status write_failed() const { return status::fail(path + ": cannot write: " + std::strerror(errno ? errno : EIO)); }
};

fasta_writer::fasta_writer() : impl_(std::make_unique<impl>()) {}

fasta_writer::~fasta_writer() {
  if (impl_) discard();
}

void fasta_writer::discard() {
  impl& d = *impl_;
  if (!d.fp) return;
  d.fp.reset();  // closed, errors ignored
  if (!d.temporary.empty()) std::remove(d.temporary.c_str());
}

std::vector<std::string> fasta_writer::index_paths(const std::string& path) {
  if (path == "-" || !ends_with(path, ".gz")) return {};
  return {path + ".fai", path + ".gzi"};
}

status fasta_writer::open(const std::string& path, const fasta_writer_options& options) {
  detail::silence_htslib_log();
  if (impl_->fp) (void)close();
  impl_ = std::make_unique<impl>();
  impl_->path = path;
  impl_->options = options;
  impl_->compressed = !index_paths(path).empty();
  // A file there that may not be written stays as it is (the rename would replace it all the same).
  errno = 0;
  if (struct stat st; stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), W_OK) != 0)
    return status::fail(path + ": cannot create: " + std::strerror(errno));
  mode_t mode = 0;
  impl_->temporary = temporary_for(path, mode);
  const std::string& file = impl_->temporary.empty() ? path : impl_->temporary;
  errno = 0;
  impl_->fp.reset(bgzf_open(file.c_str(), impl_->compressed ? "w" : "wu"));
  if (!impl_->fp) {
    return status::fail(path + ": cannot create: " + (errno ? std::strerror(errno) : "unknown error"));
  }
  if (mode != 0) (void)chmod(file.c_str(), mode);  // the file it replaces keeps its permissions
  return status();
}

status fasta_writer::write(const sequence_record& record) {
  impl& d = *impl_;
  if (!d.fp) return status::fail(d.path + ": not open for writing");
  if (record.name.empty()) return status::fail(d.path + ": cannot write a record without a name");
  if (has_space(record.name)) {
    return status::fail(d.path + ": record name '" + record.name + "' holds whitespace");
  }
  std::string& out = d.buffer;
  out.clear();
  out += '>';
  out += record.name;
  if (!record.comment.empty()) {
    out += ' ';
    out += record.comment;
  }
  out += '\n';
  const std::size_t width = d.options.line_width == 0 ? record.bases.size() : d.options.line_width;
  for (std::size_t i = 0; i < record.bases.size(); i += width) {
    out.append(record.bases, i, width);
    out += '\n';
  }
  errno = 0;
  if (bgzf_write(d.fp.get(), out.data(), out.size()) != static_cast<ssize_t>(out.size())) return d.write_failed();
  return status();
}

status fasta_writer::close() {
  impl& d = *impl_;
  if (!d.fp) return status();
  errno = 0;
  const int r = bgzf_close(d.fp.release());
  if (r != 0) {
    const auto failed = d.write_failed();
    if (!d.temporary.empty()) std::remove(d.temporary.c_str());
    return failed;
  }
  if (!d.temporary.empty() && std::rename(d.temporary.c_str(), d.path.c_str()) != 0) {
    const auto failed = d.write_failed();
    std::remove(d.temporary.c_str());
    return failed;
  }
  if (d.compressed && fai_build(d.path.c_str()) != 0) {
    return status::fail(d.path + ": written, but the .fai/.gzi index cannot be built");
  }
  return status();
}

}  // namespace dnafill::bio
