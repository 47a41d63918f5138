// Design jobs: holes placed in windows (both flanks when they fit), long spans filled block by block,
// K variants as K rows of one batch, each design scored by the model's conditional bits/base.
#include "core/design.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <climits>
#include <limits>

#include "bio/sequence.h"
#include "core/constraint_mask.h"
#include "core/masking.h"
#include "core/runtime.h"
#include "core/sampling.h"
#include "core/scoring.h"

namespace dnafill::core {
namespace {

// The scoring of a design draws from a stream of its own: with the sampler's (block b and scored
// piece i both seeded derive_seed(seed, i)), the masks that score a design were the uniforms that
// drew it, and the score was biased (+0.09 bits/base measured on 2-base holes at --steps 1).
constexpr std::uint64_t score_stream = 0x73636f72;  // "scor"

// Groups of holes whose whole span fits in one block with its left context: filled by one window.
std::vector<std::vector<bio::interval>> group_holes(const std::vector<bio::interval>& holes, const block_options& b) {
  std::vector<std::vector<bio::interval>> groups;
  for (const auto& hole : holes) {
    if (!groups.empty() && hole.end - groups.back().front().start + b.overlap <= b.window)
      groups.back().push_back(hole);
    else
      groups.push_back({hole});
  }
  return groups;
}

// The positions [start, end) of `holes` that a block commits.
std::vector<bool> free_in(const std::vector<bio::interval>& holes, const block_plan& block) {
  std::vector<bool> free(block.window_end - block.window_start, false);
  for (const auto& hole : holes)
    for (auto i = std::max(hole.start, block.commit_start); i < std::min(hole.end, block.commit_end); ++i)
      free[i - block.window_start] = true;
  return free;
}

torch::Tensor row_mask(const std::vector<bool>& flags, std::int64_t rows) {
  auto mask = torch::zeros({1, static_cast<std::int64_t>(flags.size())}, torch::kBool);
  auto a = mask.accessor<bool, 2>();
  for (std::size_t i = 0; i < flags.size(); ++i) a[0][i] = flags[i];
  return mask.expand({rows, -1}).contiguous();
}

// What one design request carries through its passes over the holes (not core::run_job's job).
struct fill_pass {
  const mdm_model& model;
  const design_options& options;
  block_options blocks;
  const design_callback& callback;
  design_stats& stats;
  constraint_guard* guard = nullptr;  // set when there are constraints or soft objectives
  std::int64_t label_token = mask_token;  // --label; MASK = none
};

// The token of --label in this model; MASK when no label is asked for.
status resolve_label(const mdm_model& model, const std::string& label, std::int64_t& token) {
  token = mask_token;
  if (label.empty()) return {};
  const auto names = model_labels(model);
  if (names.empty()) return status::fail("--label: the model was trained without labels (train --labels)");
  const auto it = std::find(names.begin(), names.end(), label);
  if (it == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return status::fail("--label: the model has no label '" + label + "' (it has " + known + ")");
  }
  token = base_vocab + (it - names.begin());
  return {};
}

// Fills the holes of `work` (K rows of the record, holes already MASK), group by group, block by block.
status fill_holes(fill_pass& j, torch::Tensor& work, const std::vector<bio::interval>& holes) {
  const auto n = work.size(1), rows = work.size(0);
  std::vector<std::pair<const std::vector<bio::interval>*, block_plan>> plan;
  const auto groups = group_holes(holes, j.blocks);
  for (const auto& group : groups)
    for (const auto& block : plan_blocks(group.front().start, group.back().end, n, j.blocks))
      plan.emplace_back(&group, block);
  std::vector<bool> in_hole(n, false);
  for (const auto& hole : holes) std::fill(in_hole.begin() + hole.start, in_hole.begin() + hole.end, true);

  auto net = model_denoiser(j.model, j.label_token, j.options.rc_ensemble);
  // With a label, guidance contrasts it with the null label; without one, with the context masked.
  auto unlabelled = j.label_token != mask_token ? model_denoiser(j.model, mask_token, j.options.rc_ensemble) : nullptr;
  for (std::size_t b = 0; b < plan.size(); ++b) {
    const auto& block = plan[b].second;
    const auto width = block.window_end - block.window_start;
    auto window = work.narrow(1, block.window_start, width).clone();
    auto free = row_mask(free_in(*plan[b].first, block), rows);
    // Guidance masks the fixed context (everything outside the holes) for the unconditional pass.
    auto context = row_mask(std::vector<bool>(in_hole.begin() + block.window_start, in_hole.begin() + block.window_end), rows)
                       .logical_not();
    guided_denoiser guided(*net, context, j.options.sampler.guidance);
    std::unique_ptr<label_guided_denoiser> label_guided;
    if (unlabelled) label_guided = std::make_unique<label_guided_denoiser>(*net, *unlabelled, j.options.sampler.guidance);
    // A window of holes only has no context to mask: both passes would be the same, at twice the cost.
    const bool has_context = std::find(in_hole.begin() + block.window_start, in_hole.begin() + block.window_end, false) !=
                             in_hole.begin() + block.window_end;
    denoiser& used = j.options.sampler.guidance <= 0.0 ? *net
                     : label_guided             ? static_cast<denoiser&>(*label_guided)
                     : has_context              ? static_cast<denoiser&>(guided)
                                                : *net;
    std::mt19937_64 rng(derive_seed(j.options.sampler.seed, b));
    sampling_stats s;
    const auto calls_before = j.stats.network_calls;
    auto forward = [&](const sampling_event& e) {
      return !j.callback ||
             j.callback({static_cast<std::int64_t>(b), static_cast<std::int64_t>(plan.size()), calls_before + e.network_calls});
    };
    std::unique_ptr<constraint_guard::window_view> view;
    if (j.guard) view = std::make_unique<constraint_guard::window_view>(*j.guard, block.window_start, block.commit_start, block.commit_end);
    if (auto st = sample(used, window, free, j.options.sampler, rng, forward, &s, view.get()); !st) return st;
    j.stats.network_calls += s.network_calls;
    j.stats.windows += 1;
    work.narrow(1, block.window_start, width).copy_(window);
    if (j.callback && !j.callback({static_cast<std::int64_t>(b + 1), static_cast<std::int64_t>(plan.size()), j.stats.network_calls}))
      return status::fail("cancelled");
  }
  return {};
}

// Whether text[from, to) is one run of a concrete base: a run crossing `from` goes on to `to`.
bool one_run(std::string_view text, std::int64_t from, std::int64_t to) {
  for (auto i = from; i < to; ++i)
    if (!bio::same_concrete_base(text[i], text[from])) return false;
  return from < to;
}

// The independent check of one design: the span's text with the row's bases in the holes, numbered
// from `origin` (where the span begins in the whole record).
std::vector<bio::constraint_violation> check_design(std::string_view text, const std::vector<token>& row,
                                                    const std::vector<bio::interval>& holes,
                                                    const bio::constraint_set& set, std::int64_t origin) {
  std::string designed(text);
  for (const auto& hole : holes)
    for (auto i = hole.start; i < hole.end; ++i) designed[i] = decode_token(row[i]);
  return bio::check_constraints(designed, holes, set, origin);
}

// One design per row of `work`, which holds the record's `span` (`text`, its bases as read): each keeps
// the row's region, scored over `holes` (in the span's coordinates) and checked in the span, which
// holds every base the rules look at.
status make_designs(fill_pass& j, const infill_request& request, std::string_view text, const bio::interval& span,
                    const torch::Tensor& work, const std::vector<bio::interval>& holes, std::vector<design>& out) {
  out.clear();
  const auto width = work.size(1);
  auto rows = work.to(torch::kUInt8).contiguous();
  std::vector<std::vector<token>> spans;
  for (std::int64_t k = 0; k < work.size(0); ++k) {
    const auto* p = rows[k].data_ptr<std::uint8_t>();
    spans.emplace_back(p, p + width);
  }
  std::vector<double> bits(spans.size(), std::numeric_limits<double>::quiet_NaN());
  if (j.options.score_draws > 0) {
    score_options so;
    so.mc_draws = j.options.score_draws;
    so.window = j.blocks.window;  // the blocks the design was made in: its bases scored in the same pieces
    so.overlap = j.blocks.overlap;
    so.stride = j.blocks.stride;
    so.seed = j.options.sampler.seed ^ score_stream;
    so.rc_ensemble = j.options.rc_ensemble;  // scored under the distribution it was drawn from
    for (std::size_t k = 0; k < spans.size(); ++k) {
      score_result r;
      if (auto s = score_holes(j.model, {spans[k]}, {holes}, so, r); !s) return s;
      bits[k] = r.bits_per_base();
    }
  }
  const auto origin = request.offset + span.start;
  const auto first = holes.front().start, last = holes.back().end;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    design d;
    d.record = request.record;
    d.variant = static_cast<int>(k) + 1;
    d.region_start = origin + first;
    d.region_end = origin + last;
    d.tokens.assign(spans[k].begin() + first, spans[k].begin() + last);
    std::int64_t gc = 0;
    for (const auto& hole : holes)
      for (auto i = hole.start; i < hole.end; ++i) {
        d.designed_bases += is_base(spans[k][i]) ? 1 : 0;
        gc += spans[k][i] == token_c || spans[k][i] == token_g;
      }
    d.gc = d.designed_bases > 0 ? static_cast<double>(gc) / d.designed_bases : 0.0;
    d.bits_per_base = bits[k];
    d.violations = check_design(text, spans[k], holes, j.options.constraints, origin);
    d.constraints_ok = d.violations.empty();
    spans[k] = {};
    out.push_back(std::move(d));
  }
  return {};
}

status check_request(const infill_request& request, std::string_view text) {
  const auto& record = request.record;
  if (request.holes.empty()) return status::fail(record + ": no hole to fill");
  for (const auto& hole : request.holes)
    if (hole.end <= hole.start) return status::fail(record + ": empty hole at " + std::to_string(hole.start + 1));
  if (!request.tokens.empty() && request.tokens.size() != text.size())
    return status::fail(record + ": the record's text and tokens differ in length");
  return bio::check_intervals(record, request.holes, static_cast<std::int64_t>(text.size()));
}

status design_holes(const mdm_model& model, const infill_request& request, const design_options& options,
                    std::vector<design>& out, const design_callback& callback, design_stats* stats) {
  if (auto s = options.validate(model.config()); !s) return s;
  design_stats local;
  fill_pass j{model, options, {}, callback, stats ? *stats : local};
  if (auto s = options.blocks.resolve(model.config(), j.blocks); !s) return s;
  if (auto s = resolve_label(model, options.label, j.label_token); !s) return s;
  const std::string decoded = request.text.empty() ? decode(request.tokens) : std::string();
  const std::string_view text = request.text.empty() ? std::string_view(decoded) : request.text;
  if (auto s = check_request(request, text); !s) return s;

  const auto span = design_span(text, request.holes, j.blocks.window, options.constraints);
  const auto width = span.end - span.start;
  const auto span_text = text.substr(span.start, width);
  std::vector<bio::interval> in_span = request.holes;  // in the span's coordinates
  for (auto& hole : in_span) hole = {hole.start - span.start, hole.end - span.start};
  // The K rows of the span are worked on as int64 tokens (8 bytes a base), and copied out of it as bytes.
  const std::string what = "--num " + std::to_string(options.variants) + " variants of " + std::to_string(width) + " bases";
  if (auto s = check_memory(options.variants * 9.0 * width, what); !s) return s;
  auto tokens = request.tokens.empty() ? encode(span_text)
                                       : std::vector<token>(request.tokens.begin() + span.start, request.tokens.begin() + span.end);
  auto row = torch::from_blob(tokens.data(), {1, width}, torch::kUInt8).to(torch::kInt64);
  for (const auto& hole : in_span) row.narrow(1, hole.start, hole.end - hole.start).fill_(static_cast<std::int64_t>(mask_token));
  auto work = row.expand({options.variants, width}).contiguous();
  std::unique_ptr<constraint_guard> guard;
  if (!options.constraints.empty() || options.gc_target.target >= 0.0) {
    // Dead ends are local conflicts, as many more as the design is longer: a fixed budget was spent
    // by 600 bases of --gc 100-100 --max-homopolymer 1, and the rest forced, where 3,000 can be met.
    std::int64_t budget = options.max_dead_ends;
    for (const auto& hole : in_span) budget += hole.end - hole.start;
    guard = std::make_unique<constraint_guard>(options.constraints, options.gc_target, span_text, in_span,
                                               options.variants, static_cast<int>(std::min<std::int64_t>(budget, INT_MAX)));
  }
  j.guard = guard.get();
  if (auto s = fill_holes(j, work, in_span); !s) return s;
  if (guard) j.stats.constraints = guard->stats();
  return make_designs(j, request, span_text, span, work, in_span, out);
}

}  // namespace

