// The CPU references of the fused kernels, pinned by hand-computed cases. Always run (no GPU needed).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/categorical.cuh"
#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"
#include "kernels/rms_norm.cuh"
#include "kernels/rope.cuh"
#include "kernels/swiglu.cuh"

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
  // Temperature before top-p: p = (.5, .3, .15, .05) at T = 2 is (.379, .294, .208, .120), and top-p
  // 0.75 keeps A, C and G (renormalised: .431, .334, .236). Top-p first would keep A and C only.
  const std::vector<float> l4 = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  categorical_params both;
  both.temperature = 2.0;
  both.top_p = 0.75;
  CHECK(draw(l4, 0.76, both) == 1);
  CHECK(draw(l4, 0.77, both) == 2);
  CHECK(draw(l4, 0.999999, both) == 2);
  // Guidance w = 1: 2 cond - uncond; cond favours G by ln 2 over an unconditional that favours A.
  const std::vector<float> cond = {0, 0, std::log(2.0f), 0}, uncond = {std::log(2.0f), 0, 0, 0};
  categorical_params guided;
  guided.guidance = 1.0;  // -> logits [-ln2, 0, 2 ln2, 0]: p = [0.5, 1, 4, 1] / 6.5
  CHECK(draw(cond, 0.5 / 6.5 - 1e-9, guided, 0xF, &uncond) == 0);
  CHECK(draw(cond, 1.5 / 6.5 + 1e-9, guided, 0xF, &uncond) == 2);
  CHECK(draw(cond, 5.5 / 6.5 + 1e-9, guided, 0xF, &uncond) == 3);
}

