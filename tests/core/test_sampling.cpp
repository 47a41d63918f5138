// The samplers against toy denoisers whose conditionals are known: a fixed distribution and a
// first-order Markov chain. Distributions by chi-square, the logit chain and guidance by hand, the
// float32 Gumbel bias by enumerating every float32 uniform, carry-over and the ancestral cache.
#include "tests/core/toy_denoisers.h"

#include <array>
#include <cmath>
#include <map>

#include "core/sampling.h"
#include "core/tokens.h"
#include "kernels/categorical.cuh"

using namespace dnafill::core;
using namespace dnafill::test;

TEST_CASE("fp64 categorical draws match a hand-made 4-base distribution", "[sampling]") {
  std::mt19937_64 rng(3);
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  auto logw = torch::log(torch::tensor(p, torch::kFloat64)).view({1, 4}).expand({40000, 4});
  auto draws = draw_categorical(logw, draw_precision::fp64, rng);
  std::vector<double> counts(4, 0.0);
  for (std::int64_t i = 0; i < draws.size(0); ++i) counts[draws[i].item<std::int64_t>()] += 1;
  CHECK(chi_square(counts, p) < chi_square_critical(3));
  CHECK(chi_square(counts, {0.25, 0.25, 0.25, 0.25}) > 1000);  // the test can tell distributions apart
  // An impossible outcome (-inf) is never drawn.
  auto masked = torch::tensor({0.0, -HUGE_VAL, 0.0, -HUGE_VAL}, torch::kFloat64).view({1, 4}).expand({2000, 4});
  for (auto precision : {draw_precision::fp64, draw_precision::fp32}) {
    auto d = draw_categorical(masked, precision, rng);
    CHECK((d == 1).sum().item<std::int64_t>() == 0);
    CHECK((d == 3).sum().item<std::int64_t>() == 0);
  }
}

TEST_CASE("temperature and top-p on hand-made logits", "[sampling]") {
  const double l[] = {std::log(0.5), std::log(0.3), std::log(0.15), std::log(0.05)};
  auto logits = torch::tensor({l[0], l[1], l[2], l[3]}, torch::kFloat64).view({1, 4});
  SECTION("top-p 0.75 keeps A (0.5) and C (0.3): the mass before G is 0.8") {
    auto x = logits.clone();
    top_p_step(0.75).apply(x);
    auto p = torch::softmax(x, -1);
    CHECK(p[0][0].item<double>() == Approx(0.625));
    CHECK(p[0][1].item<double>() == Approx(0.375));
    CHECK(p[0][2].item<double>() == 0.0);
    CHECK(p[0][3].item<double>() == 0.0);
  }
  SECTION("top-p below the largest probability keeps the largest only") {
    auto x = logits.clone();
    top_p_step(0.1).apply(x);
    CHECK(torch::softmax(x, -1)[0][0].item<double>() == 1.0);
  }
  SECTION("temperature 2 takes square roots of the probabilities (renormalised)") {
    sampler_params params;
    params.temperature = 2.0;
    auto chain = make_chain(params);
    REQUIRE(chain.steps.size() == 1);
    auto x = logits.clone();
    chain.apply(x);
    auto p = torch::softmax(x, -1);
    const double z = std::sqrt(0.5) + std::sqrt(0.3) + std::sqrt(0.15) + std::sqrt(0.05);
    CHECK(p[0][3].item<double>() == Approx(std::sqrt(0.05) / z));
  }
  SECTION("temperature comes before top-p: T = 2 then top-p 0.75 keeps three bases, the other order two") {
    // p^(1/2) renormalised: (.379, .294, .208, .120); the mass before G is .673 < .75, before T .880.
    sampler_params params;
    params.temperature = 2.0;
    params.top_p = 0.75;
    auto x = logits.clone();
    make_chain(params).apply(x);
    auto p = torch::softmax(x, -1);
    const double a = std::sqrt(0.5), c = std::sqrt(0.3), g = std::sqrt(0.15);
    CHECK(p[0][2].item<double>() == Approx(g / (a + c + g)));
    CHECK(p[0][3].item<double>() == 0.0);
  }
  SECTION("defaults leave the chain empty") { CHECK(make_chain(sampler_params{}).steps.empty()); }
}

