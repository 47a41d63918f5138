// dnafill score: bits per base of the sequences of a FASTA file under a model.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/design_cli.h"
#include "bio/fasta.h"
#include "core/design.h"
#include "core/runtime.h"
#include "data/json_text.h"
#include "core/scoring.h"

namespace dnafill::app {
namespace {

// The tokens score_holes reads of a masked record: the part its windows lie in (core::design_span: a
// window each side of the holes), the holes moved into it. Its windows and draws are those of the
// whole record, and a chromosome is not held twice (--region scored a 2.2 Gb record in 4.5 GB).
std::vector<core::token> masked_span(const std::string& bases, std::vector<bio::interval>& holes, std::int64_t window) {
  if (holes.empty()) return {};
  const auto span = core::design_span(bases, holes, window, {});
  for (auto& hole : holes) hole = {hole.start - span.start, hole.end - span.start};
  return core::encode(std::string_view(bases).substr(static_cast<std::size_t>(span.start),
                                                     static_cast<std::size_t>(span.end - span.start)));
}

struct score_args {
  std::string model, in, region, mask, device = "auto", net_precision = "auto";
  core::score_options options;
  bool json = false;
  int threads = 0;
};

int run_score(const score_args& args) {
  // Masked N bases have no base to score (infill's --mask N fills them; score has nothing to compare).
  if (args.mask == "N") return fail("score", "--mask N: an N has no base to score; give lowercase, bed:FILE or --region");
  if (bio::mask_spec spec; !args.mask.empty())
    if (auto s = bio::parse_mask_spec(args.mask, spec, /*takes_n=*/false); !s) return fail("score", s.message());
  core::set_threads(args.threads);
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model, args.device, args.net_precision); !s) return fail("score", s.message());
  if (auto s = args.options.validate(model.config()); !s) return fail("score", s.message());
  std::vector<std::vector<core::token>> sequences;
  // With --region or --mask only the masked bases are scored, given the rest (conditional bits/base).
  // (--region reads only its record where the file's index allows.)
  const bool masked = !args.region.empty() || !args.mask.empty();
  masked_records input;
  auto read = masked ? read_masked_records(args.region, args.mask, args.in, input)
                     : bio::for_each_record(args.in, [&](bio::sequence_record& r) { input.records.push_back(std::move(r)); });
  if (!read) return fail("score", read.message());
  const std::int64_t window = args.options.window > 0 ? args.options.window : model.config().context_length;
  for (std::size_t i = 0; i < input.records.size(); ++i) {  // the text goes as its tokens come
    auto& r = input.records[i];
    sequences.push_back(masked ? masked_span(r.bases, input.holes[i], window) : core::encode(r.bases));
    std::string().swap(r.bases);
  }

  progress_bar bar("score");
  core::score_result r;
  auto progress = [&](std::int64_t done, std::int64_t total) {
    bar.update(static_cast<double>(done) / total, std::to_string(done) + "/" + std::to_string(total) + " windows");
    return true;
  };
  auto s = masked ? core::score_holes(model, sequences, input.holes, args.options, r, progress)
                  : core::score_sequences(model, sequences, args.options, r, progress);
  if (!s) return fail("score", args.in + ": " + s.message());
  bar.finish();
  // One draw per window has no spread to estimate the error from: unknown, not zero.
  const bool has_error = args.options.mc_draws > 1;
  if (args.json) {
    const nlohmann::json error = has_error ? nlohmann::json(r.standard_error_bits()) : nlohmann::json();
    std::cout << data::json_text(nlohmann::json{{"file", args.in},          {"model", model.path()},
                                {"bits_per_base", r.bits_per_base()}, {"standard_error", error},
                                {"bases", r.bases},         {"windows", r.windows},
                                {"mc_draws", args.options.mc_draws}, {"seed", args.options.seed},
                                {"conditional", masked},   {"net_precision", core::inference_precision(model)},
                                {"rc_ensemble", args.options.rc_ensemble}})
              << "\n";
    return 0;
  }
  if (masked) std::printf("masked bases only, given the rest: ");
  char error[64] = "standard error unknown with --mc 1";
  if (has_error) std::snprintf(error, sizeof error, "standard error %.4f", r.standard_error_bits());
  std::printf("%s: %.4f bits/base (%s) over %lld base%s in %lld window%s\n", args.in.c_str(), r.bits_per_base(), error,
              static_cast<long long>(r.bases), r.bases == 1 ? "" : "s", static_cast<long long>(r.windows),
              r.windows == 1 ? "" : "s");
  std::printf("model %s (%s%s); uniform guessing scores 2.0000, lower is better\n", model.path().c_str(),
              model.config().preset.c_str(), args.options.rc_ensemble ? ", both strands averaged" : "");
  return 0;
}

}  // namespace

command_runner add_score_command(CLI::App& cli) {
  auto args = std::make_shared<score_args>();
  auto* sub = cli.add_subcommand("score", "Bits per base of a FASTA file under the model");
  sub->add_option("--model", args->model, "Checkpoint (.safetensors); default: the shipped model");
  sub->add_option("--in", args->in, "FASTA or FASTQ file (plain, gzip or bgzip)")->required();
  auto* region = sub->add_option("--region", args->region, "Score only this region (NAME:START-END) given the rest");
  region->excludes(
      sub->add_option("--mask", args->mask, "Score only the masked bases given the rest: lowercase | bed:FILE"));
  sub->add_option("--mc", args->options.mc_draws, "Monte-Carlo masking draws per window")->capture_default_str();
  // Negative is never a window: refused as the line is parsed (exit 2), as design's --window is.
  check_range(sub->add_option("--window", args->options.window, "Window length; default (or 0): the model's context"), 0,
              std::numeric_limits<int>::max());
  sub->add_flag("--rc-ensemble", args->options.rc_ensemble,
                "Average the model's log-probabilities over both strands (twice the cost)");
  check_seed(sub->add_option("--seed", args->options.seed, "Seed of the masking draws")->capture_default_str());
  check_threads(sub->add_option("--threads", args->threads, "Intra-op threads; default (or 0): all cores"));
  sub->add_option("--device", args->device, "cpu, cuda or auto")->capture_default_str();
  add_net_precision_option(*sub, args->net_precision);
  sub->add_flag("--json", args->json, "Print one JSON object");
  return [args] { return run_score(*args); };
}

}  // namespace dnafill::app
