// Training and forward throughput (tokens/s) of each preset on this machine. Prints figures; not a test.
//   bench_train [--presets tiny,small,base] [--batch B] [--seq-len L] [--steps N] [--threads T]
//               [--device cpu|cuda] [--precision fp32|bf16] [--layer-kernels torch|fused] [--peak-tflops P]
//               [--phases K]
// With --peak-tflops (the device's dense peak for the precision used) it prints model FLOPs utilisation.
// --presets also takes shapes D/LAYERS/HEADS/MLP (e.g. 768/12/12/2048): how utilisation grows with width.
// --phases K times K more steps part by part (batch, forward + loss, backward, optimizer), waiting for
// the device after each part.
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "core/compat.h"
#include "core/model_internal.h"
#include "core/objective.h"
#include "core/runtime.h"
#include "bench_cli.h"

using namespace dnafill::core;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct bench_options {
  int batch = 8, seq_len = 0, steps = 5;
  torch::Device device = torch::kCPU;
  bool bf16 = false;
  std::string layer_kernels = "torch";
  int phase_steps = 0;        // --phases K: K more steps timed part by part
  double peak_tflops = 0;
};

// A preset name, or a shape D/LAYERS/HEADS/MLP (context 1,024) to see how the utilisation grows with width.
bool model_for(const std::string& name, model_config& config) {
  int d = 0, layers = 0, heads = 0, mlp = 0;
  char tail = 0;
  if (std::sscanf(name.c_str(), "%d/%d/%d/%d%c", &d, &layers, &heads, &mlp, &tail) == 4) {
    config.preset = name;
    config.d_model = d;
    config.n_layers = layers;
    config.n_heads = heads;
    config.d_mlp = mlp;
    config.context_length = 1024;
    if (auto s = config.validate(); !s) {
      std::fprintf(stderr, "bench_train: %s\n", s.message().c_str());
      return false;
    }
    return true;
  }
  if (auto s = preset_config(name, config); !s) {
    std::fprintf(stderr, "bench_train: %s\n", s.message().c_str());
    return false;
  }
  return true;
}

// Waits for queued GPU work so that wall time measures it.
void synchronize(const torch::Tensor& t) { (void)t.sum().item<double>(); }

// Seconds of `b.steps` training steps (after two to warm up allocators, BLAS and kernel selection);
// then --phases' steps with each part waited for and added to `parts` (batch, forward + loss, backward,
// optimizer), which serialises the step: for where the time goes, not for the throughput.
double time_training(mdm_transformer& net, int length, const bench_options& b, std::array<double, 4>& parts) {
  const int batch = b.batch;
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
  std::mt19937_64 rng(1);
  std::vector<token> clean(static_cast<std::size_t>(batch) * length);
  for (auto& t : clean) t = static_cast<token>(rng() % 4);
  torch::Tensor loss;
  auto step = [&](bool timed) {
    auto mark = std::chrono::steady_clock::now();
    auto lap = [&](int part, const torch::Tensor& done) {
      if (!timed) return;
      synchronize(done);
      parts[part] += seconds_since(mark);
      mark = std::chrono::steady_clock::now();
    };
    auto m = mask_batch(clean, batch, length, objective_kind::continuous, rng);
    auto t = to_tensors(clean, m, b.device);
    lap(0, t.input);
    {
      compat::bf16_autocast autocast(b.bf16, b.device);
      loss = nelbo_per_sequence(net->forward(t.input), t).sum() / (batch * length);
    }
    lap(1, loss);
    optimizer.zero_grad();
    loss.backward();
    lap(2, net->embedding->weight.grad());
    optimizer.step();
    lap(3, net->embedding->weight);
  };
  step(false);
  step(false);
  synchronize(loss);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < b.steps; ++i) step(false);
  synchronize(loss);
  const double seconds = seconds_since(start);
  for (int i = 0; i < b.phase_steps; ++i) step(true);
  return seconds;
}

// Seconds of `b.steps` forward passes in evaluation mode (after one to warm up).
double time_forward(mdm_transformer& net, int length, const bench_options& b) {
  torch::NoGradGuard no_grad;
  net->eval();
  auto input = torch::randint(0, 5, {b.batch, length}, torch::kInt64).to(b.device);
  torch::Tensor logits;
  auto forward = [&] {
    compat::bf16_autocast autocast(b.bf16, b.device);
    logits = net->forward(input);
  };
  forward();
  synchronize(logits);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < b.steps; ++i) forward();
  synchronize(logits);
  return seconds_since(start);
}

