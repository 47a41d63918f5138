// The NELBO: hand-computed losses, the 2.0 bits/base of uniform logits, both forms agreeing.
#include "tests/core/catch_torch.h"
#include "tests/core/gradients.h"

#include <cmath>

#include "core/compat.h"
#include "core/fused.h"
#include "core/model_internal.h"
#include "core/objective.h"
#include "core/scoring.h"

using namespace dnafill::core;
using dnafill::test::check_all_close;
using dnafill::test::output_and_gradients;

namespace {

std::vector<token> random_tokens(int n, std::mt19937_64& rng, double unknown_fraction) {
  std::vector<token> t(n);
  std::uniform_real_distribution<double> u(0, 1);
  for (auto& x : t) x = u(rng) < unknown_fraction ? mask_token : static_cast<token>(rng() % 4);
  return t;
}

// Bits per base of each row of one draw under logits that are all zero (uniform over A C G T).
std::vector<double> uniform_draw_bits(objective_kind kind, std::mt19937_64& rng, int batch, int length) {
  const auto clean = random_tokens(batch * length, rng, 0.1);
  const auto m = mask_batch(clean, batch, length, kind, rng);
  const auto t = to_tensors(clean, m, torch::kCPU);
  const auto nelbo = nelbo_per_sequence(torch::zeros({batch, length, num_bases}), t);
  std::vector<double> bits;
  for (int b = 0; b < batch; ++b) bits.push_back(nelbo[b].item<double>() / (m.real_bases[b] * std::log(2.0)));
  return bits;
}

// A tiny model whose predictions depend on the context (the zero-initialised head is replaced).
mdm_model context_model() {
  model_config config;
  REQUIRE(preset_config("tiny", config));
  torch::manual_seed(4);
  mdm_transformer net(config);
  torch::NoGradGuard no_grad;
  net->head->weight.normal_(0.0, 1.0);
  return wrap_model(config, net);
}

}  // namespace

TEST_CASE("masked cross-entropy of hand-made logits matches the hand computation", "[objective]") {
  // Targets A (p = 2/5 from logits [ln2,0,0,0]) and G (p = 1/2 from [0,0,ln3,0]); the middle C is
  // visible, so its logits, however bad, do not count. Weight 2: NELBO = 2 (ln 5/2 + ln 2) = 2 ln 5.
  const double l2 = std::log(2.0), l3 = std::log(3.0);
  auto logits = torch::tensor({l2, 0.0, 0.0, 0.0, -9.0, 9.0, -9.0, -9.0, 0.0, 0.0, l3, 0.0}, torch::kFloat32)
                    .view({1, 3, 4});
  batch_tensors t;
  t.targets = torch::tensor({0, 3, 2}, torch::kInt64).view({1, 3});
  t.is_target = torch::tensor({1, 0, 1}, torch::kUInt8).to(torch::kBool).view({1, 3});
  t.weight = torch::tensor({2.0}, torch::kFloat64);
  CHECK(masked_cross_entropy(logits, t.targets, t.is_target).item<double>() == Approx(std::log(5.0)).epsilon(1e-6));
  CHECK(nelbo_per_sequence(logits, t).item<double>() == Approx(2 * std::log(5.0)).epsilon(1e-6));
}

TEST_CASE("the fused NELBO and its gradient equal LibTorch's log-softmax composite", "[objective]") {
  torch::manual_seed(3);
  auto logits = torch::randn({3, 17, num_bases}, torch::kFloat32).requires_grad_(true);
  batch_tensors t;
  t.targets = torch::randint(0, 5, {3, 17}, torch::kInt64);
  t.is_target = (torch::rand({3, 17}) < 0.6) & (t.targets < 4);
  t.weight = torch::tensor({1.0, 2.5, 17.0}, torch::kFloat64);
  auto fused = nelbo_per_sequence(logits, t);
  auto composite = t.weight * masked_cross_entropy(logits, t.targets, t.is_target);
  CHECK(torch::allclose(fused, composite, 1e-6, 1e-9));
  auto g_fused = torch::autograd::grad({fused.sum()}, {logits})[0];
  auto g_composite = torch::autograd::grad({composite.sum()}, {logits})[0];
  CHECK(torch::allclose(g_fused, g_composite, 1e-5, 1e-7));
}

