// Toy denoisers whose conditionals are known exactly, and the chi-square machinery to test samplers
// against them: shared by the sampler tests on the CPU and on the GPU. Their logits are tensor ops on
// the device they are built for (no host reads), so the GPU sampler's steps can be captured as a
// CUDA graph with them inside.
#pragma once

#include "tests/core/catch_torch.h"

#include <array>
#include <cmath>
#include <vector>

#include "core/sampling.h"

namespace dnafill::test {

using probs4 = std::array<double, 4>;

// Context-free: the same distribution at every position whatever the input (so ancestral sampling is
// exact for any T). Counts its calls (made by the host: a replayed CUDA graph does not count).
struct fixed_denoiser : core::denoiser {
  explicit fixed_denoiser(probs4 p, torch::Device on = torch::kCPU)
      : p(p), where(on), log_p(torch::log(torch::tensor({p[0], p[1], p[2], p[3]}, torch::kFloat64)).to(on, torch::kFloat32)) {}
  torch::Tensor logits(const torch::Tensor& tokens) override {
    ++calls;
    return log_p.view({1, 1, 4}).expand({tokens.size(0), tokens.size(1), 4}).clone();
  }
  torch::Device device() const override { return where; }
  probs4 p;
  torch::Device where;
  torch::Tensor log_p;
  int calls = 0;
};

// A first-order Markov chain started in its stationary distribution, as an MDM: the exact conditional
// of a masked base given the nearest visible bases, at distances a (left) and b (right), is
// proportional to P^a[left][x] * P^b[x][right] (pi[x] when nothing is visible on the left).
struct markov_denoiser : core::denoiser {
  explicit markov_denoiser(torch::Device on = torch::kCPU) : where(on) {
    const double p[4][4] = {{.5, .2, .2, .1}, {.2, .4, .2, .2}, {.1, .3, .4, .2}, {.3, .1, .2, .4}};
    power.push_back({});
    for (int i = 0; i < 4; ++i) power[0][i][i] = 1.0;
    for (int n = 1; n < 64; ++n) {
      matrix m{};
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
          for (int k = 0; k < 4; ++k) m[i][j] += power[n - 1][i][k] * p[k][j];
      power.push_back(m);
    }
    for (int j = 0; j < 4; ++j) pi[j] = power[63][0][j];  // rows of P^63 have converged to pi
    powers = torch::empty({64, 4, 4}, torch::kFloat64);
    for (int n = 0; n < 64; ++n)
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) powers[n][i][j] = power[n][i][j];
    powers = powers.to(on);
    stationary = torch::tensor({pi[0], pi[1], pi[2], pi[3]}, torch::kFloat64).to(on);
  }
  // Position by position, the nearest visible base on each side is found with masks over the row
  // (O(L^2) small ops: the toys' rows are short).
  torch::Tensor logits(const torch::Tensor& tokens) override {
    ++calls;
    const auto rows = tokens.size(0), length = tokens.size(1);
    const auto visible = tokens < 4;
    const auto base = tokens.clamp_max(3);
    std::vector<torch::Tensor> columns;
    for (std::int64_t i = 0; i < length; ++i) {
      auto left = stationary.view({1, 4}).expand({rows, 4});
      auto found = torch::zeros({rows, 1}, visible.options());
      for (auto j = i - 1; j >= 0; --j) {
        auto take = visible.select(1, j).unsqueeze(1) & ~found;
        left = torch::where(take, powers[i - j].index_select(0, base.select(1, j)), left);  // P^(i-j)[t_j][x]
        found = found | take;
      }
      auto right = torch::ones({rows, 4}, stationary.options());
      found = torch::zeros({rows, 1}, visible.options());
      for (auto j = i + 1; j < length; ++j) {
        auto take = visible.select(1, j).unsqueeze(1) & ~found;
        right = torch::where(take, powers[j - i].index_select(1, base.select(1, j)).t(), right);  // P^(j-i)[x][t_j]
        found = found | take;
      }
      columns.push_back(torch::log(left * right));
    }
    return torch::stack(columns, 1).to(torch::kFloat32);
  }
  torch::Device device() const override { return where; }
  double joint(const std::vector<int>& x) const {
    double p = pi[x[0]];
    for (std::size_t i = 1; i < x.size(); ++i) p *= power[1][x[i - 1]][x[i]];
    return p;
  }
  using matrix = std::array<std::array<double, 4>, 4>;
  torch::Device where;
  std::vector<matrix> power;
  probs4 pi{};
  torch::Tensor powers, stationary;  // P^n (64, 4, 4) and pi (4), float64 on `where`
  int calls = 0;
};

