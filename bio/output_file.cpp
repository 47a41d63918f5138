// Output files replaced whole: a temporary name beside the file, renamed over it on commit.
#include "bio/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dnafill::bio {

status output_file::begin(const std::string& path) {
  drop();
  path_ = path;
  mode_ = 0;
  if (path == "-") return {};
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    // A file there that may not be written stays as it is (the rename would replace it all the same).
    errno = 0;
    if (S_ISREG(st.st_mode) && access(path.c_str(), W_OK) != 0)
      return status::fail(path + ": cannot create: " + std::strerror(errno));
    // Links, devices, FIFOs and other users' files keep their identity, owner and links.
    if (!S_ISREG(st.st_mode) || st.st_nlink > 1 || st.st_uid != geteuid()) return {};
    mode_ = st.st_mode & 07777;
  }
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (access(folder.c_str(), W_OK) != 0) return {};
  static std::atomic<unsigned> count{0};  // two writers of one process (the studio) never share one
  temporary_ = path + ".dnafill-" + std::to_string(getpid()) + "-" + std::to_string(count++) + ".tmp";
  return {};
}

status output_file::commit() {
  if (temporary_.empty()) return {};
  if (mode_ != 0) (void)chmod(temporary_.c_str(), mode_);
  errno = 0;
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    drop();
    return status::fail(path_ + ": cannot write: " + std::strerror(error ? error : EIO));
  }
  temporary_.clear();
  return {};
}

void output_file::drop() {
  if (!temporary_.empty()) std::remove(temporary_.c_str());
  temporary_.clear();
}

}  // namespace dnafill::bio