status block_options::resolve(const model_config& config, block_options& out) const {
  block_options r = *this;
  if (r.window == 0) r.window = config.context_length;
  if (r.window < 2 || r.window > config.context_length)
    return status::fail("--window: must be in 2.." + std::to_string(config.context_length) +
                        " (the model's context length), got " + std::to_string(r.window));
  if (r.overlap < -1) return status::fail("--overlap: must be >= 0, got " + std::to_string(r.overlap));
  if (r.overlap == -1) r.overlap = r.window / 2;
  if (r.overlap >= r.window)
    return status::fail("--overlap: must be below the window (" + std::to_string(r.window) + "), got " +
                        std::to_string(r.overlap));
  if (r.stride == 0) r.stride = r.window - r.overlap;
  if (r.stride < 1 || r.stride + r.overlap > r.window)
    return status::fail("--stride: must be in 1.." + std::to_string(r.window - r.overlap) +
                        " (window - overlap), got " + std::to_string(r.stride));
  out = r;
  return {};
}

status design_options::validate(const model_config& config) const {
  if (auto s = sampler.validate(); !s) return s;
  if (variants < 1 || variants > 10000) return status::fail("--num: must be in 1..10000, got " + std::to_string(variants));
  if (score_draws < 0 || score_draws > 4096)
    return status::fail("--score-draws: must be in 0..4096, got " + std::to_string(score_draws));
  if (auto s = constraints.validate(); !s) return s;
  if (gc_target.target >= 0.0 && !(gc_target.target <= 1.0))
    return status::fail("--gc-target: must be in [0, 1], got " + std::to_string(gc_target.target));
  if (!(gc_target.weight >= 0.0 && gc_target.weight <= 1000.0))
    return status::fail("--gc-weight: must be in [0, 1000], got " + std::to_string(gc_target.weight));
  if (max_dead_ends < 0) return status::fail("max dead ends must be >= 0");
  block_options resolved;
  return blocks.resolve(config, resolved);
}