// Rows of `rows` x `length` tokens, each a copy of `pattern` (4 = MASK).
inline torch::Tensor rows_of(const std::vector<std::int64_t>& pattern, std::int64_t rows) {
  return torch::tensor(pattern, torch::kInt64).view({1, -1}).expand({rows, -1}).contiguous();
}

inline torch::Tensor free_where(const std::vector<int>& flags, std::int64_t rows) {
  return torch::tensor(std::vector<std::int64_t>(flags.begin(), flags.end()), torch::kInt64)
      .to(torch::kBool)
      .view({1, -1})
      .expand({rows, -1})
      .contiguous();
}

// Counts of the joint outcomes over `positions` (base-4 number).
inline std::vector<double> joint_counts(const torch::Tensor& tokens, const std::vector<int>& positions) {
  std::vector<double> counts(std::size_t{1} << (2 * positions.size()), 0.0);
  auto t = tokens.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < tokens.size(0); ++b) {
    std::size_t cell = 0;
    for (int pos : positions) cell = cell * 4 + static_cast<std::size_t>(t[b][pos]);
    counts[cell] += 1;
  }
  return counts;
}

// The 64 probabilities of three bases (outcome c = 16 x0 + 4 x1 + x2) under the chain's joint, and
// under independent draws from `p` (the chain's marginal pi, or a fixed distribution).
inline std::vector<double> joint_of_three(const markov_denoiser& chain) {
  std::vector<double> probs;
  for (int c = 0; c < 64; ++c) probs.push_back(chain.joint({c / 16, c / 4 % 4, c % 4}));
  return probs;
}

inline std::vector<double> independent_three(const probs4& p) {
  std::vector<double> probs;
  for (int c = 0; c < 64; ++c) probs.push_back(p[c / 16] * p[c / 4 % 4] * p[c % 4]);
  return probs;
}

// The joint of the two middle bases of (left, x, y, right) under the chain, outcome 4 x + y.
inline std::vector<double> joint_between(const markov_denoiser& chain, int left, int right) {
  std::vector<double> expected;
  double z = 0;
  for (int c = 0; c < 16; ++c) z += expected.emplace_back(chain.joint({left, c / 4, c % 4, right}));
  for (auto& e : expected) e /= z;
  return expected;
}

inline double chi_square(const std::vector<double>& counts, const std::vector<double>& probs) {
  double n = 0, stat = 0;
  for (double c : counts) n += c;
  for (std::size_t i = 0; i < counts.size(); ++i) stat += std::pow(counts[i] - n * probs[i], 2) / (n * probs[i]);
  return stat;
}

// The 1 - 1e-4 quantile of chi-square with `df` degrees of freedom (Wilson-Hilferty): a correct
// sampler fails with probability 1e-4, and the seeds are fixed, so the tests do not flake.
inline double chi_square_critical(int df) {
  const double z = 3.719, a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3);
}

inline core::sampler_params params_of(core::sampler_kind kind, int steps = 16, std::uint64_t seed = 7) {
  core::sampler_params p;
  p.kind = kind;
  p.steps = steps;
  p.seed = seed;
  return p;
}

}  // namespace dnafill::test