TEST_CASE("uniform logits score exactly 2.0 bits/base in every draw of the count form", "[objective]") {
  std::mt19937_64 rng(21);
  for (int draw = 0; draw < 20; ++draw)
    for (double bits : uniform_draw_bits(objective_kind::count, rng, 8, 97)) CHECK(bits == Approx(2.0).epsilon(1e-6));
}

TEST_CASE("uniform logits score 2.0 bits/base within Monte-Carlo error in the continuous form", "[objective]") {
  std::mt19937_64 rng(22);
  double sum = 0, sum_sq = 0;
  int n = 0;
  for (int draw = 0; draw < 400; ++draw)
    for (double bits : uniform_draw_bits(objective_kind::continuous, rng, 8, 64)) {
      sum += bits;
      sum_sq += bits * bits;
      ++n;
    }
  const double mean = sum / n, se = std::sqrt((sum_sq / n - mean * mean) / n);
  CHECK(std::abs(mean - 2.0) < 4 * se);
  CHECK(se < 0.05);  // the test has the power to see a real bias
}

TEST_CASE("the continuous and count forms agree in expectation on a fixed model", "[objective]") {
  const auto model = context_model();
  std::mt19937_64 rng(5);
  const std::vector<std::vector<token>> seqs = {random_tokens(48, rng, 0.0), random_tokens(48, rng, 0.05)};
  score_result count, continuous;
  score_options o;
  o.mc_draws = 1024;
  o.batch_rows = 1024;
  o.objective = objective_kind::count;
  REQUIRE(score_sequences(model, seqs, o, count));
  o.objective = objective_kind::continuous;
  o.seed = 2;
  REQUIRE(score_sequences(model, seqs, o, continuous));
  const double se = std::hypot(count.standard_error_bits(), continuous.standard_error_bits());
  INFO("count " << count.bits_per_base() << " continuous " << continuous.bits_per_base() << " se " << se);
  CHECK(std::abs(count.bits_per_base() - continuous.bits_per_base()) < 4 * se);
  CHECK(count.bits_per_base() > 2.05);  // a random model is worse than uniform: the check has teeth
  CHECK(count.standard_error_bits() < continuous.standard_error_bits());  // the point of the count form
}

TEST_CASE("a fresh model (zero head) scores exactly 2.0 bits/base", "[objective][scoring]") {
  model_config config;
  REQUIRE(preset_config("tiny", config));
  const auto model = wrap_model(config, mdm_transformer(config));
  std::mt19937_64 rng(8);
  score_result r;
  REQUIRE(score_sequences(model, {random_tokens(600, rng, 0.2)}, score_options{}, r));
  CHECK(r.bits_per_base() == Approx(2.0).epsilon(1e-6));
  CHECK(r.windows == 3);  // 600 bases in windows of the tiny context (256)
}

TEST_CASE("the model is bidirectional and has no MASK output (SUBS)", "[model]") {
  const auto model = context_model();
  torch::NoGradGuard no_grad;
  auto tokens = torch::randint(0, 4, {1, 20}, torch::kInt64);
  auto logits = model.impl_->net->forward(tokens);
  CHECK(logits.sizes().vec() == std::vector<int64_t>({1, 20, num_bases}));
  auto changed = tokens.clone();
  changed[0][15] = (tokens[0][15].item<int64_t>() + 1) % 4;
  // A later position changes the prediction at an earlier one: no causal mask.
  CHECK_FALSE(torch::allclose(logits[0][5], model.impl_->net->forward(changed)[0][5]));
}

TEST_CASE("rotary tables: a shorter window takes a prefix of the model's, the very same numbers", "[model]") {
  const auto short_tables = rope_tables(7, 64, 10000.0, torch::kCPU);
  const auto long_tables = rope_tables(300, 64, 10000.0, torch::kCPU);
  CHECK(torch::equal(short_tables.first, long_tables.first.narrow(0, 0, 7)));
  CHECK(torch::equal(short_tables.second, long_tables.second.narrow(0, 0, 7)));
  // The model keeps one table per device: the logits of a window do not depend on what came before.
  const auto model = context_model();
  torch::NoGradGuard no_grad;
  auto window = torch::randint(0, 5, {2, 20}, torch::kInt64);
  const auto first = model.impl_->net->forward(window);
  model.impl_->net->forward(torch::randint(0, 5, {1, model.config().context_length}, torch::kInt64));
  CHECK(torch::equal(first, model.impl_->net->forward(window)));
}

