// The handlers of app/interrupt.h. A signal handler may only write(): its lines are fixed strings.
#include "app/interrupt.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <ctime>

namespace dnafill::app {

std::atomic<bool> interrupted{false};

namespace {

std::atomic<int> interrupting_signal{0};
std::atomic<bool> note_said{false};  // the first handler has written its note
std::atomic<int> stopping_at{0};  // a stop_point
// Which of SIGINT, SIGTERM, SIGHUP the guard handles: not one ignored at the start (signal_ignored).
std::atomic<bool> handled[3] = {false, false, false};
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

// After the first signal the handler steps aside, for all three, so a second one (Ctrl-C, then a
// SIGTERM too) ends the process at once: a store is transactional and a checkpoint is renamed into
// place whole, so nothing already kept is lost. errno is the interrupted code's, kept as it was.
// Two signals sent back to back can reach two threads (torch's workers do not block them) before the
// first handler has stepped aside: the second then ends the process itself, and the note is said once.
// It waits (up to a second) for the first to have said it: ended at once, the process said nothing.
extern "C" void on_interrupt(int signal_number) {
  const int saved_errno = errno;
  if (interrupted.exchange(true)) {
    const struct timespec millisecond {0, 1000000};
    for (int i = 0; i < 1000 && !note_said.load(); ++i) nanosleep(&millisecond, nullptr);
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    sigaction(signal_number, &defaults, nullptr);
    raise(signal_number);
    return;
  }
  interrupting_signal.store(signal_number);
  const note& n = notes[stopping_at.load()][signal_number == SIGINT ? 0 : signal_number == SIGTERM ? 1 : 2];
  ssize_t ignored = write(STDERR_FILENO, n.text, n.length);
  (void)ignored;
  note_said.store(true);
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (int i = 0; i < 3; ++i)
    if (handled[i].load()) sigaction(stopping_signals[i], &defaults, nullptr);
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
  for (int i = 0; i < 3; ++i) {
    handled[i].store(!signal_ignored(stopping_signals[i]));
    sigaction(stopping_signals[i], handled[i].load() ? &action : nullptr, old[i]);
  }
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
