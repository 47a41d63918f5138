// The handlers of app/interrupt.h. A signal handler may only call what is async-signal-safe: it write()s
// fixed strings, and a second signal unlink()s the temporary files of outputs being written.
#include "app/interrupt.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <ctime>

#include "bio/output_file.h"

namespace dnafill::app {

std::atomic<bool> interrupted{false};

namespace {

std::atomic<int> interrupting_signal{0};
std::atomic<bool> note_said{false};  // the first handler has written its note
std::atomic<int> stopping_at{0};  // a stop_point
constexpr int stopping_signals[3] = {SIGINT, SIGTERM, SIGHUP};

struct note {
  const char* text;
  std::size_t length;
};
template <std::size_t N>
constexpr note make_note(const char (&text)[N]) { return {text, N - 1}; }
// [stop_point][SIGINT, SIGTERM, SIGHUP]
constexpr note notes[3][3] = {
    {make_note("\ndnafill: stopping at the model's next step (Ctrl-C again to stop now)\n"),
     make_note("\ndnafill: stopping at the model's next step (SIGTERM again to stop now)\n"),
     make_note("\ndnafill: stopping at the model's next step (SIGHUP again to stop now)\n")},
    {make_note("\ndnafill: finishing the item in hand, then stopping (Ctrl-C again to stop now)\n"),
     make_note("\ndnafill: finishing the item in hand, then stopping (SIGTERM again to stop now)\n"),
     make_note("\ndnafill: finishing the item in hand, then stopping (SIGHUP again to stop now)\n")},
    {make_note("\ndnafill: saving a checkpoint after this step, then stopping (Ctrl-C again to stop now)\n"),
     make_note("\ndnafill: saving a checkpoint after this step, then stopping (SIGTERM again to stop now)\n"),
     make_note("\ndnafill: saving a checkpoint after this step, then stopping (SIGHUP again to stop now)\n")}};

// A second signal (Ctrl-C again, or a SIGTERM after a Ctrl-C) ends the process at once: a store is
// transactional and a checkpoint is renamed into place whole, so nothing already kept is lost; the
// temporary files of outputs written as the run goes (batch --out) are removed first, so the file there
// before stays as it was and nothing is left beside it. The second signal ends the process by its
// default action, as it would a program without a handler (exit 128 + the signal).
// Two signals sent back to back can reach two threads (torch's workers do not block them) at once:
// the second waits (up to a second) for the first to have said its note, so it is said once, never not
// at all. errno is the interrupted code's, kept as it was.
extern "C" void on_interrupt(int signal_number) {
  const int saved_errno = errno;
  if (interrupted.exchange(true)) {
    const struct timespec millisecond {0, 1000000};
    for (int i = 0; i < 1000 && !note_said.load(); ++i) nanosleep(&millisecond, nullptr);
    bio::remove_temporary_files_now();
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    sigaction(signal_number, &defaults, nullptr);
    raise(signal_number);  // delivered as the handler returns
    return;
  }
  interrupting_signal.store(signal_number);
  const note& n = notes[stopping_at.load()][signal_number == SIGINT ? 0 : signal_number == SIGTERM ? 1 : 2];
  ssize_t ignored = write(STDERR_FILENO, n.text, n.length);
  (void)ignored;
  note_said.store(true);
  errno = saved_errno;
}

}  // namespace

interrupt_guard::interrupt_guard(stop_point where) {
  stopping_at.store(static_cast<int>(where));
  interrupted.store(false);
  interrupting_signal.store(0);
  note_said.store(false);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);  // the other two wait while the handler runs on this thread
  for (int signal_number : stopping_signals) sigaddset(&action.sa_mask, signal_number);
  struct sigaction* old[3] = {&old_int_, &old_term_, &old_hup_};
  for (int i = 0; i < 3; ++i)  // not one ignored at the start (signal_ignored)
    sigaction(stopping_signals[i], signal_ignored(stopping_signals[i]) ? nullptr : &action, old[i]);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe_);
}

interrupt_guard::~interrupt_guard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGHUP, &old_hup_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

bool signal_ignored(int signal_number) {
  struct sigaction current {};
  return sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

int interrupted_exit_status() {
  const int signal_number = interrupting_signal.load();
  return 128 + (signal_number != 0 ? signal_number : SIGINT);
}

}  // namespace dnafill::app
