// bench_constraints: infill a hole in held-out windows without constraints and under rule sets (the
// twist preset; the check: BsaI, BsmBI, EcoRI, homopolymer <= 5, GC 30-70% per 50 bp). Prints
// the success rate (designs that pass bio::check_constraints, re-run here on the text a user gets),
// seconds per design, dead ends, and the model's conditional bits/base of the designs: the cost of
// the constraints is the difference to the unconstrained designs.
//
// usage: bench_constraints [--model M] [--in FASTA] [--windows N] [--variants K] [--hole H]
//                          [--window W] [--steps T] [--score-draws D] [--threads T] [--only a,b]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "bio/constraints.h"
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
  int windows = 8, variants = 8, hole = 200, window = 1024, steps = 8, score_draws = 4, threads = 2;
  std::string only;  // "none,twist,check": run just these
};

struct rule_set {
  std::string name;
  bio::constraint_set set;
};

// The rules each configuration decodes under; "none" is checked against the twist rules (how often a
// plain design would pass them anyway).
std::vector<rule_set> rule_sets() {
  rule_set none{"none", {}}, twist{"twist", {}}, check{"check", {}};
  (void)bio::add_preset("twist", twist.set);
  for (const char* enzyme : {"BsaI", "BsmBI", "EcoRI"}) (void)bio::add_forbidden(enzyme, check.set);
  check.set.max_run = {5, 5, 5, 5};
  check.set.gc = {{0.3, 0.7, 0}, {0.3, 0.7, 50}};
  return {none, twist, check};
}

struct figures {
  int designs = 0, passed = 0, claimed = 0, passed_twist = 0, passed_check = 0;
  double seconds = 0;
  std::int64_t dead_ends = 0, forced = 0;
  std::vector<double> bits;  // per design
  double mean_bits() const {
    double sum = 0;
    for (double b : bits) sum += b;
    return bits.empty() ? NAN : sum / bits.size();
  }
  double error_bits() const {  // standard error of the mean over designs
    const double n = static_cast<double>(bits.size()), m = mean_bits();
    double sum2 = 0;
    for (double b : bits) sum2 += (b - m) * (b - m);
    return n < 2 ? 0.0 : std::sqrt(sum2 / (n - 1) / n);
  }
};

constexpr char usage[] =
    "usage: bench_constraints [--model M] [--in FASTA] [--windows N] [--variants K] [--hole H]\n"
    "                         [--window W] [--steps T] [--score-draws D] [--threads T] [--only a,b]\n";

bench_args parse(int argc, char** argv) {
  bench::exit_on_help(argc, argv, usage);
  bench_args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i], v = bench::value_of(argc, argv, i, "bench_constraints");
    if (k == "--model") a.model = v;
    else if (k == "--in") a.in = v;
    else if (k == "--windows") a.windows = bench::whole_number("bench_constraints", k, v, 1, 1000000);
    else if (k == "--variants") a.variants = bench::whole_number("bench_constraints", k, v, 1, 4096);
    else if (k == "--hole") a.hole = bench::whole_number("bench_constraints", k, v, 1, 1000000);
    else if (k == "--window") a.window = bench::whole_number("bench_constraints", k, v, 2, 1000000);
    else if (k == "--steps") a.steps = bench::whole_number("bench_constraints", k, v, 1, 1000000);
    else if (k == "--score-draws") a.score_draws = bench::whole_number("bench_constraints", k, v, 0, 4096);
    else if (k == "--threads") a.threads = bench::whole_number("bench_constraints", k, v, 0, 1024);
    else if (k == "--only") a.only = v;
    else bench::refuse_option("bench_constraints", k, "unknown option");
  }
  return a;
}

