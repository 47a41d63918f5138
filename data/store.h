// The SQLite store: models, input files, runs, designs and the batch journal in one file (docs/store.md).
//
// A store opened for writing is the only writer of its file: it holds an exclusive advisory lock
// (flock) on it until closed, and a second writer is refused at once. Any number of readers (other
// processes, or read-only stores in other threads) read while it writes: the file is in WAL mode,
// and every item is one transaction, so a reader sees whole items only. A store object is used by one
// thread at a time. Every function that can fail returns a status naming the file and the problem.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bio/status.h"
#include "data/records.h"
#include "data/sink.h"

namespace dnafill::data {

struct store_options {
  bool read_only = false;       // for list/show/export: never creates, migrates or writes the file
  int busy_timeout_ms = 5000;   // how long to wait for a lock another program holds before failing
  std::int64_t max_pages = 0;   // PRAGMA max_page_count for this connection; 0 = no cap (tests fill the "disk")

  static store_options reader() {
    store_options o;
    o.read_only = true;
    return o;
  }
};

class store {
 public:
  store();
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // Opens (for writing: creates when missing) and checks the file: ours (application_id), not newer
  // than this build, integrity_check ok; for writing, takes the writer lock, turns on WAL, and
  // brings an older schema to the current one in one transaction. Refuses, touching nothing: a
  // file that is not SQLite, a SQLite file of another program, a newer store, a damaged one. A
  // read-only store refuses an older schema (it cannot migrate): `dnafill db migrate` upgrades it.
  status open(const std::string& path, const store_options& options = {});
  void close();  // also releases the writer lock
  bool is_open() const;
  const std::string& path() const;
  // Whether the file at path() is still the one opened: false once it is removed, or another file is
  // moved over its name. A connection reads on from the file it opened, and SQLite says nothing: a
  // reader that outlives such a change (the studio's history) opens the store again.
  bool still_at_path() const;
  // For a writer at the end of run `run_id`: fails, naming the run, when the store is no longer at
  // path(). SQLite writes on into the file it opened, removed or not: the run is in no file anyone
  // can open, and "done" would say otherwise.
  status check_run_kept(std::int64_t run_id) const;

  static int current_schema_version();
  // The longest real path (absolute, links followed) of a store SQLite opens: 512 less "-journal".
  static constexpr std::size_t max_path_length = 504;
  // The files SQLite keeps beside the store at `path`: PATH-wal, PATH-shm and PATH-journal, named
  // after its real path (symbolic links followed), as SQLite names them, each with its role ("WAL",
  // "shared memory", "journal"). An output must not land on them: the WAL holds the designs not yet
  // checkpointed, and SQLite deletes it when the store closes.
  struct companion_file {
    std::string path, role;
  };
  static std::vector<companion_file> companion_files(const std::string& path);
  int migrated_from() const;  // the file's schema version before open() (0: a new file)

  // Writing. begin_run records the model and the input (reusing known ones) and a new run in
  // `running` state; with `resume`, the latest run of the same kind and resume_key (whatever its
  // state) is taken up again instead: back to `running`, its completed items kept, resumes + 1.
  status begin_run(run_record& run, bool resume, bool& resumed);
  status finish_run(std::int64_t run_id, run_status outcome, const std::string& error);
  // The journal row and every design of the item, in one transaction. An item already recorded
  // for the run is an error (nothing is written twice).
  status add_item(std::int64_t run_id, const item_designs& item);

  // Reading.
  status find_item(std::int64_t run_id, const item_key& key, bool& found, std::vector<design_record>* designs);
  status list_runs(std::vector<run_record>& runs);
  status find_run(std::int64_t run_id, run_record& run, bool& found);
  // Designs in run, record, region, variant order; all runs when `run_id` is empty. Stops at the
  // first failure of `each`.
  status for_each_design(std::optional<std::int64_t> run_id, const std::function<status(design_record&)>& each);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A run recorded in a store, as a sink: start() begins (or, with resume, takes up) the run; an item
// is completed when its journal row is there; finish() ends the run. With resume and an earlier run
// that is done, every item is completed and nothing is designed again.
class run_sink : public design_sink {
 public:
  run_sink(store& db, bool resume) : db_(db), resume_(resume) {}
  status start(run_record& run) override;
  status completed(const item_key& key, bool& done, std::vector<design_record>* designs) override;
  status put(const item_designs& item) override;
  status finish(run_status outcome, const std::string& error) override;

  std::int64_t run_id() const { return run_id_; }
  bool resumed() const { return resumed_; }

 private:
  store& db_;
  bool resume_;
  bool resumed_ = false;
  std::int64_t run_id_ = 0;
};

}  // namespace dnafill::data