TEST_CASE("categorical: the constraint mask restricts the model's distribution before top-p", "[kernel]") {
  // As the host sampler (core/sampling.cpp): p = (.5, .3, .15, .05), top-p 0.7.
  const std::vector<float> l = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  categorical_params nucleus;
  nucleus.top_p = 0.7;
  // C and G allowed: (2/3, 1/3) of the allowed mass, and C alone is below 0.7, so both stay. Top-p
  // first would have kept A and C, then C alone: C always.
  CHECK(draw(l, 0.6, nucleus, 0b0110) == 1);
  CHECK(draw(l, 0.7, nucleus, 0b0110) == 2);
  // G and T allowed: (.75, .25), and G alone reaches 0.7: G always. Top-p first would have cut both,
  // and drawn G and T equally likely, T twice as often as the model's restricted distribution.
  CHECK(draw(l, 0.49, nucleus, 0b1100) == 2);
  CHECK(draw(l, 0.999999, nucleus, 0b1100) == 2);
  // The same when the model itself gives the allowed bases no mass.
  CHECK(draw({0, 0, -inf, -inf}, 0.6, {}, 0b1100) == 3);
  CHECK(draw({0, 0, -inf, -inf}, 0.6, {}, 0) == -1);  // nothing allowed: the caller's dead end
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

namespace {

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

}  // namespace

TEST_CASE("bf16 storage: round to nearest even, NaN kept, exact widening", "[kernel]") {
  CHECK(from_float<bf16_bits>(1.0f).bits == 0x3f80);
  CHECK(from_float<bf16_bits>(1.00390625f).bits == 0x3f80);  // 1 + 2^-8: halfway, to the even 1.0
  CHECK(from_float<bf16_bits>(1.01171875f).bits == 0x3f82);  // 1 + 3 * 2^-8: halfway, to the even 1 + 2^-6
  CHECK(from_float<bf16_bits>(1.0040f).bits == 0x3f81);      // just above halfway: up
  CHECK(from_float<bf16_bits>(-2.0f).bits == 0xc000);
  CHECK(from_float<bf16_bits>(std::numeric_limits<float>::infinity()).bits == 0x7f80);
  CHECK(std::isnan(to_float(from_float<bf16_bits>(not_a_number))));
  CHECK(to_float(bf16_bits{0x3f82}) == 1.015625f);
}

TEST_CASE("rms_norm: hand-made rows in float32 and bf16", "[kernel]") {
  // Row 0: x = (3, 4), mean square 12.5, rstd = 1 / sqrt(12.5); row 1: x = (1, 1), rstd = 1 / sqrt(1 + eps).
  const std::vector<float> x = {3, 4, 1, 1}, weight = {1, 2};
  std::vector<float> y(4), rstd(2);
  rms_norm_forward_cpu(x.data(), weight.data(), 2, 2, 0.0f, dtype::f32, y.data(), rstd.data());
  CHECK(rstd[0] == Approx(1 / std::sqrt(12.5)).epsilon(1e-6));
  CHECK(y[0] == Approx(3 / std::sqrt(12.5)).epsilon(1e-6));
  CHECK(y[1] == Approx(8 / std::sqrt(12.5)).epsilon(1e-6));
  CHECK(y[2] == Approx(1.0).epsilon(1e-6));
  CHECK(y[3] == Approx(2.0).epsilon(1e-6));
  rms_norm_forward_cpu(x.data(), weight.data(), 2, 2, 1.0f, dtype::f32, y.data(), rstd.data());
  CHECK(rstd[1] == Approx(1 / std::sqrt(2.0)).epsilon(1e-6));
  std::vector<bf16_bits> y16(4);
  rms_norm_forward_cpu(x.data(), weight.data(), 2, 2, 1.0f, dtype::bf16, y16.data(), rstd.data());
  for (int i = 0; i < 4; ++i) CHECK(y16[i].bits == from_float<bf16_bits>(y[i]).bits);  // one rounding of the float32 result
}

TEST_CASE("rms_norm: the backward is the derivative of the forward", "[kernel]") {
  // d/dx and d/dweight of sum(c * y) against central differences of a float64 forward.
  const std::int64_t rows = 3, dim = 5;
  const float eps = 1e-5f;
  auto x = random_floats(rows * dim, 1), weight = random_floats(dim, 2), c = random_floats(rows * dim, 3);
  auto objective = [&](const std::vector<double>& xs, const std::vector<double>& ws) {
    double total = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
      double squares = 0;
      for (std::int64_t j = 0; j < dim; ++j) squares += xs[r * dim + j] * xs[r * dim + j];
      const double s = 1 / std::sqrt(squares / dim + eps);
      for (std::int64_t j = 0; j < dim; ++j) total += c[r * dim + j] * xs[r * dim + j] * s * ws[j];
    }
    return total;
  };
  std::vector<float> y(rows * dim), rstd(rows), dx(rows * dim), dweight(dim);
  rms_norm_forward_cpu(x.data(), weight.data(), rows, dim, eps, dtype::f32, y.data(), rstd.data());
  rms_norm_backward_cpu(x.data(), weight.data(), rstd.data(), c.data(), dtype::f32, rows, dim, dx.data(), dweight.data());
  const std::vector<double> xs(x.begin(), x.end()), ws(weight.begin(), weight.end());
  const double h = 1e-6;
  for (std::int64_t i = 0; i < rows * dim; ++i) {
    auto up = xs, down = xs;
    up[i] += h;
    down[i] -= h;
    CHECK(dx[i] == Approx((objective(up, ws) - objective(down, ws)) / (2 * h)).margin(1e-4));
  }
  for (std::int64_t j = 0; j < dim; ++j) {
    auto up = ws, down = ws;
    up[j] += h;
    down[j] -= h;
    CHECK(dweight[j] == Approx((objective(xs, up) - objective(xs, down)) / (2 * h)).margin(1e-4));
  }
}

TEST_CASE("rope: hand-made rotation and the split into heads", "[kernel]") {
  // B = 1, L = 2, H = 2, Dh = 2 (one pair per head). Position 0 does not turn; position 1 turns by 90
  // degrees: (a, b) -> (-b, a).
  const rope_shape shape{1, 2, 2, 2};
  const std::vector<float> cos = {1, 0}, sin = {0, 1};
  // qkv (1, 2, 3, 2, 2): q of head 0 at position 0 = (1, 2), head 1 = (3, 4); k = q + 10; v = q + 20.
  std::vector<float> qkv;
  for (int l = 0; l < 2; ++l)
    for (int part = 0; part < 3; ++part)
      for (int h = 0; h < 2; ++h)
        for (int i = 0; i < 2; ++i) qkv.push_back(static_cast<float>(10 * part + 2 * h + i + 1 + 100 * l));
  std::vector<float> q(8), k(8), v(8);
  rope_forward_cpu(qkv.data(), dtype::f32, cos.data(), sin.data(), shape, q.data(), k.data(), v.data());
  // (B, L, H, Dh): position 0 head 0, position 0 head 1, position 1 head 0, position 1 head 1.
  CHECK(q == std::vector<float>{1, 2, 3, 4, -102, 101, -104, 103});
  CHECK(k == std::vector<float>{11, 12, 13, 14, -112, 111, -114, 113});
  CHECK(v == std::vector<float>{21, 22, 23, 24, 121, 122, 123, 124});  // v is not rotated
}

