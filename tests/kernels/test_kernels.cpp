// The CPU references of the fused kernels, pinned by hand-computed cases. Always run (no GPU needed).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/categorical.cuh"
#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"

using namespace dnafill::kernels;

namespace {

int draw(std::vector<float> logits, double u, categorical_params p = {}, std::uint8_t allowed = 0xF,
         const std::vector<float>* uncond = nullptr) {
  std::int64_t out = 99;
  sample_bases_cpu(logits.data(), uncond ? uncond->data() : nullptr, &allowed, &u, 1, p, &out);
  return static_cast<int>(out);
}

const float inf = std::numeric_limits<float>::infinity();
const float not_a_number = std::numeric_limits<float>::quiet_NaN();

}  // namespace

TEST_CASE("categorical: uniform logits split the unit interval into four equal quarters", "[kernel]") {
  CHECK(draw({0, 0, 0, 0}, 0.0) == 0);
  CHECK(draw({0, 0, 0, 0}, 0.2499) == 0);
  CHECK(draw({0, 0, 0, 0}, 0.25) == 1);
  CHECK(draw({0, 0, 0, 0}, 0.7) == 2);
  CHECK(draw({0, 0, 0, 0}, 0.999999) == 3);
}

TEST_CASE("categorical: float64 resolves probabilities that float32 would round away", "[kernel]") {
  // p(T) = e^-30 / (1 + e^-30) ~ 9.4e-14: a float32 CDF would never reach base 3, float64 does.
  const double p_t = std::exp(-30.0) / (1.0 + std::exp(-30.0));
  CHECK(draw({0, -inf, -inf, -30}, 1.0 - 0.5 * p_t) == 3);
  CHECK(draw({0, -inf, -inf, -30}, 1.0 - 2.0 * p_t) == 0);
}

TEST_CASE("categorical: temperature, guidance, the constraint mask and top-p", "[kernel]") {
  // logits ln[4, 2, 1, 1] -> p = [.5, .25, .125, .125]
  const std::vector<float> l = {std::log(4.0f), std::log(2.0f), 0, 0};
  CHECK(draw(l, 0.49) == 0);
  CHECK(draw(l, 0.51) == 1);
  categorical_params hot;
  hot.temperature = 1e6;  // nearly uniform
  CHECK(draw(l, 0.51, hot) == 2);
  CHECK(draw(l, 0.76, hot) == 3);
  // Only C and T allowed: p = [0, 2/3, 0, 1/3].
  CHECK(draw(l, 0.6, {}, 0b1010) == 1);
  CHECK(draw(l, 0.7, {}, 0b1010) == 3);
  CHECK(draw(l, 0.5, {}, 0) == -1);  // dead end: nothing allowed
  // top-p 0.6 keeps A (.5) and C (.25): renormalised [2/3, 1/3].
  categorical_params nucleus;
  nucleus.top_p = 0.6;
  CHECK(draw(l, 0.66, nucleus) == 0);
  CHECK(draw(l, 0.67, nucleus) == 1);
  CHECK(draw(l, 0.99, nucleus) == 1);
  // Guidance w = 1: 2 cond - uncond; cond favours G by ln 2 over an unconditional that favours A.
  const std::vector<float> cond = {0, 0, std::log(2.0f), 0}, uncond = {std::log(2.0f), 0, 0, 0};
  categorical_params guided;
  guided.guidance = 1.0;  // -> logits [-ln2, 0, 2 ln2, 0]: p = [0.5, 1, 4, 1] / 6.5
  CHECK(draw(cond, 0.5 / 6.5 - 1e-9, guided, 0xF, &uncond) == 0);
  CHECK(draw(cond, 1.5 / 6.5 + 1e-9, guided, 0xF, &uncond) == 2);
  CHECK(draw(cond, 5.5 / 6.5 + 1e-9, guided, 0xF, &uncond) == 3);
}

TEST_CASE("categorical: NaN counts as impossible, +inf takes all the mass", "[kernel]") {
  CHECK(draw({not_a_number, 0, not_a_number, not_a_number}, 0.9) == 1);
  CHECK(draw({not_a_number, not_a_number, not_a_number, not_a_number}, 0.5) == -1);
  CHECK(draw({0, inf, 0, inf}, 0.4) == 1);
  CHECK(draw({0, inf, 0, inf}, 0.6) == 3);
}

