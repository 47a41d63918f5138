// The order-k Markov baseline of the model cards: trained on the first part of each record of a FASTA
// file, scored on held-out sequences, add-1/2 smoothing. Prints bits/base; not a test.
//   markov_baseline --train chrX.fa.gz --heldout windows.fa [--order 11] [--train-fraction 0.9]
// Without --heldout it scores the held-out tail (the rest of each training record) itself.
// Contexts shorter than k (the first bases of a sequence, or after an N) back off to the longest
// N-free context available, so every real base is scored, as the MDM scores every real base.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_cli.h"
#include "bio/fasta.h"
#include "core/tokens.h"

using namespace dnafill;

namespace {

struct markov_model {
  int order = 11;
  std::vector<std::vector<std::uint32_t>> counts;  // counts[j][context * 4 + base], context of j bases

  explicit markov_model(int k) : order(k) {
    for (int j = 0; j <= k; ++j) counts.emplace_back(std::size_t{4} << (2 * j), 0);
  }

  // Calls f(j, context, base) for every real base with its N-free context of length j = min(k, run).
  template <typename F>
  void walk(const std::vector<core::token>& t, std::size_t begin, std::size_t end, F f) const {
    std::uint64_t context = 0;
    int run = 0;  // real bases just before i
    for (std::size_t i = begin; i < end; ++i) {
      if (!core::is_base(t[i])) {
        run = 0;
        continue;
      }
      const int j = std::min(run, order);
      f(j, context & ((std::uint64_t{1} << (2 * j)) - 1), t[i]);
      context = ((context << 2) | t[i]) & ((std::uint64_t{1} << (2 * order)) - 1);
      ++run;
    }
  }
};

// Adds the counts of every order at once: the k-mer context of order j is the low 2j bits.
void count_all_orders(markov_model& m, const std::vector<core::token>& t, std::size_t begin, std::size_t end) {
  m.walk(t, begin, end, [&](int j, std::uint64_t context, core::token base) {
    for (int i = 0; i <= j; ++i) m.counts[i][((context & ((std::uint64_t{1} << (2 * i)) - 1)) << 2) | base]++;
  });
}

double score_bits(const markov_model& m, const std::vector<core::token>& t, std::size_t begin, std::size_t end,
                  std::int64_t& bases) {
  double bits = 0;
  m.walk(t, begin, end, [&](int j, std::uint64_t context, core::token base) {
    const auto* row = &m.counts[j][context << 2];
    const double total = double(row[0]) + row[1] + row[2] + row[3];
    bits -= std::log2((row[base] + 0.5) / (total + 2.0));
    ++bases;
  });
  return bits;
}

bool read_all(const std::string& path, std::vector<std::vector<core::token>>& out) {
  auto s = bio::for_each_record(path, [&](bio::sequence_record& r) { out.push_back(core::encode(r.bases)); });
  if (!s) std::fprintf(stderr, "markov_baseline: %s\n", s.message().c_str());
  return s.ok();
}

}  // namespace

int main(int argc, char** argv) {
  const char* program = "markov_baseline";
  bench::exit_on_help(argc, argv,
                      "usage: markov_baseline --train FILE [--heldout FILE] [--order K (0..13, default 11)]\n"
                      "                       [--train-fraction F (in (0, 1], default 0.9)]\n"
                      "Without --heldout, the rest of each training record is scored.\n");
  std::string train_path, heldout_path;
  int order = 11;
  double fraction = 0.9;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i], value = bench::value_of(argc, argv, i, program);
    if (flag == "--train") train_path = value;
    else if (flag == "--heldout") heldout_path = value;
    else if (flag == "--order") order = static_cast<int>(bench::whole_number(program, flag, value, 0, 13));
    else if (flag == "--train-fraction") fraction = bench::real_number(program, flag, value, 0, 1, false);
    else bench::refuse_option(program, flag, "unknown option");
  }
  if (train_path.empty()) bench::refuse_option(program, "--train", "is required");
  std::vector<std::vector<core::token>> train, heldout;
  if (!read_all(train_path, train) || (!heldout_path.empty() && !read_all(heldout_path, heldout))) return 1;
  markov_model m(order);
  std::int64_t trained = 0;
  for (const auto& t : train) {
    const auto end = static_cast<std::size_t>(t.size() * fraction);
    count_all_orders(m, t, 0, end);
    for (std::size_t i = 0; i < end; ++i) trained += core::is_base(t[i]);
  }
  double bits = 0;
  std::int64_t bases = 0;
  if (heldout_path.empty())
    for (const auto& t : train) bits += score_bits(m, t, static_cast<std::size_t>(t.size() * fraction), t.size(), bases);
  else
    for (const auto& t : heldout) bits += score_bits(m, t, 0, t.size(), bases);
  // Over nothing, 0 bits/base would read as a perfect model.
  if (trained == 0 || bases == 0) {
    std::fprintf(stderr, "markov_baseline: %s: no base (A, C, G or T) to %s\n",
                 trained == 0 ? train_path.c_str() : heldout_path.empty() ? train_path.c_str() : heldout_path.c_str(),
                 trained == 0 ? "train on in the first part of its records (--train-fraction)"
                 : heldout_path.empty() ? "score after the trained part of its records (--train-fraction 1 leaves none)"
                                        : "score");
    return 1;
  }
  std::printf("order-%d Markov (add-1/2, trained on %lld bases, the first %.0f%% of %s): %.4f bits/base over %lld held-out bases%s%s\n",
              order, static_cast<long long>(trained), 100 * fraction, train_path.c_str(), bits / static_cast<double>(bases),
              static_cast<long long>(bases), heldout_path.empty() ? "" : " of ", heldout_path.c_str());
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "markov_baseline: standard output: cannot write: %s\n", std::strerror(errno ? errno : EIO));
    return 1;
  }
  return 0;
}
