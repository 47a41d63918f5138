// The samplers on a CUDA device, eagerly and as CUDA-graph replays, against the toy denoisers' exact
// laws; the shipped model's bf16 network against its float32 one; the layer kernels in a training pass
// against LibTorch's ops. Built always; exits 77 (CTest: skipped) where LibTorch sees no GPU.
#define CATCH_CONFIG_RUNNER
#include "tests/core/toy_denoisers.h"
#include "tests/core/gradients.h"

#include <cstdio>

#include "core/checkpoint.h"
#include "core/compat.h"
#include "core/cuda_graph.h"
#include "core/fused.h"
#include "core/model_internal.h"
#include "core/scoring.h"

using namespace dnafill::core;
using namespace dnafill::test;

namespace {

const torch::Device gpu(torch::kCUDA, 0);

sampler_params on_gpu(sampler_kind kind, int steps, bool graph) {
  auto p = params_of(kind, steps, graph ? 71 : 72);
  p.cuda_graph = graph;
  return p;
}

}  // namespace

TEST_CASE("GPU first-hit, eager and replayed: the exact joint given both flanks", "[gpu][sampling]") {
  for (bool graph : {false, true}) {
    markov_denoiser chain(gpu);
    auto tokens = rows_of({0, 4, 4, 4, 2}, 40000);
    std::mt19937_64 rng(graph ? 1 : 2);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({0, 1, 1, 1, 0}, 40000), on_gpu(sampler_kind::first_hit, 1, graph),
                             rng, {}, stats));
    CHECK(stats.network_calls == 3);
    CHECK(chain.calls == (graph ? 2 : 3));  // a replay runs no host code: warm-up, capture, then replays
    CHECK(torch::all(tokens.select(1, 0) == 0).item<bool>());
    CHECK(torch::all(tokens.select(1, 4) == 2).item<bool>());
    std::vector<double> expected;
    double z = 0;
    for (int c = 0; c < 64; ++c) z += expected.emplace_back(chain.joint({0, c / 16, c / 4 % 4, c % 4, 2}));
    for (auto& e : expected) e /= z;
    INFO("graph " << graph);
    CHECK(chi_square(joint_counts(tokens, {1, 2, 3}), expected) < chi_square_critical(63));
  }
}

TEST_CASE("GPU ancestral, eager and replayed: T = 256 >> L gives the chain's joint", "[gpu][sampling]") {
  for (bool graph : {false, true}) {
    markov_denoiser chain(gpu);
    auto tokens = rows_of({4, 4, 4}, 40000);
    std::mt19937_64 rng(graph ? 3 : 4);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({1, 1, 1}, 40000), on_gpu(sampler_kind::ancestral, 256, graph),
                             rng, {}, stats));
    INFO("graph " << graph);
    CHECK(stats.network_calls == 256);
    CHECK(chi_square(joint_counts(tokens, {0, 1, 2}), joint_of_three(chain)) < chi_square_critical(63));
  }
}

TEST_CASE("GPU ancestral, eager and replayed: a step that reveals nothing makes no call", "[gpu][sampling]") {
  // One row, 3 masked bases, T = 1000: at most 3 steps reveal, the others are skipped by the host,
  // which drew the reveal steps; the same designs as every call made (--no-cache).
  for (bool graph : {false, true}) {
    markov_denoiser chain(gpu);
    auto p = on_gpu(sampler_kind::ancestral, 1000, graph);
    auto with_cache = rows_of({4, 2, 4, 4}, 1);
    auto without = with_cache.clone();
    sampling_stats cached, uncached;
    std::mt19937_64 rng1(5), rng2(5);
    REQUIRE(sample_on_device(chain, with_cache, free_where({1, 0, 1, 1}, 1), p, rng1, {}, cached));
    p.cache = false;
    REQUIRE(sample_on_device(chain, without, free_where({1, 0, 1, 1}, 1), p, rng2, {}, uncached));
    INFO("graph " << graph);
    CHECK(cached.network_calls >= 1);
    CHECK(cached.network_calls <= 3);
    CHECK(cached.network_calls + cached.cached_steps == uncached.network_calls);
    CHECK(torch::equal(with_cache, without));
    CHECK(torch::all(with_cache < 4).item<bool>());
  }
}

