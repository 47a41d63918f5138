// The order-k Markov baseline of the model cards: trained on the first part of each record of a FASTA
// file, scored on held-out sequences, add-1/2 smoothing. Prints bits/base; not a test.
//   markov_baseline --train chrX.fa.gz --heldout windows.fa [--order 11] [--train-fraction 0.9]
// Without --heldout it scores the held-out tail (the rest of each training record) itself.
// Contexts shorter than k (the first bases of a sequence, or after an N) back off to the longest
// N-free context available, so every real base is scored, as the MDM scores every real base.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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
  std::string train_path, heldout_path;
  int order = 11;
  double fraction = 0.9;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--train") train_path = argv[i + 1];
    else if (flag == "--heldout") heldout_path = argv[i + 1];
    else if (flag == "--order") order = std::atoi(argv[i + 1]);
    else if (flag == "--train-fraction") fraction = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "markov_baseline: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (train_path.empty() || order < 0 || order > 13 || !(fraction > 0 && fraction <= 1)) {
    std::fprintf(stderr, "markov_baseline: --train FILE is required; --order in 0..13; --train-fraction in (0, 1]\n");
    return 2;
  }
  std::vector<std::vector<core::token>> train, heldout;
  if (!read_all(train_path, train) || (!heldout_path.empty() && !read_all(heldout_path, heldout))) return 1;
  markov_model m(order);
  for (const auto& t : train) count_all_orders(m, t, 0, static_cast<std::size_t>(t.size() * fraction));
  double bits = 0;
  std::int64_t bases = 0;
  if (heldout_path.empty())
    for (const auto& t : train) bits += score_bits(m, t, static_cast<std::size_t>(t.size() * fraction), t.size(), bases);
  else
    for (const auto& t : heldout) bits += score_bits(m, t, 0, t.size(), bases);
  std::printf("order-%d Markov (add-1/2, trained on the first %.0f%% of %s): %.4f bits/base over %lld held-out bases%s%s\n",
              order, 100 * fraction, train_path.c_str(), bits / std::max<std::int64_t>(1, bases),
              static_cast<long long>(bases), heldout_path.empty() ? "" : " of ", heldout_path.c_str());
  return 0;
}
