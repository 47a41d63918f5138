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

  // A writer creates a missing file, and takes the lock or fails ("another dnafill process is
  // writing") after a quarter of a second in which readers checking (writer_check) let go.
  status attach_writer(const std::string& path);
  // Whether the last attach_writer made the file (it was not there, nor a link by its name).
  bool created() const { return created_; }
  // A reader never fails here: without the file's descriptor it only cannot tell (writer_check).
  void attach_reader(const std::string& path);
  // Lets go of the lock, and of the descriptor with the last store of the file. Call it after the
  // store's connection is closed.
  void detach();

  // Whether a store other than this one writes the file, in this process or another, asked for the
  // length of a read: while a check lives no writer starts or stops (one arriving waits, up to the
  // quarter second of attach_writer), so a `running` run that the read finds with no writer was
  // killed, and not ended meanwhile. Asks by holding a shared flock; says yes when it cannot tell.
  class writer_check {
   public:
    explicit writer_check(const store_lock& lock);
    ~writer_check();
    writer_check(const writer_check&) = delete;
    writer_check& operator=(const writer_check&) = delete;
    bool writer_elsewhere() const { return writer_elsewhere_; }

   private:
    int shared_fd_ = -1;  // the descriptor its shared flock is on, until destroyed
    bool writer_elsewhere_ = true;
  };

 private:
  shared_file* file_ = nullptr;
  bool writing_ = false;
  bool created_ = false;
};

}  // namespace dnafill::data::detail