TEST_CASE("a replayed step draws fresh random numbers at every replay", "[gpu][graph]") {
  auto buffer = torch::zeros({4096}, torch::TensorOptions(torch::kFloat64).device(gpu));
  replayable_step step([&] { buffer.copy_(torch::rand({4096}, buffer.options())); }, true, 0);
  std::vector<torch::Tensor> draws;
  for (int i = 0; i < 4; ++i) {  // warm-up, capture + replay, replay, replay
    step();
    draws.push_back(buffer.cpu());
  }
  CHECK(step.captured());
  for (int i = 0; i < 4; ++i) {
    CHECK(draws[i].mean().item<double>() == Approx(0.5).margin(0.03));
    for (int k = 0; k < i; ++k) CHECK_FALSE(torch::equal(draws[i], draws[k]));
  }
}

TEST_CASE("GPU confidence, eager and replayed: every free position filled, fixed ones kept", "[gpu][sampling]") {
  for (bool graph : {false, true}) {
    markov_denoiser chain(gpu);
    auto tokens = rows_of({4, 1, 4, 4, 4, 3, 4}, 500);
    std::mt19937_64 rng(7);
    sampling_stats stats;
    REQUIRE(sample_on_device(chain, tokens, free_where({1, 0, 1, 1, 1, 0, 0}, 500),
                             on_gpu(sampler_kind::confidence, 4, graph), rng, {}, stats));
    INFO("graph " << graph);
    CHECK(stats.network_calls == 4);
    CHECK(torch::all(tokens.narrow(1, 0, 5) < 4).item<bool>());
    CHECK(torch::all(tokens.select(1, 1) == 1).item<bool>());
    CHECK(torch::all(tokens.select(1, 5) == 3).item<bool>());
    CHECK(torch::all(tokens.select(1, 6) == 4).item<bool>());
  }
}

TEST_CASE("the shipped model on the GPU: bf16 logits close to float32's", "[gpu][model]") {
  mdm_model model;
  REQUIRE(load_model(default_model_path(), model));
  REQUIRE(move_model(model, "cuda"));
  torch::NoGradGuard no_grad;
  auto tokens = torch::randint(0, 5, {8, model.config().context_length}, torch::kInt64).to(gpu);
  const auto fp32 = model.impl_->net->infer(tokens);
  REQUIRE(set_inference_precision(model, "auto"));  // on a GPU: bf16
  CHECK(inference_precision(model) == "bf16");
  const auto bf16 = model.impl_->net->infer(tokens);
  const auto p32 = torch::softmax(fp32.to(torch::kFloat64), -1), p16 = torch::softmax(bf16.to(torch::kFloat64), -1);
  const double gap = (p16 - p32).abs().max().item<double>();
  INFO("largest probability difference " << gap);
  CHECK(gap > 0);
  CHECK(gap < 0.05);
}

TEST_CASE("the layer kernels on the GPU: base's training pass, values and gradients as LibTorch's", "[gpu][model]") {
  // Without the CUDA kernels in this build the fused flag falls back to LibTorch's ops: nothing compared.
  REQUIRE(layer_kernels_run_on(gpu));
  model_config config;
  REQUIRE(preset_config("base", config));
  torch::manual_seed(8);
  mdm_transformer net(config);
  {
    torch::NoGradGuard no_grad;
    net->head->weight.normal_(0.0, 1.0);  // a zero head would give the blocks no gradient
  }
  net->to(gpu);
  auto tokens = torch::randint(0, 5, {4, config.context_length}, torch::kInt64).to(gpu);
  auto upstream = torch::randn({4, config.context_length, 4}).to(gpu);
  const torch::Tensor no_input;
  for (bool bf16 : {false, true}) {
    INFO((bf16 ? "bf16 autocast" : "float32"));
    auto run = [&] {
      compat::bf16_autocast autocast(bf16, gpu);
      return net->forward(tokens);
    };
    net->set_fused_layers(false);
    const auto composite = output_and_gradients(*net, no_input, run, upstream);
    net->set_fused_layers(true);
    const auto fused = output_and_gradients(*net, no_input, run, upstream);
    // float32: the same maths in another order (TF32 is off by default in LibTorch). bf16: the fused
    // ops round once where LibTorch's round after each op.
    check_all_close(fused, composite, bf16 ? 0.05 : 1e-4);
  }
}

int main(int argc, char* argv[]) {
  if (!torch::cuda::is_available()) {
    std::puts("GPU sampling: no CUDA GPU visible to LibTorch here, skipped");
    return 77;
  }
  // Catch returns the number of failed assertions: exactly 77 of them must not read as "skipped".
  const int failed = Catch::Session().run(argc, argv);
  return failed == 77 ? 1 : failed;
}