status design_options::validate(const mdm_model& model) const {
  if (auto s = validate(model.config()); !s) return s;
  std::int64_t token = mask_token;
  return resolve_label(model, label, token);
}

bio::interval design_span(std::string_view text, const std::vector<bio::interval>& holes, std::int64_t window,
                          const bio::constraint_set& constraints) {
  // Why a span: a 100-base hole of a 250 Mb record took 3.8 GB as int64 tokens of the whole record,
  // and one of a 2.2 Gb record was killed for memory.
  const auto n = static_cast<std::int64_t>(text.size());
  const std::int64_t reach = std::max(window, constraints.reach());
  auto from = std::max<std::int64_t>(0, holes.front().start - reach);
  auto to = std::min(n, holes.back().end + reach);
  // Only a run that reaches a hole is the design's, and only a homopolymer limit counts it: followed
  // always, a run of A made every batch item of a 20 Mb poly-A record the whole record.
  if (constraints.max_run != std::array<int, 4>{}) {
    auto wide_from = from, wide_to = to;
    bio::widen_through_runs(text, wide_from, wide_to);
    if (wide_from < from && one_run(text, from, holes.front().start)) from = wide_from;
    if (wide_to > to && one_run(text, holes.back().end, to)) to = wide_to;
  }
  return {from, to};
}

