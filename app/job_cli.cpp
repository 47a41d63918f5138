// A recorded design job on the command line: store, Ctrl-C, progress bar, outcome.
#include "app/job_cli.h"

#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/common.h"
#include "app/interrupt.h"

namespace dnafill::app {

status job_cli::open_store() {
  // A store that is there is checked now (its version, its lock), before any work; one that is not
  // is made when the run starts, so a command refused for its input leaves no empty store behind.
  std::error_code ec;
  if (db.empty()) return {};
  if (std::filesystem::exists(db, ec)) {
    if (auto s = store_.open(db); !s) return s;
    // A writer upgrades an older store as it opens it, and the dnafill that made it cannot write it
    // afterwards: said, as db migrate says it.
    const int from = store_.migrated_from(), to = data::store::current_schema_version();
    if (from > 0 && from < to)
      std::fprintf(stderr, "dnafill %s: %s: store schema upgraded from v%d to v%d (older dnafill builds cannot write it)\n",
                   command.c_str(), db.c_str(), from, to);
  }
  // Not there yet: made with the run. That its folder takes it, check_paths has said (--db).
  return {};
}

std::string job_cli::kept_note(bool when_empty) {
  if (run_id <= 0) return {};
  // What the store holds, which may be more than the other outputs took before one failed.
  auto kept = summary.progress.designs_done;
  data::run_record stored;
  if (bool found = false; store_.find_run(run_id, stored, found) && found) kept = stored.designs_done;
  if (kept == 0 && !when_empty) return {};
  std::string note = " (run " + std::to_string(run_id) + " in " + db + " keeps " + std::to_string(kept) + (kept == 1 ? " design" : " designs");
  // batch resumes; infill and generate write --out only when done, so the store is where they are,
  // as are those of a batch that has them all.
  const bool whole = stored.designs_total > 0 && kept == stored.designs_total;
  if (resume && !whole && resumable_) note += "; run the same command again to resume it";
  else if (kept > 0) note += "; dnafill db export --db " + db + " --run " + std::to_string(run_id) + " writes them";
  return note + ")";
}

int job_cli::run(const core::mdm_model& model, core::item_source& items, const core::design_options& options,
                 const data::run_record& run) {
  if (!db.empty() && !store_.is_open())
    if (auto s = store_.open(db); !s) return fail(command, s.message());
  data::run_sink recorder(store_, resume);
  std::vector<data::design_sink*> all;
  if (store_.is_open()) all.push_back(&recorder);
  all.insert(all.end(), sinks.begin(), sinks.end());
  data::fan_out_sink sink(all);

  progress_bar bar(command);
  auto progress = [&](const core::job_progress& p) { bar.update(core::fraction_done(p), core::describe_progress(p)); };
  // Ctrl-C ends a recorded run cleanly; without a store there is nothing to keep, so it stops at once.
  std::optional<interrupt_guard> guard;
  if (store_.is_open()) guard.emplace(resume ? stop_point::whole_item : stop_point::model_step);
  auto s = core::run_job(model, items, options, run, sink, &interrupted, progress, summary, resume ? nullptr : &interrupted);
  bar.finish();
  run_id = recorder.run_id();
  resumed = recorder.resumed();
  resumable_ = items.resumable();
  // A store no longer at --db holds nothing a later command can reach: said instead of what it keeps.
  const auto kept = store_.check_run_kept(run_id);
  if (!s) return fail(command, s.message() + (kept ? kept_note(/*when_empty=*/false) : "; " + kept.message()));
  if (!kept) return fail(command, kept.message());
  if (summary.status == data::run_status::cancelled) {
    fail(command, "cancelled" + kept_note(true));
    return interrupted_exit_status();
  }
  return 0;
}

}  // namespace dnafill::app
