// bench_infill: infill a hole in held-out windows with every sampler at several step counts, and the
// plain PyTorch reference beside it. Prints seconds, network calls and the model's conditional
// bits/base of the designed bases (the exact first-hit sampler is the quality reference).
//
// usage: bench_infill [--model M] [--in FASTA] [--windows N] [--variants K] [--hole H] [--window W]
//                     [--score-draws D] [--threads T] [--python PATH|none] [--quick]
//                     [--only first-hit,ancestral:16,confidence:8] [--device cpu|cuda]
//                     [--net-precision fp32|bf16] [--cuda-graph] [--layer-kernels torch|fused]
// --net-precision applies to the sampling of both implementations, --layer-kernels to dnafill's; every
// design is scored in fp32 with LibTorch's ops.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bio/fasta.h"
#include "core/design.h"
#include "core/runtime.h"
#include "core/scoring.h"
#include "bench_cli.h"
#include "held_out.h"

using namespace dnafill;

namespace {

struct bench_args {
  std::string model = DNAFILL_SOURCE_DIR "/models/small.safetensors";
  std::string in = DNAFILL_SOURCE_DIR "/examples/chrX_heldout.fa";
  std::string python = "/usr/bin/python3";
  std::string device = "cpu";
  std::string net_precision = "fp32";
  std::string layer_kernels = "torch";
  bool cuda_graph = false;
  int windows = 2, variants = 8, hole = 200, window = 1024, score_draws = 8, threads = 2;
  bool quick = false;  // fewer configurations, for a smoke run
  std::string only;    // "first-hit,ancestral:16,confidence:8": run just these
};

struct config {
  core::sampler_kind kind;
  int steps;
};

struct figures {
  double seconds = 0, cpu = 0, calls = 0, nats = 0, bases = 0, variance = 0;
  std::vector<double> design_bits;  // one per design: their spread is the sampling noise of `bits`
  void add_score(const core::score_result& r) {
    nats += r.nats;
    bases += static_cast<double>(r.bases);
    variance += r.variance;
    design_bits.push_back(r.bits_per_base());
  }
  // Standard error of the mean over designs: sampling noise and scoring noise together.
  double design_error() const {
    const double n = static_cast<double>(design_bits.size());
    if (n < 2) return 0.0;
    double mean = 0, sum2 = 0;
    for (double b : design_bits) mean += b / n;
    for (double b : design_bits) sum2 += (b - mean) * (b - mean);
    return std::sqrt(sum2 / (n - 1) / n);
  }
  double bits() const { return nats / (bases * std::log(2.0)); }
  double standard_error() const { return std::sqrt(variance) / (bases * std::log(2.0)); }
};

// The central `window` bases of each record: the job's record; the hole sits in its middle.
core::score_result score_design(const core::mdm_model& model, const std::vector<core::token>& tokens,
                                const bio::interval& hole, const bench_args& a, std::uint64_t seed) {
  core::score_result r;
  if (!bench::score_hole(model, tokens, hole, a.score_draws, seed, r)) std::fprintf(stderr, "scoring failed\n");
  return r;
}

// Runs the Python reference on one window; adds its time and calls, and scores its designs with ours.
bool run_python(const bench_args& a, const core::mdm_model& model, const std::string& window,
                const bio::interval& hole, const config& c, figures& f) {
  const std::string command = a.python + " " DNAFILL_SOURCE_DIR "/bench/reference_mdm.py " + a.model + " " + window +
                              " " + std::to_string(hole.start) + " " + std::to_string(hole.end) +
                              " --variants " + std::to_string(a.variants) + " --sampler " +
                              core::sampler_name(c.kind) + " --steps " + std::to_string(c.steps) +
                              " --threads " + std::to_string(a.threads) + " --device " + a.device +
                              " --net-precision " + a.net_precision;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return false;
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) text += buffer;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("seconds")) return false;
  f.seconds += j["seconds"].get<double>();
  f.cpu += j["cpu_seconds"].get<double>();
  f.calls += j["network_calls"].get<double>();
  std::uint64_t seed = 1000;
  for (const auto& d : j["designs"]) f.add_score(score_design(model, core::encode(d.get<std::string>()), hole, a, seed++));
  return true;
}

constexpr char usage[] =
    "usage: bench_infill [--model M] [--in FASTA] [--windows N] [--variants K] [--hole H] [--window W]\n"
    "                    [--score-draws D] [--threads T] [--python PATH|none] [--quick]\n"
    "                    [--only first-hit,ancestral:16,confidence:8] [--device cpu|cuda]\n"
    "                    [--net-precision fp32|bf16] [--cuda-graph] [--layer-kernels torch|fused]\n";

