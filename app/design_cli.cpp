// Sampler options of the design commands, and their output (FASTA and JSON lines).
#include "app/design_cli.h"

#include "app/common.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

#include <sys/stat.h>

#include "bio/fasta_writer.h"
#include "bio/indexed_fasta.h"
#include "bio/region.h"
#include "bio/sequence_source.h"
#include "core/checkpoint.h"
#include "core/job.h"
#include "core/runtime.h"
#include "data/json_text.h"
#include "data/text_sinks.h"

namespace dnafill::app {

status design_args::resolve(std::vector<named_path> inputs) {
  auto& p = options.sampler;
  if (auto s = core::parse_sampler_kind(sampler, p.kind); !s) return s;
  if (auto s = core::parse_precision(precision, p.precision); !s) return s;
  if (auto s = core::parse_confidence(confidence, p.confidence); !s) return s;
  if (auto s = core::parse_schedule(schedule, p.schedule); !s) return s;
  p.cache = !no_cache;
  // An option of another sampler than the one chosen, or --cuda-graph where no GPU runs the network,
  // would change nothing: said, not ignored.
  for (const auto& [option, name, kind] : {std::tuple{confidence_option, "--confidence", core::sampler_kind::confidence},
                                           std::tuple{schedule_option, "--schedule", core::sampler_kind::confidence},
                                           std::tuple{no_cache_option, "--no-cache", core::sampler_kind::ancestral}})
    if (option && option->count() > 0 && p.kind != kind)
      return status::fail(std::string(name) + ": only for --sampler " + core::sampler_name(kind) + " (the sampler is " +
                          core::sampler_name(p.kind) + ")");
  if (std::string resolved; p.cuda_graph && core::resolve_device(device, resolved) && resolved != "cuda")
    return status::fail("--cuda-graph: replays CUDA graphs, and the network runs on " + resolved + " here");
  if (auto s = constraints.resolve(options); !s) return s;
  if (auto s = p.validate(); !s) return s;
  // A name of standard output is "-": opened again, it was written over by what goes to stdout.
  out = as_standard_output(out);
  constraints.report = as_standard_output(constraints.report);
  for (std::size_t i = 0, given = inputs.size(); i < given; ++i)
    if (inputs[i].option == "--in" || inputs[i].option == "--reference")
      for (auto& index : index_inputs(inputs[i].option, inputs[i].path)) inputs.push_back(std::move(index));
  inputs.push_back({"--model", model.empty() ? core::default_model_path() : model});  // DNAFILL_MODEL or the shipped one
  // A run in a store keeps its input and model by content, hashed from the file after the read: a
  // stream read once cannot be hashed after (a FIFO's second open waited forever, stdin had no path).
  for (const auto& input : inputs)
    if (!db.empty() && !input.path.empty() && bio::is_stream(input.path))
      return status::fail(input.option + ": with --db the run keeps what it reads by its content, read again from the "
                                         "file: give a file, not standard input, a pipe or a device");
  // "-" is standard output for --out only: a store is a file, and a report beside the FASTA or the
  // JSON lines would be mixed into them.
  auto outputs = fasta_output("--out", out);
  outputs.push_back({"--report", constraints.report, "give a file; standard output holds the designs or their table", bio::output_kind::constraint_report});
  outputs.push_back({"--db", db, "a store is a file; '-' (standard output) cannot hold one"});
  const auto beside_store = store_files("--db", db);  // compared with, not checked as outputs
  inputs.insert(inputs.end(), beside_store.begin() + 1, beside_store.end());
  return check_paths(outputs, inputs);
}

void add_design_options(CLI::App& sub, design_args& a) {
  auto& p = a.options.sampler;
  sub.add_option("--model", a.model, "Checkpoint (.safetensors); default: the shipped model");
  sub.add_option("--num", a.options.variants, "Variants per record")->capture_default_str();
  sub.add_option("--sampler", a.sampler, "first-hit (exact, one call per base) | ancestral | confidence")
      ->capture_default_str();
  sub.add_option("--steps", p.steps, "Steps T of ancestral and confidence")->capture_default_str();
  sub.add_option("--temperature", p.temperature, "Logits / temperature")->capture_default_str();
  sub.add_option("--top-p", p.top_p, "Nucleus: keep the bases holding this much mass")->capture_default_str();
  sub.add_option("--precision", a.precision, "Categorical draws: fp64 (exact) | fp32 (biased Gumbel, for comparison)")
      ->capture_default_str();
  a.confidence_option = sub.add_option("--confidence", a.confidence, "Confidence sampler ranking (with --sampler confidence only): max-prob | margin | entropy")
                            ->capture_default_str();
  a.schedule_option =
      sub.add_option("--schedule", a.schedule, "Confidence sampler reveal schedule (with --sampler confidence only): linear | cosine")->capture_default_str();
  a.no_cache_option = sub.add_flag("--no-cache", a.no_cache, "Ancestral sampler only: call the network every step (same output, slower)");
  sub.add_option("--guidance", p.guidance, "Unsupervised classifier-free guidance weight w (0 = none)")
      ->capture_default_str();
  sub.add_flag("--rc-ensemble", a.options.rc_ensemble,
               "Average the model's log-probabilities over both strands at every step (twice the cost)");
  check_seed(sub.add_option("--seed", p.seed, "Seed of every draw")->capture_default_str());
  // Their defaults (0, -1, 0) mean "from the model and the window"; a value typed must be a real one.
  const double most = std::numeric_limits<int>::max();
  check_range(sub.add_option("--window", a.options.blocks.window, "Tokens per window; default: the model's context"), 2,
              most);
  check_range(sub.add_option("--overlap", a.options.blocks.overlap,
                             "Bases of written context each block sees; default: window/2"),
              0, most);
  check_range(sub.add_option("--stride", a.options.blocks.stride, "New bases per block; default: window - overlap"), 1,
              most);
  sub.add_option("--score-draws", a.options.score_draws, "Monte-Carlo draws for each design's bits/base (0: skip)")
      ->capture_default_str();
  sub.add_option("--out", a.out, "FASTA output (.gz: bgzip + index); default: stdout");
  sub.add_flag("--json", a.json, "One JSON object per design on stdout");
  sub.add_option("--db", a.db, "SQLite store: records the run (parameters, model, seed, status) and every design");
  check_threads(sub.add_option("--threads", a.threads, "Intra-op threads; default (or 0): all cores"));
  sub.add_option("--device", a.device, "Run the network on cpu, cuda or auto")->capture_default_str();
  add_net_precision_option(sub, a.net_precision);
  sub.add_flag("--cuda-graph", p.cuda_graph, "On the GPU: capture one sampling step as a CUDA graph and replay it");
  add_constraint_options(sub, a.constraints);
  // Two options that exclude each other, whatever name standard output goes by: a malformed command
  // line (exit 2), said before any work.
  sub.parse_complete_callback([&a] {
    if (a.json && as_standard_output(a.out) == "-")
      throw CLI::ValidationError("--out - and --json both write to standard output: give --out a file");
  });
}

namespace {

// Every record of the file, in memory, numbered as read; no holes yet.
status read_all(const std::string& in, masked_records& out) {
  auto s = bio::for_each_record(in, [&](bio::sequence_record& r) { out.records.push_back(std::move(r)); });
  if (!s) return s;
  out.in_file = static_cast<std::int64_t>(out.records.size());
  out.numbers.resize(out.records.size());
  std::iota(out.numbers.begin(), out.numbers.end(), std::int64_t{0});
  out.holes.assign(out.records.size(), {});
  return {};
}

status mask_holes(const std::string& mask, const std::string& in, masked_records& out) {
  bio::hole_finder finder;
  if (auto s = finder.open(mask, in); !s) return s;
  for (std::size_t i = 0; i < out.records.size(); ++i)
    if (auto s = finder.next(out.records[i].name, out.records[i].bases, out.holes[i]); !s) return s;
  return finder.finish();
}

// A region finds its record by name, so the name must be unique (designs are kept by record number).
status region_hole(const std::string& region, const std::string& in, masked_records& out) {
  const auto& records = out.records;
  std::map<std::string, std::size_t> index, second;  // a name's first record, and its second
  for (std::size_t i = 0; i < records.size(); ++i)
    if (!index.emplace(records[i].name, i).second) second.emplace(records[i].name, i);
  std::string twice;  // a name given twice that the region may mean: its length is no one record's
  auto lookup = [&](std::string_view name) -> std::int64_t {
    auto it = index.find(std::string(name));
    if (it != index.end() && second.count(it->first)) twice = it->first;
    return it == index.end() ? -1 : static_cast<std::int64_t>(records[it->second].bases.size());
  };
  bio::region r;
  const status parsed = bio::parse_region(region, lookup, r);
  if (!twice.empty())
    return status::fail("--in: " + in + ": record '" + printable(twice) + "' appears twice (records " +
                        std::to_string(index.at(twice) + 1) + " and " + std::to_string(second.at(twice) + 1) +
                        "), so a region cannot name it");
  if (!parsed) return status::fail("--region: " + parsed.message());
  if (r.length() < 1) return status::fail("--region: " + region + ": the region is empty");
  out.holes[index.at(r.contig)] = {{r.start, r.end}};
  return {};
}

// The region's record alone, through the faidx index beside `in`: only where there is one already
// (open() builds anew one that does not fit the file), and only one whose every record open() checked,
// which numbers the records as reading the file through would. `found` is false without such an index,
// and when the record cannot be fetched: what faidx takes but the reader does not (a space among the
// bases, a line ending of its own) is then found and said as the read of the whole file says it.
status indexed_region(const std::string& region, const std::string& in, masked_records& out, bool& found) {
  found = false;
  struct stat st;
  if (in == "-" || stat((in + ".fai").c_str(), &st) != 0) return {};
  bio::indexed_fasta index;
  if (!index.open(in) || index.record_count() < 0) return {};
  bio::region r;
  if (auto s = index.parse(region, r); !s) return status::fail("--region: " + s.message());
  if (r.length() < 1) return status::fail("--region: " + region + ": the region is empty");
  bio::sequence_record record;
  record.name = r.contig;
  if (!index.fetch(bio::region{r.contig, 0, index.contig_length(r.contig)}, record.bases)) return {};
  out.records.push_back(std::move(record));  // not `= {...}`: a list's elements are copied, a chromosome too
  out.holes = {{{r.start, r.end}}};
  out.numbers = {index.record_number(r.contig)};
  out.in_file = index.record_count();
  found = true;
  return {};
}

}  // namespace

const bio::sequence_record& masked_records::record(std::int64_t number) const {
  const auto at = std::lower_bound(numbers.begin(), numbers.end(), number);
  return records.at(static_cast<std::size_t>(at - numbers.begin()));
}

status read_masked_records(const std::string& region, const std::string& mask, const std::string& in,
                           masked_records& out) {
  out = {};
  if (region.empty() == mask.empty()) return status::fail("give exactly one of --region and --mask");
  if (!region.empty()) {
    bool found = false;
    if (auto s = indexed_region(region, in, out, found); !s || found) return s;
  }
  if (auto s = read_all(in, out); !s) return s;
  return region.empty() ? mask_holes(mask, in, out) : region_hole(region, in, out);
}

namespace {

// With --out and no --json, stdout is free for a table a person can read.
void print_summary(const std::vector<design_output>& designs, const std::string& out) {
  std::printf("wrote %zu design%s to %s\n", designs.size(), designs.size() == 1 ? "" : "s", out.c_str());
  print_design_table(designs);
}

}  // namespace

void print_design_table(const std::vector<design_output>& designs) {
  std::printf("%-30s %7s %-15s %6s %9s  %s\n", "record", "variant", "region", "GC", "bits/base", "constraints");
  for (const auto& o : designs) {
    const auto& d = o.design;
    const std::string region = std::to_string(d.region_start + 1) + "-" + std::to_string(d.region_end);
    std::printf("%-30s %7d %-15s %6.3f %9s  %s\n", one_line(d.record).c_str(), d.variant, region.c_str(), d.gc,
                data::bits_text(d.bits_per_base, 3).c_str(), d.constraints_ok ? "ok" : "FAILED");
  }
}

namespace {

status stdout_failed() { return status::fail(std::string("standard output: cannot write: ") + std::strerror(errno ? errno : EIO)); }

}  // namespace

status write_designs(const design_args& args, const std::vector<design_output>& designs, const std::string& model_path) {
  // The report first. When it cannot be written (a full disk) the designs are still written: without
  // --db they are nowhere else, and a run of minutes was thrown away for its report.
  status report;
  if (!args.constraints.report.empty())
    report = write_constraint_report(args.constraints.report, designs, args.options.constraints);
  bio::fasta_writer writer;
  const bool fasta = !args.out.empty() || !args.json;
  if (fasta)
    if (auto s = writer.open(args.out.empty() ? "-" : args.out); !s) return s;
  const auto& p = args.options.sampler;
  for (const auto& o : designs) {
    const auto& d = o.design;
    if (fasta)  // the record around the design is viewed, not copied: a chromosome is not held twice
      if (auto s = writer.write(data::design_name(d), {}, core::design_pieces(*o.original, d)); !s) return s;
    if (args.json) {
      nlohmann::json j = data::design_json(d);
      j["sequence"] = core::apply_design(*o.original, d);  // the whole record, as the FASTA
      j["violations"] = violations_json(o);
      j["holes"] = holes_json(o);
      j["sampler"] = core::sampler_name(p.kind);
      j["steps"] = p.uses_steps() ? nlohmann::json(p.steps) : nlohmann::json();
      j["seed"] = p.seed;
      j["model"] = model_path;
      // Checked at each line, while errno still tells why (a failed stream writes nothing more).
      errno = 0;
      std::cout << data::json_text(j) << "\n";
      if (!std::cout) return stdout_failed();
    }
  }
  errno = 0;
  std::cout.flush();
  if (args.json && !std::cout) return stdout_failed();
  if (fasta)
    if (auto s = writer.close(); !s) return s;
  if (!report)
    return status::fail(report.message() + " (the designs are " +
                        (args.out.empty() || args.out == "-" ? std::string("on standard output") : "in " + args.out) + ")");
  if (!args.out.empty() && !args.designs_on_stdout()) print_summary(designs, args.out);
  return constraint_outcome(designs);
}

}  // namespace dnafill::app
