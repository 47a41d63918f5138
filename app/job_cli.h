// What infill, generate and batch share around core::run_job: the --db store, Ctrl-C, the progress
// bar (records, designs, rate, ETA) and the one line that says how a run ended.
#pragma once

#include <string>
#include <vector>

#include "core/job.h"
#include "data/sink.h"
#include "data/store.h"

namespace dnafill::app {

class job_cli {
 public:
  job_cli(std::string command, std::string db, bool resume = false)
      : command(std::move(command)), db(std::move(db)), resume(resume) {}

  std::string command;               // "infill", "generate", "batch": names the messages
  std::string db;                    // --db; empty: the run is not recorded
  bool resume = false;               // batch: take up the run with the same resume key
  std::vector<data::design_sink*> sinks;  // besides the store (memory, FASTA)

  // Opens --db before any work when it exists, so a bad store fails at once; a new one is made by
  // run(), after the command's input has passed its checks. Errors name the file.
  status open_store();

  // Runs the job with a progress bar on a terminal. With a store, Ctrl-C (SIGINT, SIGTERM or SIGHUP)
  // ends the run cancelled: a batch (resume) after the item in hand, infill and generate at the
  // model's next step, the item in hand dropped; a second one stops at once. Returns the exit status: 0 done,
  // 1 failed (one line on stderr), 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP) cancelled (one line on stderr).
  int run(const core::mdm_model& model, core::item_source& items, const core::design_options& options,
          const data::run_record& run);

  // After run(): " (run N in DB keeps K designs; how to resume or export them)", the store's count;
  // "" without a run, or with no design kept unless `when_empty`. For the line of a failure after
  // run(), such as an --out that cannot be written.
  std::string kept_note(bool when_empty);

  core::job_summary summary;  // after run()
  std::int64_t run_id = 0;    // the store's run; 0 without --db
  bool resumed = false;

 private:
  data::store store_;
  bool resumable_ = true;  // the items' word after run()
};

}  // namespace dnafill::app
