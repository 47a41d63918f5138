// The forward process: masking rates, stratification, weights, unknown bases never targets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/masking.h"

using namespace dnafill::core;

namespace {

std::vector<token> random_tokens(int n, std::mt19937_64& rng) {
  std::vector<token> t(n);
  for (auto& x : t) x = static_cast<token>(rng() % 4);
  return t;
}

int targets_in_row(const masked_batch& m, int b) {
  return std::accumulate(m.is_target.begin() + b * m.length, m.is_target.begin() + (b + 1) * m.length, 0);
}

}  // namespace

TEST_CASE("stratified uniforms put one draw in each stratum of width 1/B, each from its own uniform", "[masking]") {
  // (b + u_b) / B, MDLM's low-discrepancy draw: 0.3/4, 1.9/4, 2/4, 3.5/4.
  const auto v = stratified_uniforms({0.3, 0.9, 0.0, 0.5});
  REQUIRE(v.size() == 4);
  CHECK(v[0] == Approx(0.075));
  CHECK(v[1] == Approx(0.475));
  CHECK(v[2] == Approx(0.5));
  CHECK(v[3] == Approx(0.875));
}

TEST_CASE("a batch's strata are drawn independently, not from one shared offset", "[masking]") {
  // With one u for the batch, t_1 - t_0 was 1/2 in every batch of two rows.
  std::mt19937_64 rng(5);
  const auto tokens = random_tokens(2 * 100, rng);
  int apart_by_half = 0;
  for (int draw = 0; draw < 50; ++draw) {
    const auto m = mask_batch(tokens, 2, 100, objective_kind::continuous, rng);
    CHECK(m.mask_rate[0] < 0.5);
    CHECK(m.mask_rate[1] >= 0.5);
    apart_by_half += std::abs(m.mask_rate[1] - m.mask_rate[0] - 0.5) < 1e-9;
  }
  CHECK(apart_by_half == 0);
}

TEST_CASE("continuous form masks each real base with probability t and weighs by 1/t", "[masking]") {
  std::mt19937_64 rng(7);
  const int batch = 16, length = 4000;
  const auto tokens = random_tokens(batch * length, rng);
  const auto m = mask_batch(tokens, batch, length, objective_kind::continuous, rng);
  std::vector<int> strata(batch, 0);
  for (int b = 0; b < batch; ++b) {
    const double t = m.mask_rate[b];
    CHECK(m.weight[b] == Approx(1.0 / t));
    const double rate = static_cast<double>(targets_in_row(m, b)) / length;
    // Binomial(L, t): 5 standard deviations
    CHECK(std::abs(rate - t) <= 5 * std::sqrt(t * (1 - t) / length) + 1e-9);
    strata[std::min(batch - 1, static_cast<int>(t * batch))]++;
  }
  for (int s : strata) CHECK(s == 1);  // stratified: exactly one t per stratum
}

// MDLM clamps t below: with 2,000 rows the lowest stratum's t is under 1/2000, taken up to 1e-3, and
// its weight is 1/1e-3 = 1000 (the same t masks and weighs, so the two stay consistent).
TEST_CASE("continuous form: t below 1e-3 is taken as 1e-3, weight 1000", "[masking]") {
  std::mt19937_64 rng(3);
  const int batch = 2000, length = 8;
  const auto tokens = random_tokens(batch * length, rng);
  const auto m = mask_batch(tokens, batch, length, objective_kind::continuous, rng);
  const auto lowest = std::min_element(m.mask_rate.begin(), m.mask_rate.end()) - m.mask_rate.begin();
  CHECK(m.mask_rate[lowest] == min_mask_time);
  CHECK(m.weight[lowest] == Approx(1000.0).epsilon(1e-12));
  int clamped = 0;
  for (int b = 0; b < batch; ++b) clamped += m.mask_rate[b] == min_mask_time;
  CHECK(clamped == 2);  // [0, 1e-3) is two strata of width 1/2000, one draw in each
}

TEST_CASE("masked positions become MASK, the others are carried over", "[masking]") {
  std::mt19937_64 rng(3);
  const auto tokens = random_tokens(2 * 50, rng);
  const auto m = mask_batch(tokens, 2, 50, objective_kind::continuous, rng);
  for (std::size_t i = 0; i < tokens.size(); ++i)
    CHECK(m.input[i] == (m.is_target[i] ? mask_token : tokens[i]));
}

TEST_CASE("count form masks exactly n of the R real bases and weighs by R/n", "[masking]") {
  std::mt19937_64 rng(11);
  const int batch = 8, length = 10;
  auto tokens = random_tokens(batch * length, rng);
  for (int b = 0; b < batch; ++b) tokens[b * length + 3] = mask_token;  // an N in every row: R = 9
  const auto m = mask_batch(tokens, batch, length, objective_kind::count, rng);
  std::vector<int> seen;
  for (int b = 0; b < batch; ++b) {
    CHECK(m.real_bases[b] == 9);
    const int n = targets_in_row(m, b);
    CHECK(n >= 1);
    CHECK(n <= 9);
    CHECK(m.weight[b] == Approx(9.0 / n));
    CHECK(m.is_target[b * length + 3] == 0);  // unknown bases are never targets
    seen.push_back(n);
  }
  // Stratified: the 8 values of n come from 8 different strata of {1..9}, so at least 7 distinct.
  std::sort(seen.begin(), seen.end());
  CHECK(std::unique(seen.begin(), seen.end()) - seen.begin() >= 7);
}

TEST_CASE("count form: with as many rows as real bases, each n in 1..R comes up exactly once", "[masking]") {
  // v_b = (b + u_b)/B puts one row in each stratum [k/R, (k+1)/R) when B = R, and n = 1 + floor(v R)
  // turns stratum k into n = k + 1: all of 1..R, the whole hole (n = R) included, and never 0.
  for (std::uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 rng(seed);
    const int batch = 9, length = 10;
    auto tokens = random_tokens(batch * length, rng);
    for (int b = 0; b < batch; ++b) tokens[b * length + 3] = mask_token;  // R = 9
    const auto m = mask_batch(tokens, batch, length, objective_kind::count, rng);
    std::vector<int> seen;
    for (int b = 0; b < batch; ++b) seen.push_back(targets_in_row(m, b));
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
}

TEST_CASE("a row of only unknown bases has no targets and weight 0", "[masking]") {
  std::mt19937_64 rng(1);
  const std::vector<token> tokens(12, mask_token);
  for (auto kind : {objective_kind::continuous, objective_kind::count}) {
    const auto m = mask_batch(tokens, 2, 6, kind, rng);
    CHECK(m.weight == std::vector<double>{0.0, 0.0});
    CHECK(std::accumulate(m.is_target.begin(), m.is_target.end(), 0) == 0);
  }
}

TEST_CASE("the same seed gives the same masks", "[masking]") {
  std::mt19937_64 a(derive_seed(5, 9)), b(derive_seed(5, 9)), data(1);
  const auto tokens = random_tokens(4 * 64, data);
  CHECK(mask_batch(tokens, 4, 64, objective_kind::count, a).input ==
        mask_batch(tokens, 4, 64, objective_kind::count, b).input);
  CHECK(derive_seed(5, 9) != derive_seed(5, 10));
}
