// run_job: items designed one by one, each delivered to the sinks as one item, the run's life recorded.
#include "core/job.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/masking.h"
#include "core/runtime.h"
#include "core/sampler.h"
#include "data/json_text.h"
#include "data/sha256.h"

namespace dnafill::core {
namespace {

std::string absolute_path(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

nlohmann::json options_json(const design_options& o) {
  const auto& p = o.sampler;
  const auto steps = p.uses_steps() ? nlohmann::json(p.steps) : nlohmann::json();  // null: first-hit
  nlohmann::json json = {
      {"sampler", sampler_name(p.kind)},          {"steps", steps},
      {"temperature", p.temperature},             {"top_p", p.top_p},
      {"precision", precision_name(p.precision)}, {"confidence", confidence_name(p.confidence)},
      {"schedule", schedule_name(p.schedule)},    {"cache", p.cache},
      {"guidance", p.guidance},                   {"seed", p.seed},
      {"num", o.variants},                        {"score_draws", o.score_draws},
      {"window", o.blocks.window},                {"overlap", o.blocks.overlap},
      {"stride", o.blocks.stride},                {"constraints", bio::constraint_names(o.constraints)},
      {"gc_target", o.gc_target.target},          {"gc_weight", o.gc_target.weight},
      {"label", o.label}};
  // Settings that change the designs but were added later enter only when not at their defaults, so
  // the resume keys of existing runs stay what they were.
  if (p.cuda_graph) json["cuda_graph"] = true;
  if (o.rc_ensemble) json["rc_ensemble"] = true;
  // From 2026-12-02 top-p trims what the constraints and the GC tilt leave (it came first), first-hit
  // goes on left to right after a dead end, and the dead-end budget grows with the design: a run whose
  // draws that changed is not resumed into one begun before.
  const bool hard = !o.constraints.empty(), soft = o.gc_target.target >= 0;
  if (hard || (soft && p.top_p < 1.0)) json["constrained_draws"] = 2;
  // From 2026-12-04 a batch item holds the whole reach of the rules, where it held one window each
  // side: a run whose rules look further (repeats, a run limit) is not resumed into one begun before,
  // which could miss a far violation. Motifs and GC rules reach no further than a window: such runs
  // resume as they were.
  if (o.constraints.repeat_k > 0 || o.constraints.max_run != std::array<int, 4>{}) json["constrained_draws"] = 3;
  return json;
}

// What the store keeps of a design's constraint check: the violations and the designed holes, both
// in record coordinates, 1-based, as the violations' details are.
std::string constraint_report(const job_item& item, const design& d) {
  auto violations = nlohmann::json::array(), holes = nlohmann::json::array();
  for (const auto& v : d.violations)
    violations.push_back({{"constraint", v.constraint}, {"position", v.position + 1}, {"detail", v.detail}});
  for (const auto& h : item.holes) holes.push_back({item.offset + h.start + 1, item.offset + h.end});
  return data::json_text({{"violations", violations}, {"holes", holes}});
}

double elapsed(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// "record 'chr1' region 3" for messages (1-based, as a person counts).
std::string item_name(const job_item& item) {
  return "record '" + item.record + "' region " + std::to_string(item.key.region_index + 1);
}

struct job_state {
  job_state(const mdm_model& m, const design_options& o, data::design_sink& s, const job_callback& p,
            const std::atomic<bool>* stop)
      : model(m), options(o), sink(s), progress(p), stop_now(stop) {}
  const mdm_model& model;
  const design_options& options;
  data::design_sink& sink;
  const job_callback& progress;
  const std::atomic<bool>* stop_now;  // stops the item in hand too (may be null)
  bool stopped() const { return stop_now && stop_now->load(); }
  std::int64_t run_id = 0;  // as the sinks recorded it (0: not recorded)
  job_progress now;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void report(double fraction) {
    if (!progress) return;
    now.item_fraction = fraction;
    now.seconds = elapsed(started);
    progress(now);
  }
};

// One item: skipped when a sink holds it, else designed and put.
status run_item(job_state& j, const job_item& item) {
  j.now.record_index = item.key.record_index;
  bool done = false;
  std::vector<data::design_record> kept;
  if (auto s = j.sink.completed(item.key, done, &kept); !s) return s;
  if (done) {
    j.now.items_done += 1;
    j.now.designs_done += static_cast<std::int64_t>(kept.size());
    j.now.designs_resumed += static_cast<std::int64_t>(kept.size());
    j.report(0.0);
    return {};
  }
  j.report(0.0);
  design_options options = j.options;
  options.sampler.seed = item.seed;
  // No tokens: infill encodes the span it works on, not the whole record (a chromosome) once more.
  const infill_request request{item.record, {}, item.holes, item.bases, item.offset};
  auto windows = [&](const design_event& e) {
    j.report(static_cast<double>(e.windows_done) / std::max<std::int64_t>(1, e.windows));
    return !j.stopped();
  };
  std::vector<design> designs;
  if (auto s = infill(j.model, request, options, designs, windows); !s) return status::fail(item_name(item) + ": " + s.message());
  data::item_designs out{item.key, {}};
  for (const auto& d : designs) {
    out.designs.push_back(design_to_record(item, d));
    out.designs.back().run_id = j.run_id;
  }
  if (auto s = j.sink.put(out); !s) return s;
  j.now.items_done += 1;
  j.now.designs_done += static_cast<std::int64_t>(out.designs.size());
  j.report(1.0);
  return {};
}

}  // namespace

item_list::item_list(std::vector<job_item> items, std::int64_t records, int variants) : items_(std::move(items)) {
  totals_.records = records;
  totals_.items = static_cast<std::int64_t>(items_.size());
  totals_.designs = totals_.items * variants;
}

bool item_list::next(job_item& item) {
  if (next_ >= items_.size()) return false;
  item = items_[next_++];
  return true;
}

status make_run_record(const mdm_model& model, const std::string& kind, const design_options& options,
                       const nlohmann::json& extra, const std::string& input, data::run_record& run) {
  run = {};
  run.kind = kind;
  auto parameters = options_json(options);
  if (inference_precision(model) != "fp32") parameters["net_precision"] = inference_precision(model);
  for (const auto& [key, value] : extra.items()) parameters[key] = value;
  // A CRAM's reference, kept where it is for people and for db export, which must not write over it.
  if (parameters.contains("reference")) parameters["reference"] = absolute_path(parameters["reference"].get<std::string>());
  run.parameters = data::json_text(parameters);
  run.seed = options.sampler.seed;
  std::int64_t size = 0;
  if (auto s = data::sha256_file_remembered(model.path(), run.model.sha256, size); !s) return s;
  run.model.path = absolute_path(model.path());
  run.model.config = model.config().to_json();
  if (!input.empty()) {
    data::source_record source;
    source.path = absolute_path(input);
    if (auto s = data::sha256_file_remembered(input, source.sha256, source.size); !s) return s;
    run.source = source;
  }
  // Paths stay out of the key, so that a moved file with the same bytes resumes: the input and the
  // model go in by content, and so does a BED mask (mask_sha256); its path is kept for people only.
  auto keyed = parameters;
  if (keyed.contains("mask_sha256")) keyed["mask"] = "bed:";
  keyed.erase("reference");  // the CRAM's bases are the input's: a run made before it was kept resumes
  // First-hit runs are keyed with the default steps, as they were when their steps were recorded: any
  // --steps resumes them, and those of older stores made with the default --steps keep their keys.
  if (!options.sampler.uses_steps()) keyed["steps"] = sampler_params{}.steps;
  run.resume_key = data::sha256_hex(kind + "\n" + data::json_text(keyed) + "\n" + run.model.sha256 + "\n" +
                                    (run.source ? run.source->sha256 : std::string()));
  return {};
}

namespace {

// What LibTorch throws (an allocation that failed) fails the item like any error: the run is then
// recorded failed, not left "running" in the store.
status run_item_safely(job_state& j, const job_item& item) {
  try {
    return run_item(j, item);
  } catch (const std::exception& e) {
    return status::fail(item_name(item) + ": " + describe_exception(e));
  }
}

}  // namespace

status run_job(const mdm_model& model, item_source& items, const design_options& options, const data::run_record& run,
               data::design_sink& sink, const std::atomic<bool>* cancel, const job_callback& progress,
               job_summary& summary, const std::atomic<bool>* stop_now) {
  summary = {};
  job_state j(model, options, sink, progress, stop_now);
  j.now.totals = items.totals();
  data::run_record planned = run;
  planned.items_total = j.now.totals.items;
  planned.designs_total = j.now.totals.designs;
  status result = sink.start(planned);
  j.run_id = planned.id;
  bool cancelled = false;
  job_item item;
  // The flag is read after next(): a Ctrl-C during the last item leaves nothing to cancel.
  while (result && items.next(item)) {
    if ((cancelled = (cancel && cancel->load()) || j.stopped())) break;
    result = run_item_safely(j, item);
    // An item stopped half-way is dropped: the run ends cancelled, not failed.
    if (!result && j.stopped()) {
      result = {};
      cancelled = true;
      break;
    }
  }
  if (result && !cancelled) result = items.error();
  if (result && !cancelled) j.now.record_index = j.now.totals.records;
  summary.status = !result ? data::run_status::failed : cancelled ? data::run_status::cancelled : data::run_status::done;
  summary.error = !result ? result.message() : cancelled ? "cancelled by the user" : "";
  j.report(0.0);
  summary.progress = j.now;
  // A failure to record the outcome (the disk that failed the item) must not hide why the run failed.
  auto finished = sink.finish(summary.status, summary.error);
  if (!result) return result;
  if (!finished) {
    summary.status = data::run_status::failed;
    summary.error = finished.message();
  }
  return finished;
}

data::design_record design_to_record(const job_item& item, const design& d) {
  data::design_record r;
  r.record = item.record;
  r.record_index = item.key.record_index;
  r.region_index = item.key.region_index;
  r.variant = d.variant;
  const auto start = item.holes.front().start, end = item.holes.back().end;  // d's region, in the item
  r.region_start = d.region_start;
  r.region_end = d.region_end;
  r.sequence.assign(item.bases.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)));
  for (const auto& hole : item.holes)
    for (auto i = hole.start; i < hole.end; ++i) {
      const char base = decode_token(d.tokens[static_cast<std::size_t>(i - start)]);
      const bool lower = std::islower(static_cast<unsigned char>(item.bases[static_cast<std::size_t>(i)]));
      r.sequence[static_cast<std::size_t>(i - start)] =
          lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(base))) : base;
    }
  r.designed_bases = d.designed_bases;
  r.gc = d.gc;
  r.bits_per_base = d.bits_per_base;
  r.constraints_ok = d.constraints_ok;
  r.constraint_report = constraint_report(item, d);
  return r;
}