// The kernel (kernels::keep_nucleus) and the host's constrained draws keep, in decreasing probability,
// ties the lower base first, the bases whose mass before them is below p. top_p_step followed the same
// rule with other arithmetic: at an exact boundary (p the mass of the top bases) rounding decided, and
// 2,708 of these 12,000 rows kept another set than the kernel (130 with the arithmetic alone matched).
TEST_CASE("top-p keeps what the kernel keeps: ties in base order, the mass before a base summed as it does", "[sampling]") {
  auto kept = [](const torch::Tensor& logits) { return logits.gt(-HUGE_VAL).to(torch::kInt64); };
  SECTION("ties: the lower bases stay; a mass before of exactly p drops the base") {
    auto even = torch::zeros({1, 4}, torch::kFloat64);
    top_p_step(0.5).apply(even);
    CHECK(torch::equal(kept(even), torch::tensor({1, 1, 0, 0}, torch::kInt64).view({1, 4})));
    auto shared = torch::tensor({0.0, 0.0, 0.0, std::log(2.0)}, torch::kFloat64).view({1, 4});  // T, then A C G tied
    top_p_step(0.5).apply(shared);
    CHECK(torch::equal(kept(shared), torch::tensor({1, 0, 0, 1}, torch::kInt64).view({1, 4})));
  }
  SECTION("random rows with many ties, against the kernel's rule") {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> level(-8, 8);
    std::uniform_real_distribution<double> p(0.05, 0.99);
    const int rows = 4000;
    auto logits = torch::empty({rows, 4}, torch::kFloat64);
    auto a = logits.accessor<double, 2>();
    for (int r = 0; r < rows; ++r)
      for (int b = 0; b < 4; ++b) a[r][b] = 0.5 * level(rng);  // a coarse grid: ties in most rows
    int differ = 0;
    for (int r = 0; r < rows; ++r) {
      const double top_p = p(rng);
      auto row = logits.narrow(0, r, 1).clone();
      top_p_step(top_p).apply(row);
      double w[4], total = 0, top = -HUGE_VAL;
      for (int b = 0; b < 4; ++b) top = std::max(top, a[r][b]);
      for (int b = 0; b < 4; ++b) total += w[b] = std::exp(a[r][b] - top);
      dnafill::kernels::keep_nucleus(w, total, top_p);
      for (int b = 0; b < 4; ++b) differ += (w[b] > 0) != (row[0][b].item<double>() > -HUGE_VAL);
    }
    CHECK(differ == 0);
  }
  SECTION("p exactly the mass of the top bases (probabilities in 17ths)") {
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<int> count(1, 14);
    int differ = 0, wrong = 0, rows = 0;
    for (int n = 0; n < 4000; ++n) {
      int k[4];
      for (int b = 0; b < 4; ++b) k[b] = count(rng);
      const int sum = k[0] + k[1] + k[2] + k[3];
      int sorted[4] = {k[0], k[1], k[2], k[3]};
      std::sort(sorted, sorted + 4, std::greater<int>());
      for (int j = 1; j < 4; ++j) {
        int top = 0;
        for (int i = 0; i < j; ++i) top += sorted[i];
        const double top_p = static_cast<double>(top) / sum;
        auto row = torch::empty({1, 4}, torch::kFloat64);
        for (int b = 0; b < 4; ++b) row[0][b] = std::log(static_cast<double>(k[b]) / sum);
        const auto logits = row.clone();
        top_p_step(top_p).apply(row);
        double w[4], total = 0, most = -HUGE_VAL;
        for (int b = 0; b < 4; ++b) most = std::max(most, logits[0][b].item<double>());
        for (int b = 0; b < 4; ++b) total += w[b] = std::exp(logits[0][b].item<double>() - most);
        dnafill::kernels::keep_nucleus(w, total, top_p);
        int on_host = 0, in_kernel = 0;
        for (int b = 0; b < 4; ++b) {
          on_host += row[0][b].item<double>() > -HUGE_VAL;
          in_kernel += w[b] > 0;
          differ += (w[b] > 0) != (row[0][b].item<double>() > -HUGE_VAL);
        }
        wrong += on_host != j || in_kernel != j;  // the top j reach p: exactly j stay
        ++rows;
      }
    }
    CAPTURE(rows);
    CHECK(differ == 0);
    CHECK(wrong == 0);
  }
}

