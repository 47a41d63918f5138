// bench_sequence_view: what the studio's sequence view costs on the GUI thread when a record is shown:
// its per-block counts (bases, GC, case, differences, confidence) are built at each setSequence,
// setReference and setConfidence, over the whole record, while the window waits.
//
// usage: bench_sequence_view [BASES]    (default 250,000,000: a large human chromosome)
#include <QApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "ui/sequence_view.h"

namespace {

template <typename F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void report(const char* what, double s, long long n) {
  std::printf("%-34s %8.3f s  %6.2f ns/base\n", what, s, 1e9 * s / static_cast<double>(n));
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  long long n = 250000000;
  if (argc > 2 || (argc == 2 && (n = std::atoll(argv[1])) < 1)) {
    std::fprintf(stderr, "usage: bench_sequence_view [BASES]  (a whole number >= 1)\n");
    return 2;
  }
  int qt_argc = 1;
  QApplication app(qt_argc, argv);
  // Varied bases: upper and lower case, a few N, as a soft-masked genome reads.
  std::string bases(static_cast<std::size_t>(n), 'A');
  for (long long i = 0; i < n; ++i) bases[static_cast<std::size_t>(i)] = "ACGTacgtACGTN"[(i * 7919 + i / 997) % 13];
  std::string reference[2] = {bases, bases};  // variants shown in turn (an equal one is not recounted)
  for (long long i = 0; i < n; i += 101) reference[0][static_cast<std::size_t>(i)] = 'N';
  for (long long i = 0; i < n; i += 103) reference[1][static_cast<std::size_t>(i)] = 'N';
  const std::vector<double> confidence(static_cast<std::size_t>(n), 0.5);

  // Each call five times, the median shown: the first touch of fresh memory varies from run to run.
  dnafill::ui::SequenceView view;
  std::vector<double> set_sequence, set_reference, set_confidence;
  for (int r = 0; r < 5; ++r) {
    set_sequence.push_back(seconds([&] { view.setSequence(bases); }));
    set_reference.push_back(seconds([&] { view.setReference(reference[r % 2]); }));
    auto track = confidence;  // copied outside the timing
    set_confidence.push_back(seconds([&] { view.setConfidence(std::move(track)); }));
  }
  std::printf("%lld bases, the median of 5 calls\n", n);
  report("setSequence", median(set_sequence), n);
  report("setReference (a variant shown)", median(set_reference), n);
  report("setConfidence (a track arrives)", median(set_confidence), n);
  std::printf("differences %lld\n", static_cast<long long>(view.differenceCount()));
  return 0;
}