double fraction_done(const job_progress& p) {
  if (p.totals.designs <= 0) return 0.0;
  const double per_item = p.totals.items > 0 ? static_cast<double>(p.totals.designs) / p.totals.items : 0.0;
  const double fraction = std::clamp((p.designs_done + p.item_fraction * per_item) / p.totals.designs, 0.0, 1.0);
  // The last item's windows done, its designs are still being scored and checked: not 100% yet.
  return p.designs_done < p.totals.designs ? std::min(fraction, 0.999) : fraction;
}

std::string describe_progress(const job_progress& p) {
  auto count_of = [](std::int64_t done, std::int64_t total) { return std::to_string(done) + "/" + std::to_string(total); };
  std::string text = "records " + count_of(std::min(p.record_index + 1, p.totals.records), p.totals.records) +
                     "  designs " + count_of(p.designs_done, p.totals.designs);
  if (p.designs_resumed > 0) text += " (" + std::to_string(p.designs_resumed) + " resumed)";
  const auto made = p.designs_done - p.designs_resumed;
  if (made > 0 && p.seconds > 0) {
    const double rate = made / p.seconds;
    char r[32];
    std::snprintf(r, sizeof r, "  %.2f/s", rate);
    text += r;
    text += "  ETA " + format_duration(static_cast<double>(p.totals.designs - p.designs_done) / rate);
  } else {
    text += "  ETA --";
  }
  return text;
}