TEST_CASE("guidance formula on hand-made logits, both passes in one batch", "[sampling][guidance]") {
  auto lc = torch::tensor({1.0, 0.0, -2.0, 0.5}).view({1, 1, 4});
  auto lu = torch::tensor({0.5, 0.0, 1.0, 0.5}).view({1, 1, 4});
  auto g = guided_logits(lc, lu, 2.0);  // l_u + 3 (l_c - l_u)
  CHECK(g[0][0][0].item<float>() == Approx(2.0));
  CHECK(g[0][0][2].item<float>() == Approx(-8.0));
  CHECK(g[0][0][3].item<float>() == Approx(0.5));
  CHECK(torch::equal(guided_logits(lc, lu, 0.0), lc.to(torch::kFloat64)));  // w = 0 is the plain conditional
  // Combined in float64, as the kernel does: in float32, 1 + 1.1 * 2 came out 3.2000000477.
  auto c = torch::tensor({3.0f}), u = torch::tensor({1.0f});
  CHECK(guided_logits(c, u, 0.1).item<double>() == Approx(3.2).epsilon(1e-14));

  // A denoiser whose logit for A counts the MASKs of its row: the unconditional row must see the
  // fixed context masked, and both rows must arrive in one call.
  struct counting : denoiser {
    torch::Tensor logits(const torch::Tensor& tokens) override {
      ++calls;
      seen = tokens.clone();
      auto out = torch::zeros({tokens.size(0), tokens.size(1), 4});
      out.select(2, 0).copy_((tokens == mask_token).sum(1, true).to(torch::kFloat32).expand({-1, tokens.size(1)}));
      return out;
    }
    torch::Tensor seen;
    int calls = 0;
  } inner;
  auto tokens = torch::tensor({0, 4, 1}, torch::kInt64).view({1, 3});  // A [hole] C
  auto context = torch::tensor({1, 0, 1}, torch::kInt64).to(torch::kBool).view({1, 3});
  guided_denoiser guided(inner, context, 1.0);
  auto out = guided.logits(tokens);
  CHECK(inner.calls == 1);
  REQUIRE(inner.seen.size(0) == 2);
  CHECK(torch::equal(inner.seen[1], torch::full({3}, 4, torch::kInt64)));
  CHECK(out[0][1][0].item<float>() == Approx(3.0 + 2.0 * (1.0 - 3.0)));  // l_u=3 MASKs, l_c=1
}

TEST_CASE("first-hit samples the exact joint of a Markov chain, also given both flanks", "[sampling]") {
  markov_denoiser chain;
  SECTION("three free positions: the joint over 64 outcomes") {
    auto tokens = rows_of({4, 4, 4}, 20000);
    std::mt19937_64 rng(11);
    sampling_stats stats;
    REQUIRE(sample(chain, tokens, free_where({1, 1, 1}, 20000), params_of(sampler_kind::first_hit), rng, {}, &stats));
    CHECK(stats.network_calls == 3);  // one call per masked base (rows advance together)
    const auto expected = joint_of_three(chain), independent = independent_three(chain.pi);
    const auto counts = joint_counts(tokens, {0, 1, 2});
    CHECK(chi_square(counts, expected) < chi_square_critical(63));
    CHECK(chi_square(counts, independent) > 3 * chi_square_critical(63));
  }
  SECTION("A _ _ G: the hole's conditional given both flanks") {
    auto tokens = rows_of({0, 4, 4, 2}, 20000);
    std::mt19937_64 rng(12);
    REQUIRE(sample(chain, tokens, free_where({0, 1, 1, 0}, 20000), params_of(sampler_kind::first_hit), rng));
    std::vector<double> expected, left_only;
    double z = 0, zl = 0;
    for (int c = 0; c < 16; ++c) {
      expected.push_back(chain.joint({0, c / 4, c % 4, 2}));
      left_only.push_back(chain.joint({0, c / 4, c % 4}));
      z += expected.back();
      zl += left_only.back();
    }
    for (auto& e : expected) e /= z;
    for (auto& e : left_only) e /= zl;
    const auto counts = joint_counts(tokens, {1, 2});
    CHECK(chi_square(counts, expected) < chi_square_critical(15));
    CHECK(chi_square(counts, left_only) > 3 * chi_square_critical(15));  // the right flank matters
  }
}

