// A recorded design job on the command line: store, Ctrl-C, progress bar, outcome.
#include "app/job_cli.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>

#include "app/common.h"

namespace dnafill::app {
namespace {

std::atomic<bool> interrupted{false};

// The first Ctrl-C asks the job to stop after the item in hand; the handler then steps aside, so a
// second one ends the process at once (the store is transactional: nothing committed is lost).
extern "C" void on_interrupt(int signal_number) {
  interrupted.store(true);
  static const char note[] = "\ndnafill: finishing the item in hand, then stopping (Ctrl-C again to stop now)\n";
  ssize_t ignored = write(STDERR_FILENO, note, sizeof note - 1);
  (void)ignored;
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  sigaction(signal_number, &defaults, nullptr);
}

// Installs the handler for the life of a job and puts the old ones back.
class interrupt_guard {
 public:
  interrupt_guard() {
    interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~interrupt_guard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string count_of(std::int64_t done, std::int64_t total) { return std::to_string(done) + "/" + std::to_string(total); }

// "records 3/10  designs 24/80 (12 resumed)  0.52/s  ETA 35s"
std::string progress_detail(const core::job_progress& p) {
  const auto made = p.designs_done - p.designs_resumed;
  std::string text = "records " + count_of(std::min(p.record_index + 1, p.totals.records), p.totals.records) +
                     "  designs " + count_of(p.designs_done, p.totals.designs);
  if (p.designs_resumed > 0) text += " (" + std::to_string(p.designs_resumed) + " resumed)";
  if (made > 0 && p.seconds > 0) {
    const double rate = made / p.seconds;
    char r[32];
    std::snprintf(r, sizeof r, "  %.2f/s", rate);
    text += r;
    text += "  ETA " + format_duration(static_cast<double>(p.totals.designs - p.designs_done) / rate);
  } else {
    text += "  ETA --";
  }
  return text;
}

}  // namespace

status job_cli::open_store() {
  if (db.empty()) return {};
  return store_.open(db);
}

int job_cli::run(const core::mdm_model& model, core::item_source& items, const core::design_options& options,
                 const data::run_record& run) {
  data::run_sink recorder(store_, resume);
  std::vector<data::design_sink*> all;
  if (store_.is_open()) all.push_back(&recorder);
  all.insert(all.end(), sinks.begin(), sinks.end());
  data::fan_out_sink sink(all);

  progress_bar bar(command);
  auto progress = [&](const core::job_progress& p) {
    const double per_design = p.totals.designs > 0 ? 1.0 / p.totals.designs : 0.0;
    const auto per_item = p.totals.items > 0 ? p.totals.designs / p.totals.items : 0;
    bar.update((p.designs_done + p.item_fraction * per_item) * per_design, progress_detail(p));
  };
  // Ctrl-C ends a recorded run cleanly; without a store there is nothing to keep, so it stops at once.
  std::optional<interrupt_guard> guard;
  if (store_.is_open()) guard.emplace();
  auto s = core::run_job(model, items, options, run, sink, &interrupted, progress, summary);
  bar.finish();
  run_id = recorder.run_id();
  resumed = recorder.resumed();
  const auto kept = summary.progress.designs_done;
  std::string where;
  if (run_id > 0) {
    where = " (run " + std::to_string(run_id) + " in " + db + " keeps " + std::to_string(kept) + " designs";
    where += resume ? "; run the same command again to resume it)" : ")";
  }
  if (!s) return fail(command, s.message() + (run_id > 0 && kept > 0 ? where : ""));
  if (summary.status == data::run_status::cancelled) {
    fail(command, "cancelled" + where);
    return 130;
  }
  return 0;
}

}  // namespace dnafill::app
