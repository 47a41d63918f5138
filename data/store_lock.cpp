// The store's writer lock on one descriptor per file and process (store_lock.h says why).
#include "data/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace dnafill::data::detail {

struct store_lock::shared_file {
  int fd = -1;
  pid_t owner = 0;     // a child forked with the table does not share its parent's descriptions
  int users = 0;       // stores of this process attached to it
  bool writer = false; // one of them holds the flock exclusively
};

namespace {

using file_key = std::pair<dev_t, ino_t>;

// Every attached file of the process, under one mutex: the studio opens stores in several threads.
std::mutex files_mutex;

std::map<file_key, store_lock::shared_file*>& files() {
  static auto* table = new std::map<file_key, store_lock::shared_file*>;  // never destroyed: stores may outlive statics
  return *table;
}

// The process's description of the file `path` names now, if it has one.
store_lock::shared_file* find_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;
  auto it = files().find({st.st_dev, st.st_ino});
  return it != files().end() && it->second->owner == ::getpid() ? it->second : nullptr;
}

// Takes over `fd` as the process's description of its file.
store_lock::shared_file* add_file(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return nullptr;
  }
  auto* file = new store_lock::shared_file{fd, ::getpid(), 0, false};
  files()[{st.st_dev, st.st_ino}] = file;
  return file;
}

// One store less on `file`; the last one closes the description (its connection is closed by then).
void release(store_lock::shared_file* file) {
  if (--file->users > 0) return;
  for (auto it = files().begin(); it != files().end(); ++it)
    if (it->second == file) {
      files().erase(it);
      break;
    }
  ::close(file->fd);
  delete file;
}

status cannot_open(const std::string& path, int err) {
  const bool denied = err == EACCES || err == EPERM || err == EROFS;
  return status::fail(path + ": cannot open for writing: " + std::strerror(err) +
                      (denied ? " (a read-only file or folder)" : ""));
}

// The process's description of the file at `path`, one store more on it; made, with the file when
// it is not there, when the process has none. `created`: the file was made here.
status attach_file(const std::string& path, store_lock::shared_file*& file, bool& created) {
  std::lock_guard<std::mutex> hold(files_mutex);
  if ((file = find_file(path))) {
    if (::access(path.c_str(), W_OK) != 0) return cannot_open(path, errno);
  } else {
    // Made here when not there (O_EXCL: not through a link either), so that a store that then
    // cannot be set up can go again without taking a file of the user's with it.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return cannot_open(path, errno);
    if (!(file = add_file(fd))) return status::fail(path + ": cannot lock: " + std::strerror(errno));
  }
  ++file->users;  // keeps the description while the mutex is let go
  return {};
}

// Takes the exclusive flock on `file` for a writer: 0, or why not (EWOULDBLOCK: held elsewhere;
// ESTALE: the file at `path` is another one now). Tried again for a quarter of a second, since a
// reader's writer_check holds a shared lock while it reads; the mutex is let go between tries, so
// that the process's other stores go on meanwhile.
int lock_for_writing(store_lock::shared_file* file, const std::string& path) {
  int err = EWOULDBLOCK;
  for (int attempt = 0; attempt <= 25; ++attempt) {
    if (attempt > 0) ::usleep(10000);
    std::lock_guard<std::mutex> hold(files_mutex);
    if (file->writer) return EWOULDBLOCK;  // another store of this process writes
    if (flock(file->fd, LOCK_EX | LOCK_NB) == 0) {
      // A store another writer made and removed while this one waited (it could not set it up) is
      // no longer the file at `path`.
      struct stat held {}, named {};
      if (::fstat(file->fd, &held) != 0 || ::stat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
          held.st_dev != named.st_dev) {
        flock(file->fd, LOCK_UN);
        return ESTALE;
      }
      file->writer = true;
      return 0;
    }
    if ((err = errno) != EWOULDBLOCK) return err;
  }
  return err;
}

// Lets go of `file`, which a writer could not lock for `err`, and says why in the user's words.
status not_locked(const std::string& path, int err, store_lock::shared_file* file) {
  bool only_readers = false;  // what holds the file now: shared locks only
  {
    std::lock_guard<std::mutex> hold(files_mutex);
    // No check of this process holds a shared lock (it would hold the mutex): if one is free, the
    // holders are other processes' readers, not a writer.
    only_readers = err == EWOULDBLOCK && !file->writer && flock(file->fd, LOCK_SH | LOCK_NB) == 0;
    if (only_readers) flock(file->fd, LOCK_UN);
    release(file);
  }
  if (err == EWOULDBLOCK && only_readers)
    return status::fail(path + ": other processes reading this store kept it busy for a quarter of a second "
                               "(no writer): try again");
  if (err == EWOULDBLOCK)
    return status::fail(path + ": another dnafill process is writing to this store (one writer at a time; "
                               "readers are fine): wait for it or use another file");
  if (err == ESTALE) return status::fail(path + ": the store was removed while this process waited for it: try again");
  return status::fail(path + ": cannot lock: " + std::strerror(err));
}

}  // namespace

status store_lock::attach_writer(const std::string& path) {
  detach();
  created_ = false;
  shared_file* file = nullptr;
  if (auto s = attach_file(path, file, created_); !s) return s;
  if (int err = lock_for_writing(file, path); err != 0) return not_locked(path, err, file);
  writing_ = true;
  file_ = file;
  return {};
}

void store_lock::attach_reader(const std::string& path) {
  detach();
  std::lock_guard<std::mutex> hold(files_mutex);
  shared_file* file = find_file(path);
  if (!file) {
    // Read-write where allowed: a writer of this process may take its lock on this description later,
    // and on NFS an exclusive flock needs a descriptor open for writing.
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || !(file = add_file(fd))) return;
  }
  ++file->users;
  file_ = file;
}

// The process's mutex is held for the check's life: no store of the process attaches, detaches or
// takes the flock meanwhile (a flock on the shared description would be theirs too).
store_lock::writer_check::writer_check(const store_lock& lock) {
  files_mutex.lock();
  if (!lock.file_) return;
  if (lock.file_->writer) {
    writer_elsewhere_ = !lock.writing_;
    return;
  }
  // No store of this process writes: a shared lock on the description is free unless another process holds it.
  if (flock(lock.file_->fd, LOCK_SH | LOCK_NB) != 0) return;
  shared_fd_ = lock.file_->fd;
  writer_elsewhere_ = false;
}

store_lock::writer_check::~writer_check() {
  if (shared_fd_ >= 0) flock(shared_fd_, LOCK_UN);
  files_mutex.unlock();
}

void store_lock::detach() {
  if (!file_) return;
  std::lock_guard<std::mutex> hold(files_mutex);
  if (writing_) {
    if (file_->owner == ::getpid()) flock(file_->fd, LOCK_UN);  // a forked child must not free its parent's lock
    file_->writer = writing_ = false;
  }
  release(file_);
  file_ = nullptr;
}

}  // namespace dnafill::data::detail