TEST_CASE("ancestral matches first-hit in distribution: any T without context, T >> L with it", "[sampling]") {
  SECTION("context-free conditionals: exact even with T = 2 < L = 3") {
    fixed_denoiser fixed({0.1, 0.2, 0.3, 0.4});
    auto tokens = rows_of({4, 4, 4}, 20000);
    std::mt19937_64 rng(21);
    REQUIRE(sample(fixed, tokens, free_where({1, 1, 1}, 20000), params_of(sampler_kind::ancestral, 2), rng));
    CHECK(chi_square(joint_counts(tokens, {0, 1, 2}), independent_three(fixed.p)) < chi_square_critical(63));
  }
  SECTION("Markov chain, T = 1024 >> L = 3: the same joint as first-hit") {
    markov_denoiser chain;
    auto tokens = rows_of({4, 4, 4}, 10000);
    std::mt19937_64 rng(22);
    REQUIRE(sample(chain, tokens, free_where({1, 1, 1}, 10000), params_of(sampler_kind::ancestral, 1024), rng));
    CHECK(chi_square(joint_counts(tokens, {0, 1, 2}), joint_of_three(chain)) < chi_square_critical(63));
  }
  SECTION("Markov chain, T = 1: all bases drawn at once from their marginals, not the joint") {
    markov_denoiser chain;
    auto tokens = rows_of({4, 4, 4}, 10000);
    std::mt19937_64 rng(23);
    REQUIRE(sample(chain, tokens, free_where({1, 1, 1}, 10000), params_of(sampler_kind::ancestral, 1), rng));
    const auto expected = joint_of_three(chain), independent = independent_three(chain.pi);
    const auto counts = joint_counts(tokens, {0, 1, 2});
    CHECK(chi_square(counts, independent) < chi_square_critical(63));
    CHECK(chi_square(counts, expected) > chi_square_critical(63));
  }
}

TEST_CASE("the GPU sampling loop, run here on the kernels' CPU references, samples the same laws", "[sampling][kernel]") {
  markov_denoiser chain;
  SECTION("first-hit: the exact joint given both flanks, fixed bases untouched") {
    auto tokens = rows_of({0, 4, 4, 2}, 20000);
    std::mt19937_64 rng(31);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({0, 1, 1, 0}, 20000), params_of(sampler_kind::first_hit), rng, {},
                             stats));
    CHECK(stats.network_calls == 2);
    CHECK(torch::all(tokens.select(1, 0) == 0).item<bool>());
    CHECK(torch::all(tokens.select(1, 3) == 2).item<bool>());
    CHECK(chi_square(joint_counts(tokens, {1, 2}), joint_between(chain, 0, 2)) < chi_square_critical(15));
  }
  SECTION("ancestral, T = 1024 >> L: the joint of the chain") {
    auto tokens = rows_of({4, 4, 4}, 10000);
    std::mt19937_64 rng(32);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({1, 1, 1}, 10000), params_of(sampler_kind::ancestral, 1024), rng,
                             {}, stats));
    CHECK(chi_square(joint_counts(tokens, {0, 1, 2}), joint_of_three(chain)) < chi_square_critical(63));
  }
  SECTION("confidence fills every free position and nothing else") {
    auto tokens = rows_of({4, 1, 4, 4, 4, 3, 4}, 50);
    std::mt19937_64 rng(33);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({1, 0, 1, 1, 1, 0, 0}, 50), params_of(sampler_kind::confidence, 2),
                             rng, {}, stats));
    CHECK(stats.network_calls == 2);
    CHECK(torch::all(tokens.narrow(1, 0, 5) < 4).item<bool>());
    CHECK(torch::all(tokens.select(1, 6) == 4).item<bool>());  // not free: stays masked
    CHECK(torch::all(tokens.select(1, 1) == 1).item<bool>());  // fixed bases stay
    CHECK(torch::all(tokens.select(1, 5) == 3).item<bool>());
  }
}