std::vector<block_plan> plan_blocks(std::int64_t start, std::int64_t end, std::int64_t record_length,
                                    const block_options& b) {
  std::vector<block_plan> plan;
  const std::int64_t window = std::min<std::int64_t>(b.window, record_length);
  for (std::int64_t p = start; p < end;) {
    const auto left = end - p;
    if (left + b.overlap <= window || record_length <= b.window) {
      // The last block: centred on what is left, so it sees the right flank as well as the left.
      const auto a = std::clamp<std::int64_t>(p - (window - left) / 2, 0, record_length - window);
      plan.push_back({a, a + window, p, end});
      break;
    }
    const auto a = std::max<std::int64_t>(0, p - b.overlap);
    const auto commit_end = std::min({end, p + b.stride, a + window});
    plan.push_back({a, a + window, p, commit_end});
    p = commit_end;
  }
  return plan;
}

status infill(const mdm_model& model, const infill_request& request, const design_options& options,
              std::vector<design>& out, const design_callback& callback, design_stats* stats) {
  return design_holes(model, request, options, out, callback, stats);
}

status generate(const mdm_model& model, const std::string& record, const std::vector<token>& prefix,
                std::int64_t length, const design_options& options, std::vector<design>& out,
                const design_callback& callback, design_stats* stats) {
  if (length < 1) return status::fail("--length: must be >= 1, got " + std::to_string(length));
  std::vector<token> tokens = prefix;
  tokens.resize(prefix.size() + static_cast<std::size_t>(length), mask_token);
  const auto start = static_cast<std::int64_t>(prefix.size());
  return design_holes(model, {record, std::move(tokens), {{start, start + length}}}, options, out, callback, stats);
}

std::vector<token> with_design(std::vector<token> record, const design& d) {
  if (static_cast<std::int64_t>(record.size()) < d.region_end) record.resize(static_cast<std::size_t>(d.region_end), mask_token);
  std::copy(d.tokens.begin(), d.tokens.end(), record.begin() + d.region_start);
  return record;
}

}  // namespace dnafill::core
