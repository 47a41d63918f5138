// Ctrl-C, SIGTERM and SIGHUP during a long command that has work to keep (a recorded design run, a
// training run): the first signal asks it to stop where that work is kept; a second ends the process
// at once.
#pragma once

#include <signal.h>

#include <atomic>

namespace dnafill::app {

// Where the first signal lets the command stop; it names the line printed on stderr.
enum class stop_point {
  model_step,     // infill, generate: at the model's next step, the record in hand dropped
  whole_item,     // batch: after the item in hand (a region: seconds)
  training_step,  // train: after the step in hand, with a checkpoint and its state saved
};

// Installs the handlers for its life and puts the old ones back. A signal ignored when the process
// started stays ignored (signal_ignored). SIGPIPE is ignored meanwhile: a reader
// that goes away (batch --json | head) makes the write fail (EPIPE), and the command ends it cleanly,
// instead of dying with its run left "running".
class interrupt_guard {
 public:
  explicit interrupt_guard(stop_point where);
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
  struct sigaction old_pipe_ {};
};

// Whether the signal is ignored now, as it was when the program started: then it stays ignored (here
// and in the studio). nohup ignores SIGHUP, so the run outlives its terminal; a shell without job
// control (a script's `dnafill batch ... &`) ignores SIGINT, so a Ctrl-C meant for the script leaves
// the background run alone.
bool signal_ignored(int signal_number);

// Set by the first signal; read by the work's loop.
extern std::atomic<bool> interrupted;

// The exit status of a command its signal stopped, 128 + the signal, as a shell's: 130 (SIGINT),
// 143 (SIGTERM), 129 (SIGHUP).
int interrupted_exit_status();

}  // namespace dnafill::app