TEST_CASE("float32 Gumbel draws lower the entropy of rare reveals, float64 draws do not", "[sampling][precision]") {
  // An ancestral step reveals a masked base with probability q = 1/(steps left): over 10^7..10^8 steps
  // q falls below what float32 Gumbel noise (capped near 16.64) can express. A sampling test would
  // need ~10^9 draws to see it on 4 bases, so we enumerate all 2^24 float32 uniforms of both outcomes
  // and compute the fp32 path's exact probability of "reveal" against "stay masked".
  const std::int64_t n = (std::int64_t{1} << 24) - 1;  // the uniforms k 2^-24, k = 1 .. 2^24-1
  auto u = torch::arange(1, n + 1, torch::kFloat64).to(torch::kFloat32) * std::ldexp(1.0f, -24);
  auto g = gumbel_noise_fp32(u).contiguous();
  const float* noise = g.data_ptr<float>();
  CHECK(noise[n - 1] == Approx(16.6355).epsilon(1e-4));  // the cap: -log(-log(1 - 2^-24))
  auto fp32_reveal = [&](double q) {
    const float stay = static_cast<float>(std::log1p(-q)), reveal = static_cast<float>(std::log(q));
    // Reveal wins when reveal + g1 > stay + g0 (a tie goes to the first outcome, stay). Both sides
    // grow with their uniform, so one sweep counts the winning pairs.
    long double wins = 0;
    std::int64_t j = 0;
    for (std::int64_t k = 0; k < n; ++k) {
      const float a = stay + noise[k];
      while (j < n && !(reveal + noise[j] > a)) ++j;
      wins += static_cast<long double>(n - j);
    }
    return static_cast<double>(wins / (static_cast<long double>(n) * n));
  };
  auto entropy = [](double p) { return -(p * std::log(p) + (1 - p) * std::log1p(-p)); };
  const double p_small = fp32_reveal(1e-8), p_mid = fp32_reveal(1e-7), p_large = fp32_reveal(0.3);
  CHECK(p_small < 0.05e-8);         // 10^8 steps: fp32 reveals (almost) never
  CHECK(p_mid < 0.9e-7);            // 10^7 steps: a quarter of the reveals missing
  CHECK(p_large == Approx(0.3).margin(1e-4));  // ordinary probabilities: no visible bias
  CHECK(entropy(p_mid) < 0.9 * entropy(1e-7));

  // fp64 draws by inverse CDF: on a flat distribution over many draws the entropy is 2 bits.
  std::mt19937_64 rng(5);
  auto flat = torch::zeros({200000, 4}, torch::kFloat64);
  auto d = draw_categorical(flat, draw_precision::fp64, rng);
  double h = 0;
  for (int b = 0; b < 4; ++b) {
    const double f = (d == b).sum().item<double>() / 200000.0;
    h -= f * std::log2(f);
  }
  CHECK(h == Approx(2.0).margin(1e-3));
}

TEST_CASE("the fp32 draw is the argmax of the logits plus float32 Gumbel noise of 24-bit uniforms", "[sampling][precision]") {
  // The test above measures the bias of that noise; this one pins that --precision fp32 draws with it
  // (not, say, with 53-bit uniforms, which would quietly remove the effect the option exists to show).
  torch::manual_seed(3);
  const auto logits = torch::randn({20000, 4}, torch::kFloat64);
  std::mt19937_64 rng(11), replay(11);
  const auto drawn = draw_categorical(logits, draw_precision::fp32, rng);
  auto u = torch::empty({20000 * 4}, torch::kFloat32);
  for (std::int64_t i = 0; i < u.numel(); ++i) {
    std::uint64_t k = 0;
    while (k == 0) k = replay() >> 40;  // 24 bits, 0 redrawn
    u.data_ptr<float>()[i] = static_cast<float>(k) * 0x1.0p-24f;
  }
  const auto expected = (logits.to(torch::kFloat32) + gumbel_noise_fp32(u.view({20000, 4}))).argmax(-1);
  CHECK(torch::equal(drawn, expected));
}

TEST_CASE("fixed bases and Ns outside the holes are untouched by every sampler", "[sampling]") {
  markov_denoiser chain;
  //                            A  _  _  C  N  _  G  T  _  _  _  A
  const std::vector<std::int64_t> pattern = {0, 4, 4, 1, 4, 4, 2, 3, 4, 4, 4, 0};
  const std::vector<int> free = {0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0};
  for (auto kind : {sampler_kind::first_hit, sampler_kind::ancestral, sampler_kind::confidence})
    for (auto precision : {draw_precision::fp64, draw_precision::fp32})
      for (double w : {0.0, 1.5}) {
        auto tokens = rows_of(pattern, 6);
        auto p = params_of(kind, 3);
        p.precision = precision;
        p.guidance = w;
        std::mt19937_64 rng(9);
        auto context = free_where(free, 6).logical_not();
        guided_denoiser guided(chain, context, w);
        denoiser& net = w > 0 ? static_cast<denoiser&>(guided) : chain;
        REQUIRE(sample(net, tokens, free_where(free, 6), p, rng));
        auto t = tokens.accessor<std::int64_t, 2>();
        int wrong = 0;
        for (int b = 0; b < 6; ++b)
          for (std::size_t i = 0; i < pattern.size(); ++i)
            wrong += free[i] ? t[b][i] >= 4 : t[b][i] != pattern[i];  // position 4 (an N) stays MASK
        INFO(sampler_name(kind) << " " << precision_name(precision) << " w=" << w);
        CHECK(wrong == 0);
      }
}