// One window under one rule set: K designs, timed, checked and scored.
bool run_window(const core::mdm_model& model, const bench_args& a, const std::pair<std::string, std::string>& w,
                std::uint64_t seed, const rule_set& rules, const std::vector<rule_set>& all, figures& f) {
  const bio::interval hole{(a.window - a.hole) / 2, (a.window - a.hole) / 2 + a.hole};
  core::design_options o;
  o.sampler.steps = a.steps;
  o.sampler.seed = seed;
  o.variants = a.variants;
  o.score_draws = 0;  // scored below, outside the timing
  o.constraints = rules.set;
  core::infill_request request{w.first, core::encode(w.second), {hole}, w.second};
  std::vector<core::design> designs;
  core::design_stats stats;
  const auto t0 = std::chrono::steady_clock::now();
  if (auto s = core::infill(model, request, o, designs, {}, &stats); !s) {
    std::fprintf(stderr, "bench_constraints: %s\n", s.message().c_str());
    return false;
  }
  f.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.dead_ends += stats.constraints.dead_ends;
  f.forced += stats.constraints.forced;
  for (const auto& d : designs) {
    const auto tokens = core::with_design(request.tokens, d);
    std::string text = w.second;
    for (auto i = hole.start; i < hole.end; ++i) text[i] = core::decode_token(tokens[i]);
    ++f.designs;
    f.claimed += d.constraints_ok;
    f.passed += bio::check_constraints(text, {hole}, rules.set).empty();
    f.passed_twist += bio::check_constraints(text, {hole}, all[1].set).empty();
    f.passed_check += bio::check_constraints(text, {hole}, all[2].set).empty();
    core::score_result r;
    if (!bench::score_hole(model, tokens, hole, a.score_draws, 1000 + f.designs, r)) return false;
    f.bits.push_back(r.bits_per_base());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const auto a = parse(argc, argv);
  core::choose_blas_kernels();
  core::keep_allocations_in_heap();
  core::set_threads(a.threads);
  core::mdm_model model;
  std::string device = "cpu";
  std::vector<std::pair<std::string, std::string>> windows;
  if (!bench::load_design_inputs("bench_constraints", a.model, device, a.in, a.windows, a.window, model, windows)) return 1;
  std::printf("bench_constraints: %d variants of a %d-base hole in the middle of %zu held-out %d-base windows of %s\n",
              a.variants, a.hole, windows.size(), a.window, a.in.c_str());
  std::printf("model %s; ancestral, %d steps; %d threads; %s; bits/base from %d MC draws per design\n",
              a.model.c_str(), a.steps, core::thread_count(), core::machine_description().c_str(), a.score_draws);
  std::printf("pass: designs that pass their own rules (re-checked here); claimed: constraints_ok as reported;\n"
              "twist/check: designs that would pass those rule sets; s/design: wall seconds of decoding per design\n\n");
  std::printf("%-7s %8s %8s %8s %8s %9s %9s %7s %10s %8s\n", "rules", "designs", "pass", "claimed", "twist", "check",
              "s/design", "dead", "bits/base", "se");
  const auto sets = rule_sets();
  std::vector<figures> results(sets.size());
  auto selected = [&](std::size_t c) {
    return a.only.empty() || ("," + a.only + ",").find("," + sets[c].name + ",") != std::string::npos;
  };
  // Window by window, every rule set in turn: a machine whose load changes during the run slows them alike.
  for (std::size_t w = 0; w < windows.size(); ++w)
    for (std::size_t c = 0; c < sets.size(); ++c)
      if (selected(c) && !run_window(model, a, windows[w], 1 + w, sets[c], sets, results[c])) return 1;
  for (std::size_t c = 0; c < sets.size(); ++c) {
    const auto& f = results[c];
    if (!selected(c)) continue;
    const double n = f.designs;
    std::printf("%-7s %8d %7.1f%% %7.1f%% %7.1f%% %8.1f%% %9.2f %7lld %10.4f %8.4f\n", sets[c].name.c_str(), f.designs,
                100.0 * f.passed / n, 100.0 * f.claimed / n, 100.0 * f.passed_twist / n, 100.0 * f.passed_check / n,
                f.seconds / n, static_cast<long long>(f.dead_ends), f.mean_bits(), f.error_bits());
    if (f.forced > 0) std::printf("        (%lld bases forced after the retries ran out)\n", static_cast<long long>(f.forced));
  }
  std::printf("\n");
  const auto& none = results[0];
  for (std::size_t c = 1; c < sets.size(); ++c) {
    const auto& f = results[c];
    if (none.bits.empty() || f.bits.empty()) continue;
    std::printf("cost of %s: %+.4f bits/base (se %.4f), decoding time x%.2f\n", sets[c].name.c_str(),
                f.mean_bits() - none.mean_bits(), std::hypot(f.error_bits(), none.error_bits()),
                (f.seconds / f.designs) / (none.seconds / none.designs));
  }
  return 0;
}
