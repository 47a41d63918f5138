// FASTA writing through htslib's BGZF layer (uncompressed mode for plain text and stdout).
#include "bio/fasta_writer.h"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "bio/htslib_util.h"
#include "bio/output_file.h"
#include "bio/sequence_source.h"

namespace dnafill::bio {
namespace {

bool has_space(const std::string& s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

struct fasta_writer::impl {
  std::string path;
  output_file file;  // PATH, or a temporary name renamed over it by close()
  fasta_writer_options options;
  detail::bgzf_ptr fp;
  bool compressed = false;
  bool indexed = false;  // .fai and .gzi built on close: a compressed regular file
  std::string buffer;  // one record's text, handed to BGZF in one write
  std::unordered_set<std::string> names;  // of an indexed file: faidx keeps one record per name
  std::string repeated_name;              // the first name written twice, if any

  status write_failed() const {
    return status::fail(output_name(path) + ": cannot write: " + std::strerror(errno ? errno : EIO) + file.staging_note());
  }
  // The file is written and kept, without an index: a part-written or wrong one would be read as the
  // whole, and another tool would find records missing (without one, a reader builds it again).
  status not_indexed(const std::string& why) const {
    for (const auto& index : index_paths(path)) std::remove(index.c_str());
    return status::fail(path + ": written, but " + why + "; no index is left beside it");
  }
};

fasta_writer::fasta_writer() : impl_(std::make_unique<impl>()) {}

fasta_writer::~fasta_writer() {
  if (impl_) discard();
}

void fasta_writer::discard() {
  impl& d = *impl_;
  if (!d.fp) return;
  d.fp.reset();  // closed, errors ignored
  d.file.drop();
}

bool is_gz_path(const std::string& path) {
  if (path.size() < 3) return false;
  const auto lower = [&](std::size_t from_end) { return std::tolower(static_cast<unsigned char>(path[path.size() - from_end])); };
  return lower(3) == '.' && lower(2) == 'g' && lower(1) == 'z';
}

std::vector<std::string> fasta_writer::index_paths(const std::string& path) {
  // A FIFO or a device cannot be read back: indexing one would wait for a writer for ever.
  if (path == "-" || !is_gz_path(path) || is_stream(path)) return {};
  return {path + ".fai", path + ".gzi"};
}

status fasta_writer::open(const std::string& path, const fasta_writer_options& options) {
  detail::silence_htslib_log();
  if (impl_->fp) (void)close();
  impl_ = std::make_unique<impl>();
  impl_->path = path;
  impl_->options = options;
  impl_->compressed = path != "-" && is_gz_path(path);
  impl_->indexed = !index_paths(path).empty();
  if (auto s = impl_->file.begin(path); !s) return s;
  errno = 0;
  const char* mode = impl_->compressed ? "w" : "wu";
  if (path == "-") {
    // On a copy of standard output: closing the writer must not close the process's own (which the
    // last flush at exit reported as "Bad file descriptor", after a good run). What stdio holds goes first.
    std::fflush(stdout);
    // A closed standard output is held read-only by the program (app/standard_streams.h): as closed.
    // (So is one the user opened read-only, where every write would fail with EBADF all the same.)
    const int flags = ::fcntl(STDOUT_FILENO, F_GETFL);
    const bool held_closed = flags != -1 && (flags & O_ACCMODE) == O_RDONLY;
    const int fd = held_closed ? -1 : ::dup(STDOUT_FILENO);
    if (held_closed) errno = EBADF;
    if (fd >= 0) {
      impl_->fp.reset(bgzf_dopen(fd, mode));
      if (!impl_->fp) ::close(fd);
    }
  } else {
    impl_->fp.reset(bgzf_open(impl_->file.name().c_str(), mode));
  }
  if (!impl_->fp) {
    return status::fail(output_name(path) + ": cannot create: " + (errno ? std::strerror(errno) : "unknown error"));
  }
  return status();
}

status fasta_writer::write(const sequence_record& record) {
  return write(record.name, record.comment, {record.bases});
}

status fasta_writer::write(const std::string& name, const std::string& comment,
                           const std::vector<std::string_view>& pieces) {
  impl& d = *impl_;
  if (!d.fp) return status::fail(d.path + ": not open for writing");
  if (name.empty()) return status::fail(d.path + ": cannot write a record without a name");
  if (has_space(name)) return status::fail(d.path + ": record name '" + name + "' holds whitespace");
  if (d.indexed && !d.names.insert(name).second && d.repeated_name.empty()) d.repeated_name = name;
  std::string& out = d.buffer;
  out.clear();
  out += '>';
  out += name;
  if (!comment.empty()) {
    out += ' ';
    out += comment;
  }
  out += '\n';
  const auto flush = [&] {
    errno = 0;
    const bool written = bgzf_write(d.fp.get(), out.data(), out.size()) == static_cast<ssize_t>(out.size());
    out.clear();
    return written;
  };
  // Written a megabyte of lines at a time: a chromosome is not held a second time, wrapped. A line
  // may run on from one piece into the next.
  constexpr std::size_t chunk = std::size_t{1} << 20;
  const std::size_t width = d.options.line_width == 0 ? SIZE_MAX : d.options.line_width;
  std::size_t column = 0;
  for (auto piece : pieces)
    while (!piece.empty()) {
      const std::size_t take = std::min({piece.size(), width - column, chunk});
      out.append(piece.substr(0, take));
      piece.remove_prefix(take);
      column += take;
      if (column == width) {
        out += '\n';
        column = 0;
      }
      if (out.size() >= chunk && !flush()) return d.write_failed();
    }
  if (column > 0) out += '\n';
  if (!flush()) return d.write_failed();
  return status();
}

status fasta_writer::close() {
  impl& d = *impl_;
  if (!d.fp) return status();
  errno = 0;
  const int r = bgzf_close(d.fp.release());
  if (r != 0) {
    const auto failed = d.write_failed();
    d.file.drop();
    return failed;
  }
  if (auto s = d.file.commit(); !s) return s;
  // Its index would list a repeated name once, and a reader trusting it would miss the other records.
  if (d.indexed && !d.repeated_name.empty())
    return d.not_indexed("not indexed: the record name '" + d.repeated_name +
                         "' occurs more than once, and a .fai finds one record per name");
  errno = 0;
  if (d.indexed && fai_build(d.path.c_str()) != 0) {  // a full disk, say
    const int error = errno;
    return d.not_indexed(std::string("the .fai/.gzi index cannot be built (") +
                         (error ? std::strerror(error) : "an input/output error") + ")");
  }
  return status();
}

}  // namespace dnafill::bio