TEST_CASE("the ancestral cache changes nothing but the number of network calls", "[sampling]") {
  markov_denoiser chain;
  auto p = params_of(sampler_kind::ancestral, 200, 31);
  auto with_cache = rows_of({4, 4, 4, 4, 4, 4, 4, 4}, 4);
  auto without = with_cache.clone();
  auto free = free_where({1, 1, 1, 1, 1, 1, 1, 1}, 4);
  sampling_stats cached, uncached;
  std::mt19937_64 rng1(31), rng2(31);
  REQUIRE(sample(chain, with_cache, free, p, rng1, {}, &cached));
  p.cache = false;
  REQUIRE(sample(chain, without, free, p, rng2, {}, &uncached));
  CHECK(torch::equal(with_cache, without));
  CHECK(cached.network_calls + cached.cached_steps == uncached.network_calls);
  CHECK(cached.network_calls <= 32);  // at most one call per revealed base (4 rows x 8)
  CHECK(uncached.network_calls > 100);
}

TEST_CASE("the device loop's ancestral cache calls the network only at steps that reveal", "[sampling][kernel]") {
  // One row, 3 masked bases, T = 1000: at most 3 steps reveal anything; the others keep the model's
  // input as it was, so their call is skipped. Without the cache every step calls, to the same result.
  markov_denoiser chain;
  auto p = params_of(sampler_kind::ancestral, 1000, 41);
  auto with_cache = rows_of({4, 2, 4, 4}, 1);
  auto without = with_cache.clone();
  const auto free = free_where({1, 0, 1, 1}, 1);
  sampling_stats cached, uncached;
  std::mt19937_64 rng1(41), rng2(41);
  REQUIRE(sample_on_device(chain, with_cache, free, p, rng1, {}, cached));
  p.cache = false;
  REQUIRE(sample_on_device(chain, without, free, p, rng2, {}, uncached));
  CHECK(torch::equal(with_cache, without));
  CHECK(torch::all(with_cache < 4).item<bool>());
  CHECK(with_cache[0][1].item<std::int64_t>() == 2);
  CHECK(cached.network_calls >= 1);
  CHECK(cached.network_calls <= 3);
  CHECK(cached.network_calls + cached.cached_steps == uncached.network_calls);  // both end with the last reveal
  CHECK(uncached.network_calls > 100);
}

TEST_CASE("confidence commits the most confident positions first, schedules sum to the hole", "[sampling]") {
  // Position-dependent, context-free: max probabilities 0.97, 0.4, 0.7, 0.55.
  struct ranked : denoiser {
    torch::Tensor logits(const torch::Tensor& tokens) override {
      inputs.push_back(tokens.clone());
      auto p = torch::tensor({0.97, 0.01, 0.01, 0.01, 0.4, 0.3, 0.2, 0.1, 0.1, 0.7, 0.1, 0.1, 0.15, 0.15, 0.15, 0.55},
                             torch::kFloat64)
                   .view({1, 4, 4});
      return p.log().to(torch::kFloat32).expand({tokens.size(0), -1, -1}).contiguous();
    }
    std::vector<torch::Tensor> inputs;
  } net;
  for (auto measure : {confidence_measure::max_prob, confidence_measure::margin, confidence_measure::entropy}) {
    net.inputs.clear();
    auto tokens = rows_of({4, 4, 4, 4}, 1);
    auto p = params_of(sampler_kind::confidence, 4);
    p.confidence = measure;
    std::mt19937_64 rng(1);
    REQUIRE(sample(net, tokens, free_where({1, 1, 1, 1}, 1), p, rng));
    REQUIRE(net.inputs.size() == 4);
    // Which position was committed at each step: the order 0, 2, 3, 1 by every measure here.
    std::vector<int> order;
    for (std::size_t s = 1; s < 4; ++s)
      for (int i = 0; i < 4; ++i)
        if (net.inputs[s][0][i].item<std::int64_t>() < 4 && net.inputs[s - 1][0][i].item<std::int64_t>() == 4)
          order.push_back(i);
    INFO(confidence_name(measure));
    CHECK((order == std::vector<int>{0, 2, 3}));
  }
  CHECK(reveal_count(reveal_schedule::linear, 0, 4, 10) == 2);  // floor(10 (i+1)/4) - floor(10 i/4)
  CHECK(reveal_count(reveal_schedule::linear, 1, 4, 10) == 3);
  CHECK(reveal_count(reveal_schedule::linear, 2, 4, 10) == 2);
  CHECK(reveal_count(reveal_schedule::linear, 3, 4, 10) == 3);
  CHECK(reveal_count(reveal_schedule::cosine, 0, 2, 10) == 3);  // 10 - floor(10 cos(pi/4)) = 10 - 7
  CHECK(reveal_count(reveal_schedule::cosine, 1, 2, 10) == 7);
  for (auto schedule : {reveal_schedule::linear, reveal_schedule::cosine})
    for (int steps : {1, 7, 300}) {
      std::int64_t sum = 0;
      for (int i = 0; i < steps; ++i) sum += reveal_count(schedule, i, steps, 200);
      CHECK(sum == 200);
    }
}