std::string describe_done(const job_progress& p) {
  auto count = [](std::int64_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
  std::string text = count(p.designs_done, "design", "designs") + " of " + count(p.totals.items, "region", "regions") +
                     " in " + count(p.totals.records, "record", "records");
  if (p.designs_resumed > 0) text += " (" + std::to_string(p.designs_resumed) + " found done)";
  return text;
}

std::uint64_t record_seed(std::uint64_t seed, std::int64_t record_index) {
  return record_index == 0 ? seed : derive_seed(seed, static_cast<std::uint64_t>(record_index));
}

std::string format_duration(double seconds) {
  const long s = std::lround(seconds);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%lds", s);
  return text;
}

design_check read_design_check(const data::design_record& d) {
  design_check check;
  const auto report = nlohmann::json::parse(d.constraint_report, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object()) return check;
  auto list = [&](const char* key) { return report.contains(key) && report[key].is_array() ? report[key] : nlohmann::json::array(); };
  // A store is a file a user may hand us from anywhere: fields of the wrong type read as empty.
  auto text = [](const nlohmann::json& v, const char* key) {
    return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
  };
  for (const auto& v : list("violations"))
    if (v.is_object()) {
      const bool placed = v.contains("position") && v["position"].is_number_integer();
      check.violations.push_back({text(v, "constraint"), placed ? v["position"].get<std::int64_t>() - 1 : 0, text(v, "detail")});
    }
  for (const auto& h : list("holes"))
    if (h.is_array() && h.size() == 2 && h[0].is_number_integer() && h[1].is_number_integer())
      check.holes.push_back({h[0].get<std::int64_t>() - 1, h[1].get<std::int64_t>()});
  return check;
}

void constraint_summary::add(const data::design_record& d) {
  ++designs;
  if (d.constraints_ok) return;
  if (++failed > 1) return;
  first_failure = d.record + " variant " + std::to_string(d.variant);
  const auto check = read_design_check(d);
  if (!check.violations.empty())
    first_failure += ": " + check.violations[0].constraint + ": " + check.violations[0].detail;
}

std::string apply_design(const std::string& original, const data::design_record& d) {
  std::string text = original;
  if (static_cast<std::int64_t>(text.size()) < d.region_end) text.resize(static_cast<std::size_t>(d.region_end), 'N');
  text.replace(static_cast<std::size_t>(d.region_start), d.sequence.size(), d.sequence);
  return text;
}

std::vector<std::string_view> design_pieces(std::string_view original, const data::design_record& d) {
  const auto start = std::min(original.size(), static_cast<std::size_t>(d.region_start));
  const auto end = std::min(original.size(), static_cast<std::size_t>(d.region_end));
  return {original.substr(0, start), d.sequence, original.substr(end)};
}

}  // namespace dnafill::core