TEST_CASE("bf16 inference: float32 logits close to the float32 network's, the score within 1%", "[model][scoring]") {
  auto model = context_model();
  torch::NoGradGuard no_grad;
  auto window = torch::randint(0, 5, {4, 200}, torch::kInt64);
  const auto fp32 = model.impl_->net->infer(window);
  std::mt19937_64 rng(9);
  const std::vector<std::vector<token>> sequences{random_tokens(512, rng, 0.0)};
  score_result exact, reduced;
  REQUIRE(score_sequences(model, sequences, score_options{}, exact));

  REQUIRE(set_inference_precision(model, "bf16"));
  CHECK(inference_precision(model) == "bf16");
  const auto bf16 = model.impl_->net->infer(window);
  CHECK(bf16.scalar_type() == torch::kFloat32);
  const double scale = fp32.abs().max().item<double>();
  const double gap = (bf16 - fp32).abs().max().item<double>();
  CHECK(gap > 0);               // the products did run in bfloat16
  CHECK(gap < 0.05 * scale);    // ... with bfloat16's 8 bits of mantissa, not garbage
  REQUIRE(score_sequences(model, sequences, score_options{}, reduced));
  INFO("fp32 " << exact.bits_per_base() << " bits/base, bf16 " << reduced.bits_per_base());
  CHECK(std::abs(reduced.bits_per_base() - exact.bits_per_base()) < 0.01 * exact.bits_per_base());
  CHECK(reduced.bits_per_base() != exact.bits_per_base());

  REQUIRE(set_inference_precision(model, "fp32"));
  CHECK(torch::equal(model.impl_->net->infer(window), fp32));
  REQUIRE(set_inference_precision(model, "auto"));  // on the CPU: float32
  CHECK(inference_precision(model) == "fp32");
  CHECK(torch::equal(model.impl_->net->infer(window), fp32));
  const auto bad = set_inference_precision(model, "fp16");
  CHECK_FALSE(bad);
  CHECK(bad.message() == "--net-precision: must be fp32, bf16 or auto, got 'fp16'");
}

TEST_CASE("gradient clipping on the device: hand-computed global norm 13", "[objective][trainer]") {
  auto a = torch::zeros({2}, torch::requires_grad()), b = torch::zeros({1}, torch::requires_grad());
  auto unused = torch::zeros({3}, torch::requires_grad());  // no gradient: skipped
  auto set = [&] {
    a.mutable_grad() = torch::tensor({3.0f, 4.0f});
    b.mutable_grad() = torch::tensor({12.0f});
  };
  set();
  clip_gradients({a, b, unused}, 6.5);  // |(3, 4, 12)| = 13: halved
  CHECK(a.grad()[0].item<float>() == Approx(1.5).epsilon(1e-6));
  CHECK(a.grad()[1].item<float>() == Approx(2.0).epsilon(1e-6));
  CHECK(b.grad()[0].item<float>() == Approx(6.0).epsilon(1e-6));
  CHECK_FALSE(unused.grad().defined());
  set();
  clip_gradients({a, b}, 100.0);  // below the limit: exactly unchanged
  CHECK(torch::equal(a.grad(), torch::tensor({3.0f, 4.0f})));
  CHECK(torch::equal(b.grad(), torch::tensor({12.0f})));
  // The same factor as LibTorch's own clipping on random gradients.
  auto x = torch::randn({5, 7}, torch::requires_grad()), y = torch::randn({11}, torch::requires_grad());
  auto gx = torch::randn({5, 7}), gy = torch::randn({11});
  x.mutable_grad() = gx.clone();
  y.mutable_grad() = gy.clone();
  clip_gradients({x, y}, 0.5);
  auto x2 = x.detach().clone().requires_grad_(), y2 = y.detach().clone().requires_grad_();
  x2.mutable_grad() = gx.clone();
  y2.mutable_grad() = gy.clone();
  torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{x2, y2}, 0.5);
  CHECK(torch::allclose(x.grad(), x2.grad(), 1e-6, 1e-7));
  CHECK(torch::allclose(y.grad(), y2.grad(), 1e-6, 1e-7));
}

