// A recorded design job on the command line: store, Ctrl-C, progress bar, outcome.
#include "app/job_cli.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "app/common.h"

namespace dnafill::app {
namespace {

std::atomic<bool> interrupted{false};
std::atomic<int> interrupting_signal{0};  // SIGINT, SIGTERM or SIGHUP: the exit status is 128 + it, as a shell's
std::atomic<bool> whole_items{true};      // the first signal lets the item in hand finish (batch), or not

// A signal handler may only write(): its notes are fixed strings with their lengths.
struct note {
  const char* text;
  std::size_t length;
};
template <std::size_t N>
constexpr note make_note(const char (&text)[N]) { return {text, N - 1}; }
// [whole_items][SIGINT, SIGTERM, SIGHUP]
constexpr note notes[2][3] = {
    {make_note("\ndnafill: stopping at the model's next step (Ctrl-C again to stop now)\n"),
     make_note("\ndnafill: stopping at the model's next step (SIGTERM again to stop now)\n"),
     make_note("\ndnafill: stopping at the model's next step (SIGHUP again to stop now)\n")},
    {make_note("\ndnafill: finishing the item in hand, then stopping (Ctrl-C again to stop now)\n"),
     make_note("\ndnafill: finishing the item in hand, then stopping (SIGTERM again to stop now)\n"),
     make_note("\ndnafill: finishing the item in hand, then stopping (SIGHUP again to stop now)\n")}};

// The first Ctrl-C asks the job to stop: a batch after the item in hand (a region: seconds), infill and
// generate, whose item is a whole record and which never resume, at the model's next step. The handler
// then steps aside, so a second one ends the process at once (the store is transactional: nothing
// committed is lost). SIGTERM and SIGHUP (a closed terminal, a dropped ssh) do the same, so that the
// store is closed, and its WAL copied into its file, as after Ctrl-C.
extern "C" void on_interrupt(int signal_number) {
  interrupting_signal.store(signal_number);
  interrupted.store(true);
  const note& n = notes[whole_items.load() ? 1 : 0][signal_number == SIGINT ? 0 : signal_number == SIGTERM ? 1 : 2];
  ssize_t ignored = write(STDERR_FILENO, n.text, n.length);
  (void)ignored;
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  sigaction(signal_number, &defaults, nullptr);
}

// Installs the handler for the life of a job and puts the old ones back.
class interrupt_guard {
 public:
  explicit interrupt_guard(bool finish_item) {
    whole_items.store(finish_item);
    interrupted.store(false);
    interrupting_signal.store(0);
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    // A SIGHUP ignored when the process started (nohup) stays ignored: the run outlives the terminal.
    sigaction(SIGHUP, nullptr, &old_hup_);
    if (old_hup_.sa_handler != SIG_IGN) sigaction(SIGHUP, &action, nullptr);
    // A reader that goes away (batch --json | head) would end the process in the middle of the run,
    // left "running" in the store: the write fails instead (EPIPE), and the run ends failed, resumable.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe_);
  }
  ~interrupt_guard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGHUP, &old_hup_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
  struct sigaction old_pipe_ {};
};

}  // namespace

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
    return {};
  }
  // Not there yet: at least its folder must take it, or the input would be read for nothing.
  const auto folder = std::filesystem::path(db).parent_path();
  const std::string where = folder.empty() ? "." : folder.string();
  if (access(where.c_str(), W_OK) != 0)
    return status::fail(db + ": cannot create the store: the folder " + where + " is not writable (" +
                        std::strerror(errno) + ")");
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
  if (store_.is_open()) guard.emplace(/*finish_item=*/resume);
  auto s = core::run_job(model, items, options, run, sink, &interrupted, progress, summary, resume ? nullptr : &interrupted);
  bar.finish();
  run_id = recorder.run_id();
  resumed = recorder.resumed();
  resumable_ = items.resumable();
  if (!s) return fail(command, s.message() + kept_note(/*when_empty=*/false));
  if (summary.status == data::run_status::cancelled) {
    fail(command, "cancelled" + kept_note(true));
    const int signal_number = interrupting_signal.load();
    return 128 + (signal_number != 0 ? signal_number : SIGINT);
  }
  return 0;
}

}  // namespace dnafill::app