TEST_CASE("rope: the backward is the transpose of the forward, in float32 and bf16", "[kernel]") {
  // <forward(x), g> = <x, backward(g)> for every x and g: the adjoint of a linear map.
  const rope_shape shape{2, 3, 2, 4};
  const std::size_t n = static_cast<std::size_t>(2 * 3 * 3 * 2 * 4), per_part = n / 3;
  std::vector<float> cos(3 * 2), sin(3 * 2);
  for (int l = 0; l < 3; ++l)
    for (int i = 0; i < 2; ++i) {
      cos[l * 2 + i] = static_cast<float>(std::cos(l * (1.0 + i)));
      sin[l * 2 + i] = static_cast<float>(std::sin(l * (1.0 + i)));
    }
  const auto x = random_floats(n, 4), g = random_floats(n, 5);
  std::vector<float> out(n), dx(n);
  rope_forward_cpu(x.data(), dtype::f32, cos.data(), sin.data(), shape, out.data(), out.data() + per_part,
                   out.data() + 2 * per_part);
  rope_backward_cpu(g.data(), g.data() + per_part, g.data() + 2 * per_part, dtype::f32, cos.data(), sin.data(), shape,
                    dx.data());
  CHECK(dot(out, g) == Approx(dot(x, dx)).epsilon(1e-5));
  // A rotation keeps lengths: |q|, |k| and |v| of the whole batch are those of the input.
  CHECK(dot(out, out) == Approx(dot(x, x)).epsilon(1e-5));
  // bf16 storage: the float32 result rounded once.
  std::vector<bf16_bits> x16(n), out16(n);
  for (std::size_t i = 0; i < n; ++i) x16[i] = from_float<bf16_bits>(x[i]);
  std::vector<float> widened(n), out_of_widened(n);
  for (std::size_t i = 0; i < n; ++i) widened[i] = to_float(x16[i]);
  rope_forward_cpu(x16.data(), dtype::bf16, cos.data(), sin.data(), shape, out16.data(), out16.data() + per_part,
                   out16.data() + 2 * per_part);
  rope_forward_cpu(widened.data(), dtype::f32, cos.data(), sin.data(), shape, out_of_widened.data(),
                   out_of_widened.data() + per_part, out_of_widened.data() + 2 * per_part);
  for (std::size_t i = 0; i < n; ++i) CHECK(out16[i].bits == from_float<bf16_bits>(out_of_widened[i]).bits);
}

TEST_CASE("swiglu: hand-made values and the derivative of the forward", "[kernel]") {
  // One row, m = 2: gates (0, 1), ups (5, 2): silu(0) = 0, silu(1) = sigmoid(1) = 0.7310586.
  const std::vector<float> gate_up = {0, 1, 5, 2};
  std::vector<float> y(2);
  swiglu_forward_cpu(gate_up.data(), dtype::f32, 1, 2, y.data());
  CHECK(y[0] == 0.0f);
  CHECK(y[1] == Approx(2 * 0.7310585786).epsilon(1e-6));
  // d/d(gate_up) of sum(c * y) against central differences.
  const std::int64_t rows = 2, m = 3;
  auto gu = random_floats(rows * 2 * m, 6), c = random_floats(rows * m, 7);
  std::vector<float> grad(rows * 2 * m);
  swiglu_backward_cpu(gu.data(), c.data(), dtype::f32, rows, m, grad.data());
  auto objective = [&](const std::vector<float>& input) {
    std::vector<float> out(rows * m);
    swiglu_forward_cpu(input.data(), dtype::f32, rows, m, out.data());
    return dot(out, c);
  };
  const float h = 1e-2f;
  for (std::size_t i = 0; i < gu.size(); ++i) {
    auto up = gu, down = gu;
    up[i] += h;
    down[i] -= h;
    CHECK(grad[i] == Approx((objective(up) - objective(down)) / (2 * h)).margin(2e-3));
  }
}