bench_args parse(int argc, char** argv) {
  bench::exit_on_help(argc, argv, usage);
  bench_args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--quick") { a.quick = true; continue; }
    if (k == "--cuda-graph") { a.cuda_graph = true; continue; }
    const std::string v = bench::value_of(argc, argv, i, "bench_infill");
    if (k == "--model") a.model = v;
    else if (k == "--in") a.in = v;
    else if (k == "--python") a.python = v;
    else if (k == "--windows") a.windows = bench::whole_number("bench_infill", k, v, 1, 1000000);
    else if (k == "--variants") a.variants = bench::whole_number("bench_infill", k, v, 1, 4096);
    else if (k == "--hole") a.hole = bench::whole_number("bench_infill", k, v, 1, 1000000);
    else if (k == "--window") a.window = bench::whole_number("bench_infill", k, v, 2, 1000000);
    else if (k == "--score-draws") a.score_draws = bench::whole_number("bench_infill", k, v, 0, 4096);
    else if (k == "--threads") a.threads = bench::whole_number("bench_infill", k, v, 0, 1024);
    else if (k == "--only") a.only = v;
    else if (k == "--device") a.device = v;
    else if (k == "--net-precision") a.net_precision = v;
    else if (k == "--layer-kernels") a.layer_kernels = v;
    else bench::refuse_option("bench_infill", k, "unknown option");
  }
  return a;
}

void print_header(const bench_args& a, const core::mdm_model& model, const std::string& device, std::size_t windows) {
  std::printf("bench_infill: %d variants of a %d-base hole in a %d-base window, %zu held-out windows of %s\n",
              a.variants, a.hole, a.window, windows, a.in.c_str());
  std::printf("model %s (%s, %lld parameters); %s; %d threads; torch %s\n", a.model.c_str(),
              model.config().preset.c_str(), static_cast<long long>(model.config().parameter_count()),
              core::machine_description(device).c_str(), core::thread_count(), core::torch_version().c_str());
  std::printf("network %s for sampling (fp32 for scoring); CUDA graph %s; %s layer kernels\n",
              a.net_precision.c_str(), a.cuda_graph ? "on" : "off", a.layer_kernels.c_str());
  char load[128] = "?\n";
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (!std::fgets(load, sizeof load, f)) load[0] = 0;
    std::fclose(f);
  }
  std::printf("load average at start: %s", load);
  std::printf("bits/base: the model's conditional bits/base of the designed bases (%d MC draws each); se(MC):\n"
              "standard error from the scoring draws only; se(all): over designs (sampling + scoring noise)\n\n",
              a.score_draws);
}

// The samplers and step counts to run: --only's list, else every sampler at several step counts.
bool sampler_configs(const bench_args& a, std::vector<config>& configs) {
  configs = {{core::sampler_kind::first_hit, 0}};
  for (int t : a.quick ? std::vector<int>{16} : std::vector<int>{8, 16, 32, 64})
    configs.push_back({core::sampler_kind::ancestral, t});
  for (int t : a.quick ? std::vector<int>{16} : std::vector<int>{8, 16, 32})
    configs.push_back({core::sampler_kind::confidence, t});
  if (a.only.empty()) return true;
  configs.clear();
  for (std::size_t from = 0; from <= a.only.size();) {
    const auto to = std::min(a.only.find(',', from), a.only.size());
    const auto item = a.only.substr(from, to - from);
    const auto colon = item.find(':');
    config c{core::sampler_kind::first_hit, 0};
    if (!core::parse_sampler_kind(item.substr(0, colon), c.kind)) {
      std::fprintf(stderr, "bench_infill: --only: bad item '%s'\n", item.c_str());
      return false;
    }
    if (colon != std::string::npos) c.steps = static_cast<int>(bench::whole_number("bench_infill", "--only " + item, item.substr(colon + 1), 1, 1000000));
    configs.push_back(c);
    from = to + 1;
  }
  return true;
}