TEST_CASE("reveal: top-k by priority, ties to the lower position, only masked free candidates", "[kernel]") {
  const std::int64_t M = mask_token;
  std::vector<std::int64_t> tokens = {M, M, 2, M, M, /* row 2 */ M, M, M, M, M};
  const std::vector<std::int64_t> proposal = {0, 1, 3, 2, -1, /* */ 3, 3, 3, 3, 3};
  const std::vector<std::uint8_t> is_free = {1, 1, 1, 1, 1, /* */ 1, 1, 0, 1, 1};
  const std::vector<double> priority = {0.5, 0.9, 1.0, 0.5, 0.99, /* */ 0.1, 0.2, 0.9, 0.3, 0.4};
  const std::vector<std::int32_t> k = {2, -1};
  const std::vector<double> threshold = {0, 0.25};
  std::vector<std::int32_t> committed(2);
  commit_reveals_cpu(tokens.data(), proposal.data(), is_free.data(), priority.data(), k.data(), threshold.data(), 2, 5,
                     committed.data());
  // Row 1: candidates 0 (.5), 1 (.9), 3 (.5); position 2 is fixed, 4 has no base. Top 2: 1, then 0 (tie with 3).
  CHECK(tokens == std::vector<std::int64_t>{0, 1, 2, M, M, /* row 2: below 0.25 and free */ 3, 3, M, M, M});
  CHECK(committed == std::vector<std::int32_t>{2, 2});
}

TEST_CASE("masked cross-entropy: hand-made forward and its gradient", "[kernel]") {
  // The objective test's case: targets A (p = 2/5) and G (p = 1/2), the middle position visible.
  const float l2 = std::log(2.0f), l3 = std::log(3.0f);
  const std::vector<float> logits = {l2, 0, 0, 0, -9, 9, -9, -9, 0, 0, l3, 0};
  const std::vector<std::int64_t> targets = {0, 3, 2};
  const std::vector<std::uint8_t> is_target = {1, 0, 1};
  const double weight = 2.0;
  double loss = 0;
  masked_ce_forward_cpu(logits.data(), targets.data(), is_target.data(), &weight, 1, 3, &loss);
  CHECK(loss == Approx(2 * std::log(5.0)).epsilon(1e-6));
  std::vector<float> grad(12, 7.0f);
  const double upstream = 0.5;
  masked_ce_backward_cpu(logits.data(), targets.data(), is_target.data(), &weight, &upstream, 1, 3, grad.data());
  // d/dlogits = 0.5 * 2 * (softmax - onehot): position 0 softmax [.4 .2 .2 .2] - [1 0 0 0].
  CHECK(grad[0] == Approx(-0.6).epsilon(1e-6));
  CHECK(grad[1] == Approx(0.2).epsilon(1e-6));
  for (int b = 4; b < 8; ++b) CHECK(grad[b] == 0.0f);  // not a target
  CHECK(grad[10] == Approx(0.5 - 1.0).epsilon(1e-6));
  CHECK(grad[8] == Approx(1.0 / 6.0).epsilon(1e-6));
}

TEST_CASE("masked cross-entropy: the gradient is the derivative of the forward", "[kernel]") {
  std::vector<float> logits = {0.3f, -1.2f, 2.0f, 0.1f, 1.0f, 1.0f, -0.5f, 0.2f};
  const std::vector<std::int64_t> targets = {2, 0};
  const std::vector<std::uint8_t> is_target = {1, 1};
  const double weight = 1.7, upstream = 1.0;
  std::vector<float> grad(8);
  masked_ce_backward_cpu(logits.data(), targets.data(), is_target.data(), &weight, &upstream, 1, 2, grad.data());
  for (int i = 0; i < 8; ++i) {
    auto at = [&](float delta) {
      auto l = logits;
      l[i] += delta;
      double loss;
      masked_ce_forward_cpu(l.data(), targets.data(), is_target.data(), &weight, 1, 2, &loss);
      return loss;
    };
    const float h = 1e-3f;
    CHECK(grad[i] == Approx((at(h) - at(-h)) / (2 * h)).margin(1e-3));
  }
}