TEST_CASE("layer kernels: fused RMSNorm, RoPE heads and SwiGLU give LibTorch's values and gradients", "[model][kernel]") {
  model_config config;
  REQUIRE(preset_config("tiny", config));  // d 64, 4 heads of 16, MLP 176
  torch::manual_seed(6);
  auto x = torch::randn({2, 9, config.d_model}, torch::requires_grad());

  rms_norm norm(config.d_model, 1e-5);
  {
    torch::NoGradGuard no_grad;
    norm->weight.normal_(1.0, 0.5);
  }
  auto upstream = torch::randn({2, 9, config.d_model});
  auto run_norm = [&] { return norm->forward(x); };
  const auto norm_composite = output_and_gradients(*norm, x, run_norm, upstream);
  norm->fused = true;
  check_all_close(output_and_gradients(*norm, x, run_norm, upstream), norm_composite, 1e-5);

  self_attention attention(config);
  const auto [cos, sin] = rope_tables(9, config.d_model / config.n_heads, config.rope_base, torch::kCPU);
  auto run_attention = [&, cos = cos, sin = sin] { return attention->forward(x, cos, sin); };
  const auto attention_composite = output_and_gradients(*attention, x, run_attention, upstream);
  attention->fused = true;
  check_all_close(output_and_gradients(*attention, x, run_attention, upstream), attention_composite, 1e-5);

  swiglu_mlp mlp(config);
  auto run_mlp = [&] { return mlp->forward(x); };
  const auto mlp_composite = output_and_gradients(*mlp, x, run_mlp, upstream);
  mlp->fused = true;
  check_all_close(output_and_gradients(*mlp, x, run_mlp, upstream), mlp_composite, 1e-5);
}

TEST_CASE("layer kernels: the whole model with fused layers, float32 and bf16 autocast", "[model][kernel]") {
  const auto model = context_model();
  auto& net = *model.impl_->net;
  auto tokens = torch::randint(0, 5, {3, 40}, torch::kInt64);
  auto upstream = torch::randn({3, 40, num_bases});
  auto run = [&] { return net.forward(tokens); };
  const torch::Tensor no_input;
  const auto composite = output_and_gradients(net, no_input, run, upstream);
  auto fused_model = model;
  REQUIRE(set_layer_kernels(fused_model, "fused"));
  check_all_close(output_and_gradients(net, no_input, run, upstream), composite, 1e-5);
  const auto bad = set_layer_kernels(fused_model, "triton");
  CHECK(bad.message() == "--layer-kernels: must be torch or fused, got 'triton'");

  // bf16 autocast (the GPU's training precision, here on the CPU): the norm hands bf16 to the matrix
  // products, and values and gradients stay within bf16's precision of the float32 ones.
  compat::bf16_autocast autocast(true, torch::kCPU);
  CHECK(fused_rms_norm(torch::randn({2, 8}), torch::ones({8}), 1e-5).scalar_type() == torch::kBFloat16);
  const auto fused_bf16 = output_and_gradients(net, no_input, run, upstream);
  check_all_close(fused_bf16, composite, 0.05);
  net.set_fused_layers(false);
  const auto composite_bf16 = output_and_gradients(net, no_input, run, upstream);
  check_all_close(fused_bf16, composite_bf16, 0.05);
}

