// Replacing a file whole: a locked temporary file, fsync, rename, fsync of the folder (whole_file.h).
#include "core/whole_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bio/output_file.h"

namespace dnafill::core {
namespace {

// What is at TEMP when it is not a plain file of one name ("is a symbolic link"), or "".
std::string not_ours(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return "is a symbolic link";
  if (S_ISDIR(st.st_mode)) return "is a folder";
  if (!S_ISREG(st.st_mode)) return "is not a regular file (a FIFO or a device)";
  if (st.st_nlink > 1) return "has another name (a hard link)";
  return "";
}

status refuse_temp(const std::string& temp, const std::string& what) {
  return status::fail(temp + ", the temporary name of this write, " + what + ": not a file of dnafill's to empty; remove it");
}

// A refusal when something not ours is at TEMP; none when it is a plain file of one name or nothing is
// there (nothing to be told: the write will say).
status check_what_is_at(const std::string& temp) {
  struct stat st {};
  if (::lstat(temp.c_str(), &st) != 0) return {};
  if (const auto what = not_ours(st); !what.empty()) return refuse_temp(temp, what);
  return {};
}

// Opens TEMP for this write alone and empties it. The lock turns away a second writer of the same
// file while this one writes; a TEMP a killed run left has no lock, and is taken over. A TEMP renamed
// into place between our open and our lock (by the writer that held it) is that writer's file now:
// it is opened again under its name. On a file system without locks the write goes on unguarded.
status open_temp(const std::string& temp, int& fd) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    // Not through a link, and not waiting on a FIFO (O_NONBLOCK does nothing to a plain file).
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    if (fd < 0) {
      const int error = errno;  // ELOOP: a symbolic link; ENXIO: a FIFO no one reads
      if (error == ELOOP || error == ENXIO)
        if (auto s = check_what_is_at(temp); !s) return s;
      return status::fail(temp + ": " + std::strerror(error));
    }
    struct stat opened {}, named {};
    const bool known = ::fstat(fd, &opened) == 0;
    if (const auto what = known ? not_ours(opened) : std::string(); !what.empty()) {
      ::close(fd);
      return refuse_temp(temp, what);
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      ::close(fd);
      return status::fail("another program is writing it now (" + temp + " is locked); let it finish, or write elsewhere");
    }
    if (known && ::stat(temp.c_str(), &named) == 0 && opened.st_dev == named.st_dev && opened.st_ino == named.st_ino) {
      if (::ftruncate(fd, 0) == 0) return {};
      const int error = errno;
      ::close(fd);
      return status::fail(temp + ": " + std::strerror(error));
    }
    ::close(fd);
  }
  return status::fail("another program is writing it now (" + temp + " keeps being replaced)");
}

// Makes the rename itself durable. Best effort: some file systems refuse fsync on a folder, and by
// now the new file is complete and in place either way.
void sync_folder_of(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string temporary_name(const std::string& path) { return bio::real_path_or_given(path) + ".tmp"; }

status check_temporary_name(const std::string& path) { return check_what_is_at(temporary_name(path)); }

status replace_whole(const std::string& path, const std::string& what, const std::function<int(int fd)>& write) {
  auto failed = [&](const std::string& why) { return status::fail(path + ": cannot write " + what + ": " + why); };
  const std::string target = bio::real_path_or_given(path);
  const std::string temp = temporary_name(path);
  int fd = -1;
  if (auto s = open_temp(temp, fd); !s) return failed(s.message());
  if (struct stat old {}; ::stat(target.c_str(), &old) == 0 && S_ISREG(old.st_mode))
    (void)::fchmod(fd, old.st_mode & 07777);  // best effort: the owner may differ (root writing a user's file)
  // A second Ctrl-C while it is written removes it (app/interrupt.h); not once it may be renamed, as
  // the name may then be the next writer's.
  bio::tracked_temporary tracked(temp);
  int error = 0;
  try {
    error = write(fd);
  } catch (...) {  // the temporary file goes, and its lock with it, before the caller hears of it
    ::unlink(temp.c_str());
    ::close(fd);
    throw;
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  tracked.forget();
  // Renamed while the lock is held: a second writer cannot empty it on the way.
  if (error == 0 && std::rename(temp.c_str(), target.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temp.c_str());
    ::close(fd);
    return failed(temp + " was written but not renamed over it: " + std::strerror(rename_error));
  }
  if (error != 0) ::unlink(temp.c_str());
  ::close(fd);  // after fsync, a close cannot lose data
  if (error != 0) return failed(std::strerror(error));
  sync_folder_of(target);
  return {};
}

int write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, std::min<std::size_t>(size, std::size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace dnafill::core