TEST_CASE("first-hit reveals a uniformly chosen masked position, on the host and device loops", "[sampling][kernel]") {
  // Under an exact denoiser every reveal order gives the same joint, so the law tests cannot see the
  // order: here the first call's input and the second's show which of three positions went first.
  struct recorder : fixed_denoiser {
    recorder() : fixed_denoiser({0.25, 0.25, 0.25, 0.25}) {}
    torch::Tensor logits(const torch::Tensor& tokens) override {
      inputs.push_back(tokens.clone());
      return fixed_denoiser::logits(tokens);
    }
    std::vector<torch::Tensor> inputs;
  };
  for (bool on_device : {false, true}) {
    recorder net;
    const std::int64_t rows = 3000;
    auto tokens = rows_of({2, 4, 4, 4, 1}, rows);
    std::mt19937_64 rng(41);
    sampling_stats stats;
    const auto p = params_of(sampler_kind::first_hit);
    REQUIRE((on_device ? sample_on_device(net, tokens, free_where({0, 1, 1, 1, 0}, rows), p, rng, {}, stats)
                       : sample(net, tokens, free_where({0, 1, 1, 1, 0}, rows), p, rng)));
    REQUIRE(net.inputs.size() == 3);
    const auto first = (net.inputs[1] != net.inputs[0]).to(torch::kInt64).sum(0);  // per position
    std::vector<double> counts = {first[1].item<double>(), first[2].item<double>(), first[3].item<double>()};
    INFO((on_device ? "device loop" : "host loop") << ": " << counts[0] << " " << counts[1] << " " << counts[2]);
    CHECK(counts[0] + counts[1] + counts[2] == rows);  // one reveal per row per call
    CHECK(chi_square(counts, {1.0 / 3, 1.0 / 3, 1.0 / 3}) < chi_square_critical(2));
  }
}

TEST_CASE("confidence ranks by the distribution it draws from, after top-p, on the host and device loops",
          "[sampling][kernel]") {
  // Margins: position 0 (0.5, 0.48, ...) 0.02, position 1 (0.4, 0.3, 0.2, 0.1) 0.1, so 1 goes first.
  // Top-p 0.45 keeps base A alone at 0 (margin 1) and A, C at 1 (0.57 - 0.43 = 0.14): now 0 goes first.
  struct two_positions : denoiser {
    torch::Tensor logits(const torch::Tensor& tokens) override {
      inputs.push_back(tokens.clone());
      auto p = torch::tensor({0.5, 0.48, 0.01, 0.01, 0.4, 0.3, 0.2, 0.1}, torch::kFloat64).view({1, 2, 4});
      return p.log().to(torch::kFloat32).expand({tokens.size(0), -1, -1}).contiguous();
    }
    std::vector<torch::Tensor> inputs;
  } net;
  for (bool on_device : {false, true})
    for (double top_p : {1.0, 0.45}) {
      net.inputs.clear();
      auto tokens = rows_of({4, 4}, 1);
      auto p = params_of(sampler_kind::confidence, 2);
      p.confidence = confidence_measure::margin;
      p.top_p = top_p;
      std::mt19937_64 rng(5);
      sampling_stats stats;
      REQUIRE((on_device ? sample_on_device(net, tokens, free_where({1, 1}, 1), p, rng, {}, stats)
                         : sample(net, tokens, free_where({1, 1}, 1), p, rng)));
      REQUIRE(net.inputs.size() == 2);
      const int first = net.inputs[1][0][0].item<std::int64_t>() < 4 ? 0 : 1;  // committed by the first step
      INFO((on_device ? "device loop" : "host loop") << ", top-p " << top_p);
      CHECK(first == (top_p < 1.0 ? 0 : 1));
    }
}

