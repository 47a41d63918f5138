// Training and forward throughput (tokens/s) of each preset on this machine. Prints figures; not a test.
//   bench_train [--presets tiny,small,base] [--batch B] [--seq-len L] [--steps N] [--threads T]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "core/model_internal.h"
#include "core/objective.h"
#include "core/runtime.h"

using namespace dnafill::core;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void bench_preset(const std::string& preset, int batch, int seq_len, int steps) {
  model_config config;
  if (!preset_config(preset, config)) return;
  const int length = seq_len > 0 ? std::min(seq_len, config.context_length) : config.context_length;
  torch::manual_seed(0);
  mdm_transformer net(config);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
  std::mt19937_64 rng(1);
  std::vector<token> clean(static_cast<std::size_t>(batch) * length);
  for (auto& t : clean) t = static_cast<token>(rng() % 4);
  auto step = [&] {
    auto m = mask_batch(clean, batch, length, objective_kind::continuous, rng);
    auto t = to_tensors(clean, m, torch::kCPU);
    auto loss = nelbo_per_sequence(net->forward(t.input), t).sum() / (batch * length);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  };
  step();  // warm up allocators and BLAS
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  const double train_s = seconds_since(start);
  torch::NoGradGuard no_grad;
  net->eval();
  auto input = torch::randint(0, 5, {batch, length}, torch::kInt64);
  net->forward(input);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) net->forward(input);
  const double forward_s = seconds_since(start);
  const double tokens = static_cast<double>(steps) * batch * length;
  // 6 N per token for training (forward + backward) and 2 N for a forward, plus attention.
  const double attn = 4.0 * length * config.d_model * config.n_layers;
  const double flops_fwd = 2.0 * config.parameter_count() + attn;
  std::printf("%-6s %9lld params  batch %3d x %4d  train %9.0f tokens/s (%6.1f GFLOP/s)  forward %9.0f tokens/s (%6.1f GFLOP/s)\n",
              preset.c_str(), static_cast<long long>(config.parameter_count()), batch, length, tokens / train_s,
              3 * flops_fwd * tokens / train_s / 1e9, tokens / forward_s, flops_fwd * tokens / forward_s / 1e9);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string presets = "tiny,small,base";
  int batch = 8, seq_len = 0, steps = 5, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--presets") presets = value;
    else if (flag == "--batch") batch = std::atoi(value.c_str());
    else if (flag == "--seq-len") seq_len = std::atoi(value.c_str());
    else if (flag == "--steps") steps = std::atoi(value.c_str());
    else if (flag == "--threads") threads = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "bench_train: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (batch < 1 || steps < 1) {
    std::fprintf(stderr, "bench_train: --batch and --steps must be positive\n");
    return 2;
  }
  set_threads(threads);
  std::printf("dnafill bench_train: LibTorch %s, %d threads, %s\n", torch_version().c_str(), thread_count(),
              machine_description().c_str());
  std::stringstream list(presets);
  for (std::string preset; std::getline(list, preset, ',');) bench_preset(preset, batch, seq_len, steps);
  return 0;
}