// One sampler setting over every window: the timed design, then each design scored (untimed).
bool run_config(core::mdm_model& model, const std::vector<std::pair<std::string, std::string>>& windows,
                const bio::interval& hole, const bench_args& a, const config& c, figures& f) {
  for (std::size_t w = 0; w < windows.size(); ++w) {
    core::design_options o;
    o.sampler.kind = c.kind;
    o.sampler.steps = std::max(1, c.steps);
    o.sampler.seed = 1 + w;
    o.sampler.cuda_graph = a.cuda_graph;
    o.variants = a.variants;
    o.score_draws = 0;  // scored below, outside the timing
    core::infill_request request{windows[w].first, core::encode(windows[w].second), {hole}};
    std::vector<core::design> designs;
    core::design_stats stats;
    const auto t0 = std::chrono::steady_clock::now();
    const auto c0 = std::clock();
    auto s = core::set_inference_precision(model, a.net_precision);
    if (s) s = core::set_layer_kernels(model, a.layer_kernels);
    if (s) s = core::infill(model, request, o, designs, {}, &stats);
    if (!s) {
      std::fprintf(stderr, "bench_infill: %s\n", s.message().c_str());
      return false;
    }
    f.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    f.cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;  // all threads of the process
    (void)core::set_inference_precision(model, "fp32");  // designs of either precision scored alike
    (void)core::set_layer_kernels(model, "torch");
    f.calls += static_cast<double>(stats.network_calls);
    std::uint64_t seed = 1000;
    for (const auto& d : designs) f.add_score(score_design(model, core::with_design(request.tokens, d), hole, a, seed++));
  }
  return true;
}

// bench/reference_mdm.py's ancestral-16 on the same windows, beside ours.
void run_python_reference(const bench_args& a, const core::mdm_model& model,
                          const std::vector<std::pair<std::string, std::string>>& windows, const bio::interval& hole,
                          const figures& ours) {
  const config reference = {core::sampler_kind::ancestral, 16};
  figures py;
  bool ok = true;
  for (std::size_t w = 0; w < windows.size() && ok; ++w) ok = run_python(a, model, windows[w].second, hole, reference, py);
  if (!ok) {
    std::printf("\nPython reference: did not run (%s with torch needed)\n", a.python.c_str());
    return;
  }
  const double n = static_cast<double>(windows.size());
  std::printf("%-12s %6d %10.2f %10.2f %8.0f %10.4f %8.4f %8.4f   (plain PyTorch, bench/reference_mdm.py)\n",
              "python-ref", reference.steps, py.seconds / n, py.cpu / n, py.calls / n, py.bits(), py.standard_error(),
              py.design_error());
  std::printf("\nancestral-16: C++ %.2f s (%.2f CPU s)/window, Python %.2f s (%.2f CPU s)/window: "
              "Python/C++ = %.2f wall, %.2f CPU\n",
              ours.seconds / n, ours.cpu / n, py.seconds / n, py.cpu / n, py.seconds / ours.seconds, py.cpu / ours.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  const auto a = parse(argc, argv);
  core::choose_blas_kernels();
  core::keep_allocations_in_heap();
  core::set_threads(a.threads);
  core::mdm_model model;
  std::string device = a.device;
  std::vector<std::pair<std::string, std::string>> windows;
  if (!bench::load_design_inputs("bench_infill", a.model, device, a.in, a.windows, a.window, model, windows)) return 1;
  const bio::interval hole{(a.window - a.hole) / 2, (a.window - a.hole) / 2 + a.hole};
  std::vector<config> configs;
  if (!sampler_configs(a, configs)) return 1;
  print_header(a, model, device, windows.size());

  figures truth;
  for (std::size_t w = 0; w < windows.size(); ++w)
    truth.add_score(score_design(model, core::encode(windows[w].second), hole, a, 1));
  std::printf("s/window: wall seconds per window (all K variants); cpu: CPU seconds of all threads\n");
  std::printf("%-12s %6s %10s %10s %8s %10s %8s %8s\n", "sampler", "steps", "s/window", "cpu", "calls", "bits/base", "se(MC)",
              "se(all)");
  std::printf("%-12s %6s %10s %10s %8s %10.4f %8.4f\n", "true hole", "-", "-", "-", "-", truth.bits(),
              truth.standard_error());
  std::fflush(stdout);

  std::map<std::string, figures> results;
  for (const auto& c : configs) {
    figures f;
    if (!run_config(model, windows, hole, a, c, f)) return 1;
    const double n = static_cast<double>(windows.size());
    std::printf("%-12s %6s %10.2f %10.2f %8.0f %10.4f %8.4f %8.4f\n", core::sampler_name(c.kind),
                c.kind == core::sampler_kind::first_hit ? "-" : std::to_string(c.steps).c_str(), f.seconds / n,
                f.cpu / n, f.calls / n, f.bits(), f.standard_error(), f.design_error());
    std::fflush(stdout);
    results[std::string(core::sampler_name(c.kind)) + std::to_string(c.steps)] = f;
  }
  if (a.python != "none" && results.count("ancestral16")) run_python_reference(a, model, windows, hole, results["ancestral16"]);
  return 0;
}