TEST_CASE("float64 draws resolve a 1e-12 difference against their 53-bit uniform", "[sampling][precision]") {
  // Replay the uniform the draw will use, then put the boundary between A and C 1e-12 above and
  // below it: a float64 draw flips, a 24-bit (float32) uniform could not tell the two apart.
  std::mt19937_64 replay(77);
  const double u = static_cast<double>(replay() >> 11) * 0x1.0p-53;
  REQUIRE(u > 1e-6);
  REQUIRE(u < 1 - 1e-6);
  for (double offset : {1e-12, -1e-12}) {
    const double a = u + offset;
    auto logw = torch::tensor({std::log(a), std::log1p(-a), -HUGE_VAL, -HUGE_VAL}, torch::kFloat64).view({1, 4});
    std::mt19937_64 rng(77);
    INFO("p(A) = u + " << offset);
    CHECK(draw_categorical(logw, draw_precision::fp64, rng).item<std::int64_t>() == (offset > 0 ? 0 : 1));
  }
}

TEST_CASE("ancestral, linear schedule: a masked base is revealed at step i with probability 1/(T - i)", "[sampling]") {
  // MDLM's linear schedule makes the reveal time of each base uniform over the T steps: after step i
  // a fraction (i + 1)/T of the bases is revealed. 20,000 one-base rows, T = 4.
  markov_denoiser chain;
  auto tokens = rows_of({4}, 20000);
  std::mt19937_64 rng(41);
  std::vector<std::int64_t> revealed;
  auto count = [&](const sampling_event& e) {
    revealed.push_back(e.revealed);
    return true;
  };
  auto p = params_of(sampler_kind::ancestral, 4);
  REQUIRE(sample(chain, tokens, free_where({1}, 20000), p, rng, count));
  REQUIRE(revealed.size() == 4);
  for (int i = 0; i < 3; ++i) {
    const double q = (i + 1) / 4.0, mean = 20000 * q, sd = std::sqrt(20000 * q * (1 - q));
    INFO("after step " << i + 1);
    CHECK(std::abs(static_cast<double>(revealed[i]) - mean) < 5 * sd);  // 5 sd: 300 or less
  }
  CHECK(revealed[3] == 20000);
}

TEST_CASE("a seed fixes the output, the callback can cancel", "[sampling]") {
  markov_denoiser chain;
  auto free = free_where({1, 1, 1, 1, 1, 1}, 3);
  for (auto kind : {sampler_kind::first_hit, sampler_kind::ancestral, sampler_kind::confidence}) {
    auto a = rows_of({4, 4, 4, 4, 4, 4}, 3), b = a.clone(), c = a.clone();
    std::mt19937_64 r1(5), r2(5), r3(6);
    REQUIRE(sample(chain, a, free, params_of(kind, 4), r1));
    REQUIRE(sample(chain, b, free, params_of(kind, 4), r2));
    REQUIRE(sample(chain, c, free, params_of(kind, 4), r3));
    CHECK(torch::equal(a, b));
    CHECK(!torch::equal(a, c));
  }
  auto tokens = rows_of({4, 4, 4, 4, 4, 4}, 3);
  std::mt19937_64 rng(1);
  int events = 0;
  auto stop = [&](const sampling_event& e) {
    ++events;
    CHECK(e.to_reveal == 18);
    return false;
  };
  auto s = sample(chain, tokens, free, params_of(sampler_kind::first_hit), rng, stop);
  CHECK(!s);
  CHECK(s.message() == "cancelled");
  CHECK(events == 1);
}

TEST_CASE("sampler params name the bad option", "[sampling]") {
  sampler_params p;
  CHECK(p.validate());
  p.steps = 0;
  CHECK(p.validate().message().rfind("--steps", 0) == 0);
  p = {};
  p.temperature = 0;
  CHECK(p.validate().message().rfind("--temperature", 0) == 0);
  p = {};
  p.top_p = 1.5;
  CHECK(p.validate().message().rfind("--top-p", 0) == 0);
  p.top_p = 0;
  CHECK(p.validate().message().rfind("--top-p", 0) == 0);
  sampler_kind kind;
  CHECK(parse_sampler_kind("first-hit", kind));
  CHECK(kind == sampler_kind::first_hit);
  CHECK(parse_sampler_kind("greedy", kind).message().rfind("--sampler", 0) == 0);
}