TEST_CASE("the variance of a stratified mean: neighbouring strata collapsed in pairs, by hand", "[objective][scoring]") {
  // Pairs (1, 3) and (1, 3): (2^2 + 2^2) / 4^2 = 0.5.
  CHECK(stratified_mean_variance({1.0, 3.0, 1.0, 3.0}) == Approx(0.5));
  // Two draws: as independent ones, (x1 - x2)^2 / 4.
  CHECK(stratified_mean_variance({1.0, 3.0}) == Approx(1.0));
  // K odd, the last three together: (1, 2) gives 1; (3, 4, 5) about 4 gives 2 * 3/2 = 3; 4 / 25.
  CHECK(stratified_mean_variance({1.0, 2.0, 3.0, 4.0, 5.0}) == Approx(0.16));
  // Three: (1, 2, 4) about 7/3 gives 42/9 * 3/2 = 7; 7 / 9.
  CHECK(stratified_mean_variance({1.0, 2.0, 4.0}) == Approx(7.0 / 9.0));
  // A change between the pairs is not noise: a staircase that steps between pairs gives 0.
  CHECK(stratified_mean_variance({1.0, 1.0, 2.0, 2.0, 3.0, 3.0}) == 0.0);
  // Values on a line give only the steps within each pair: 3 pairs of difference 1, 3 / 6^2.
  CHECK(stratified_mean_variance({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}) == Approx(3.0 / 36.0));
  CHECK(stratified_mean_variance({7.0}) == 0.0);
  CHECK(stratified_mean_variance({}) == 0.0);
}

// Without a network: a row whose bases cost 3.0 nats (one in five) or 0.5, masked by the count form;
// each draw's value is R/n times the cost of its masked bases, as the score's NELBO is. The lowest
// stratum's small n makes its draw the noisiest, and an estimate that counted it half (the successive
// differences of one shared offset: 0.72 of the variance here) said the standard error 15% too small.
TEST_CASE("a window's variance estimate is the variance of its mean over masking draws", "[objective][scoring]") {
  const int length = 200, k = 8, repeats = 4000;
  std::vector<token> row(static_cast<std::size_t>(length) * k, 0);
  std::vector<double> cost(length);
  for (int j = 0; j < length; ++j) cost[j] = j % 5 == 0 ? 3.0 : 0.5;
  std::mt19937_64 rng(21);
  double sum = 0, sum_sq = 0, estimates = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto m = mask_batch(row, k, length, objective_kind::count, rng);
    std::vector<double> draws(k, 0.0);
    for (int d = 0; d < k; ++d) {
      for (int j = 0; j < length; ++j)
        if (m.is_target[static_cast<std::size_t>(d) * length + j]) draws[d] += cost[j];
      draws[d] *= m.weight[d];
    }
    double mean = 0;
    for (double x : draws) mean += x / k;
    sum += mean;
    sum_sq += mean * mean;
    estimates += stratified_mean_variance(draws);
  }
  const double mean = sum / repeats, variance = (sum_sq / repeats - mean * mean) * repeats / (repeats - 1);
  INFO("variance of the mean over " << repeats << " repeats " << variance << ", mean estimate " << estimates / repeats);
  CHECK(estimates / repeats / variance > 0.88);
  CHECK(estimates / repeats / variance < 1.12);
}

TEST_CASE("the score's standard error is the seed-to-seed spread of the score", "[objective][scoring]") {
  // K draws per window are stratified in the masking rate, so the NELBO's trend with the rate is in
  // their spread but not in the noise of their mean: the standard error must follow the mean's noise.
  // Also for records much shorter than K, where draws share a rate (a 2-base hole, 256 draws).
  const auto [length, draws] = GENERATE(std::pair{64, 16}, std::pair{2, 256});
  const auto model = context_model();
  std::mt19937_64 rng(9);
  const std::vector<std::vector<token>> seqs = {random_tokens(length, rng, 0.0), random_tokens(length, rng, 0.0)};
  score_options o;
  o.mc_draws = draws;
  o.objective = objective_kind::count;
  double sum = 0, sum_sq = 0, se_sum = 0;
  const int seeds = 60;
  for (int seed = 1; seed <= seeds; ++seed) {
    o.seed = static_cast<std::uint64_t>(seed);
    score_result r;
    REQUIRE(score_sequences(model, seqs, o, r));
    sum += r.bits_per_base();
    sum_sq += r.bits_per_base() * r.bits_per_base();
    se_sum += r.standard_error_bits();
  }
  const double mean = sum / seeds, spread = std::sqrt((sum_sq / seeds - mean * mean) * seeds / (seeds - 1));
  const double reported = se_sum / seeds;
  INFO("spread of the score over " << seeds << " seeds " << spread << ", mean reported standard error " << reported);
  CHECK(reported / spread > 0.7);
  CHECK(reported / spread < 1.4);
}