bool bench_preset(const std::string& preset, const bench_options& b) {
  model_config config;
  if (!model_for(preset, config)) return false;
  const int length = b.seq_len > 0 ? std::min(b.seq_len, config.context_length) : config.context_length;
  torch::manual_seed(0);
  mdm_transformer net(config);
  net->to(b.device);
  {
    auto model = wrap_model(config, net);  // shares the module
    if (auto s = set_layer_kernels(model, b.layer_kernels); !s) {
      std::fprintf(stderr, "bench_train: %s\n", s.message().c_str());
      return false;
    }
  }
  std::array<double, 4> parts{};
  const double train_s = time_training(net, length, b, parts);
  const double forward_s = time_forward(net, length, b);
  const double tokens = static_cast<double>(b.steps) * b.batch * length;
  // 6 N per token for training (forward + backward) and 2 N for a forward, plus attention.
  const double attn = 4.0 * length * config.d_model * config.n_layers;
  const double flops_fwd = 2.0 * config.parameter_count() + attn;
  const double train_gflops = 3 * flops_fwd * tokens / train_s / 1e9;
  std::printf("%-6s %9lld params  batch %3d x %4d  train %9.0f tokens/s (%8.1f GFLOP/s)  forward %9.0f tokens/s (%8.1f GFLOP/s)",
              preset.c_str(), static_cast<long long>(config.parameter_count()), b.batch, length, tokens / train_s,
              train_gflops, tokens / forward_s, flops_fwd * tokens / forward_s / 1e9);
  if (b.peak_tflops > 0) std::printf("  train MFU %.1f%%", 100.0 * train_gflops / (1000.0 * b.peak_tflops));
  std::printf("\n");
  if (b.phase_steps > 0)
    std::printf("%-6s ms a step, each part waited for (%d steps): batch %.2f  forward+loss %.2f  backward %.2f  "
                "optimizer %.2f\n",
                preset.c_str(), b.phase_steps, 1e3 * parts[0] / b.phase_steps, 1e3 * parts[1] / b.phase_steps,
                1e3 * parts[2] / b.phase_steps, 1e3 * parts[3] / b.phase_steps);
  std::fflush(stdout);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string presets = "tiny,small,base", device = "cpu", precision = "fp32";
  bench_options b;
  int threads = 0;
  dnafill::bench::exit_on_help(argc, argv,
                      "usage: bench_train [--presets tiny,small,base] [--batch B] [--seq-len L] [--steps N] [--threads T]\n"
                      "                   [--device cpu|cuda] [--precision fp32|bf16] [--layer-kernels torch|fused]\n"
                      "                   [--peak-tflops P] [--phases K]\n");
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i], value = dnafill::bench::value_of(argc, argv, i, "bench_train");
    if (flag == "--presets") presets = value;
    else if (flag == "--batch") b.batch = dnafill::bench::whole_number("bench_train", flag, value, 1, 1000000);
    else if (flag == "--seq-len") b.seq_len = dnafill::bench::whole_number("bench_train", flag, value, 1, 1000000);
    else if (flag == "--steps") b.steps = dnafill::bench::whole_number("bench_train", flag, value, 1, 1000000000);
    else if (flag == "--device") device = value;
    else if (flag == "--precision") precision = value;
    else if (flag == "--layer-kernels") b.layer_kernels = value;
    else if (flag == "--phases") b.phase_steps = dnafill::bench::whole_number("bench_train", flag, value, 0, 1000000);
    else if (flag == "--peak-tflops") b.peak_tflops = dnafill::bench::real_number("bench_train", flag, value, 0, 1e6, false);
    else if (flag == "--threads") threads = dnafill::bench::whole_number("bench_train", flag, value, 0, 1024);
    else dnafill::bench::refuse_option("bench_train", flag, "unknown option");
  }
  if (b.batch < 1 || b.steps < 1 || b.phase_steps < 0) {
    std::fprintf(stderr, "bench_train: --batch and --steps must be positive, --phases not negative\n");
    return 2;
  }
  std::string resolved;
  if (auto s = resolve_device(device, resolved); !s) {
    std::fprintf(stderr, "bench_train: %s\n", s.message().c_str());
    return 2;
  }
  if (precision != "fp32" && precision != "bf16") {
    std::fprintf(stderr, "bench_train: --precision: fp32 or bf16\n");
    return 2;
  }
  b.device = torch::Device(resolved);
  b.bf16 = precision == "bf16";
  if (auto s = check_layer_kernels(b.layer_kernels); !s) {
    std::fprintf(stderr, "bench_train: %s\n", s.message().c_str());
    return 2;
  }
  choose_blas_kernels();
  keep_allocations_in_heap();  // as dnafill's main does: without it, page faults took half of a CPU step
  set_threads(threads);
  std::printf("dnafill bench_train: LibTorch %s, %d threads, %s, %s, %s layer kernels\n", torch_version().c_str(),
              thread_count(), machine_description(resolved).c_str(), precision.c_str(), b.layer_kernels.c_str());
  std::stringstream list(presets);
  bool all_ran = true;
  for (std::string preset; std::getline(list, preset, ',');) all_ran = bench_preset(preset, b) && all_ran;
  return all_ran ? 0 : 2;
}
