// Private to data/: the store's writer lock, an exclusive flock on the store file.
//
// Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's too, and
// a SQLite connection in WAL mode holds one on the database file for as long as it is open (without
// it, another process closing last checkpoints and deletes the WAL the connection reads). So the
// descriptor the flock lives on is one per file and process, shared by every store of the process
// on that file (the studio keeps a reader open while its jobs open and close writers), and closed
// with the last of them, after its connection.
#pragma once

#include <string>

#include "bio/status.h"

namespace dnafill::data::detail {

class store_lock {
 public:
  struct shared_file;  // the description of one file, shared by the process's stores on it

  store_lock() = default;
  ~store_lock() { detach(); }
  store_lock(const store_lock&) = delete;
  store_lock& operator=(const store_lock&) = delete;

  // A writer creates a missing file, and takes the lock or fails at once ("another dnafill process is
  // writing"), after a quarter of a second in which readers asking (writer_elsewhere) let go.
  status attach_writer(const std::string& path);
  // A reader never fails here: without the file's descriptor it only cannot tell (writer_elsewhere).
  void attach_reader(const std::string& path);
  // Whether a store other than this one writes the file now, in this process or another. Asks by
  // taking a shared flock for an instant; true when it cannot tell.
  bool writer_elsewhere() const;
  // Lets go of the lock, and of the descriptor with the last store of the file. Call it after the
  // store's connection is closed.
  void detach();

 private:
  shared_file* file_ = nullptr;
  bool writing_ = false;
};

}  // namespace dnafill::data::detail
