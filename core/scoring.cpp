// Monte-Carlo NELBO scoring of whole sequences, window by window, K stratified draws per window.
#include "core/scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/design.h"
#include "core/model_internal.h"
#include "core/objective.h"

namespace dnafill::core {
namespace {

struct window_ref {
  const std::vector<token>* sequence;
  std::size_t start;
  int length;
};

// Windows grouped by length so that each forward pass has one shape.
std::map<int, std::vector<window_ref>> split_windows(const std::vector<std::vector<token>>& sequences, int window) {
  std::map<int, std::vector<window_ref>> by_length;
  for (const auto& seq : sequences)
    for (std::size_t start = 0; start < seq.size(); start += window) {
      const int n = static_cast<int>(std::min<std::size_t>(window, seq.size() - start));
      if (std::any_of(seq.begin() + start, seq.begin() + start + n, is_base))
        by_length[n].push_back({&seq, start, n});
    }
  return by_length;
}

// The model's logits of `input`, or with RC ensembling its log-probabilities averaged over both strands.
torch::Tensor model_logits(mdm_transformer& net, const torch::Tensor& input, bool rc_ensemble) {
  return rc_ensemble ? net->infer_both_strands(input) : net->infer(input);
}

// Tokens a forward pass of scoring holds at most (unless one row is more): half the sampler's CPU
// passes (core/sampling.cpp), as fast here as those and half the memory (a 3 kb record with 150 holes,
// windows of 1,024: 820 MB at its peak, 1.3 GB with 16,384).
constexpr std::int64_t pass_tokens = 8192;

// Rows of `length` tokens in one forward pass: at most batch_rows, and pass_tokens in all (both
// strands of --rc-ensemble count).
std::int64_t pass_rows(std::int64_t length, const score_options& options) {
  const std::int64_t most = std::min<std::int64_t>(options.batch_rows, pass_tokens / std::max<std::int64_t>(1, length));
  return std::max<std::int64_t>(1, most / (options.rc_ensemble ? 2 : 1));
}

// The `windows` x K masked rows through the network (in passes of pass_rows); adds each window's mean
// NELBO over its K draws, and the variance of that mean, to `result`.
void add_draws(mdm_transformer& net, const std::vector<token>& clean, const masked_batch& m, int windows,
               const score_options& options, score_result& result) {
  const int k = options.mc_draws;
  auto tensors = to_tensors(clean, m, net->device());
  // The network sees at most pass_rows rows at a time: --mc 32 of one window of 1,024 took 1.85 GB in
  // one pass, and --mc 4096 would have asked for 215 GB.
  const std::int64_t rows = tensors.input.size(0), pass = pass_rows(m.length, options);
  std::vector<torch::Tensor> parts;
  for (std::int64_t first = 0; first < rows; first += pass) {
    const auto n = std::min(pass, rows - first);
    const batch_tensors part{tensors.input.narrow(0, first, n), tensors.targets.narrow(0, first, n),
                             tensors.is_target.narrow(0, first, n), tensors.weight.narrow(0, first, n)};
    parts.push_back(nelbo_per_sequence(model_logits(net, part.input, options.rc_ensemble), part));
  }
  const auto nelbo = torch::cat(parts).to(torch::kCPU, torch::kDouble).contiguous();
  const double* value = nelbo.data_ptr<double>();
  for (int w = 0; w < windows; ++w) {
    std::vector<double> draws;  // row d of a window is its draw in stratum d (mask_batch)
    for (int d = 0; d < k; ++d) {
      draws.push_back(value[static_cast<std::size_t>(w) * k + d]);
      result.nats += draws.back() / k;
    }
    result.variance += stratified_mean_variance(draws);
  }
  result.windows += windows;
}

// A window's K masked rows and the clean rows they were masked from: a window of score_sequences, or a
// piece of a hole (mask_piece), held until a pass of its length is full.
struct masked_window {
  std::vector<token> clean;
  masked_batch m;
};

// Windows of one length in one forward pass, K draws each, added to `result`.
void score_masked(mdm_transformer& net, const std::vector<masked_window>& windows, const score_options& options,
                  score_result& result) {
  std::vector<token> clean;
  masked_batch all;
  for (const auto& window : windows) {
    clean.insert(clean.end(), window.clean.begin(), window.clean.end());
    all.input.insert(all.input.end(), window.m.input.begin(), window.m.input.end());
    all.is_target.insert(all.is_target.end(), window.m.is_target.begin(), window.m.is_target.end());
    all.weight.insert(all.weight.end(), window.m.weight.begin(), window.m.weight.end());
    all.mask_rate.insert(all.mask_rate.end(), window.m.mask_rate.begin(), window.m.mask_rate.end());
    result.bases += window.m.real_bases[0];
  }
  all.batch = static_cast<int>(windows.size()) * options.mc_draws;
  all.length = windows.front().m.length;
  add_draws(net, clean, all, static_cast<int>(windows.size()), options, result);
}

// Scores `group` (windows of equal length) with K draws each, adding to `result`.
void score_group(mdm_transformer& net, const std::vector<window_ref>& group, const score_options& options,
                 std::uint64_t& draw_index, score_result& result) {
  const int k = options.mc_draws;
  std::vector<masked_window> windows;
  for (const auto& ref : group) {
    masked_window window;
    for (int d = 0; d < k; ++d)
      window.clean.insert(window.clean.end(), ref.sequence->begin() + ref.start, ref.sequence->begin() + ref.start + ref.length);
    // One masking call per window keeps its K draws stratified among themselves.
    std::mt19937_64 rng(derive_seed(options.seed, draw_index++));
    window.m = mask_batch(window.clean, k, ref.length, options.objective, rng);
    windows.push_back(std::move(window));
  }
  score_masked(net, windows, options, result);
}

}  // namespace

double stratified_mean_variance(const std::vector<double>& by_stratum) {
  const std::size_t k = by_stratum.size();
  if (k < 2) return 0.0;
  double sum = 0.0;
  for (std::size_t first = 0; first < k;) {
    const std::size_t size = k - first == 3 ? 3 : 2;  // pairs; the last three together when K is odd
    double mean = 0.0, squares = 0.0;
    for (std::size_t i = first; i < first + size; ++i) mean += by_stratum[i] / static_cast<double>(size);
    for (std::size_t i = first; i < first + size; ++i) squares += std::pow(by_stratum[i] - mean, 2);
    sum += squares * static_cast<double>(size) / static_cast<double>(size - 1);
    first += size;
  }
  return sum / static_cast<double>(k * k);
}

status score_options::validate(const model_config& config) const {
  if (mc_draws < 1 || mc_draws > 4096) return status::fail("--mc: must be in 1..4096, got " + std::to_string(mc_draws));
  if (window < 0 || window > config.context_length)
    return status::fail("--window: must be 0 (the model's context) or in 1.." + std::to_string(config.context_length) +
                        " (the model's context length), got " + std::to_string(window));
  if (batch_rows < 1) return status::fail("--batch: must be positive");
  return {};
}

double score_result::bits_per_base() const { return bases > 0 ? nats / (bases * std::log(2.0)) : 0.0; }
double score_result::standard_error_bits() const {
  return bases > 0 ? std::sqrt(variance) / (bases * std::log(2.0)) : 0.0;
}

status score_sequences(const mdm_model& model, const std::vector<std::vector<token>>& sequences,
                       const score_options& options, score_result& result, const score_progress& progress) {
  if (auto s = options.validate(model.config()); !s) return s;
  const int window = options.window > 0 ? options.window : model.config().context_length;
  const auto by_length = split_windows(sequences, window);
  std::int64_t total = 0, done = 0;
  for (const auto& [length, group] : by_length) total += static_cast<std::int64_t>(group.size());
  if (total == 0) return status::fail("nothing to score: no window holds an A, C, G or T (all N or other ambiguity codes)");
  torch::NoGradGuard no_grad;
  auto net = model.impl_->net;
  net->eval();
  result = {};
  std::uint64_t draw_index = 0;
  // Both strands make each pass twice the rows: half the windows keep its memory as it was (down to one
  // window, whose K draws on both strands are 2K rows).
  const int per_pass = std::max(1, options.batch_rows / options.mc_draws / (options.rc_ensemble ? 2 : 1));
  for (const auto& [length, group] : by_length)
    for (std::size_t first = 0; first < group.size(); first += per_pass) {
      const auto last = std::min(group.size(), first + per_pass);
      score_group(net, {group.begin() + first, group.begin() + last}, options, draw_index, result);
      done += static_cast<std::int64_t>(last - first);
      if (progress && !progress(done, total)) return status::fail("cancelled");
    }
  return {};
}

namespace {

// K draws of the count form over the bases of the piece [commit_start, commit_end) only. The
// holes are scored one piece after another, left to right, as a chain of conditionals: a piece sees
// the bases of earlier pieces and hides (as MASK, not scored) the hole bases after it in its window.
// Shown, those later bases would be scored twice over (each hole given the others), which is no
// longer the likelihood of the holes nor a bound on it. `in_hole` marks the sequence's hole bases.
// False for a piece of N only: nothing to score.
bool mask_piece(const std::vector<token>& sequence, const std::vector<bool>& in_hole, const block_plan& block,
                const score_options& options, std::mt19937_64& rng, masked_window& piece) {
  const int k = options.mc_draws;
  const int length = static_cast<int>(block.window_end - block.window_start);
  std::vector<token> hole_only, shown;
  piece.clean.clear();
  for (int d = 0; d < k; ++d)
    for (std::int64_t i = block.window_start; i < block.window_end; ++i) {
      piece.clean.push_back(sequence[i]);
      // Outside the piece every position looks unknown to mask_batch, so only piece bases are drawn.
      const bool inside = i >= block.commit_start && i < block.commit_end;
      hole_only.push_back(inside ? sequence[i] : mask_token);
      shown.push_back(i >= block.commit_end && in_hole[i] ? mask_token : sequence[i]);
    }
  piece.m = mask_batch(hole_only, k, length, options.objective, rng);
  if (piece.m.real_bases[0] == 0) return false;
  piece.m.input = std::move(shown);
  for (std::size_t i = 0; i < piece.clean.size(); ++i)
    if (piece.m.is_target[i]) piece.m.input[i] = mask_token;
  return true;
}

}  // namespace

status score_holes(const mdm_model& model, const std::vector<std::vector<token>>& sequences,
                   const std::vector<std::vector<bio::interval>>& holes, const score_options& options,
                   score_result& result, const score_progress& progress) {
  if (auto s = options.validate(model.config()); !s) return s;
  if (holes.size() != sequences.size()) return status::fail("score_holes: one list of holes per sequence");
  block_options blocks;
  blocks.window = options.window;
  blocks.overlap = options.overlap;
  blocks.stride = options.stride;
  // A block holds the masked bases and their context: one base is too few (whole windows may be one).
  if (options.window == 1)
    return status::fail("--window: must be 0 (the model's context) or in 2.." + std::to_string(model.config().context_length) +
                        " with --mask or --region (a block holds masked bases and their context), got 1");
  if (auto s = blocks.resolve(model.config(), blocks); !s) return s;
  std::vector<std::pair<std::size_t, block_plan>> pieces;
  std::vector<std::vector<bool>> in_hole(sequences.size());
  for (std::size_t q = 0; q < sequences.size(); ++q) {
    const auto n = static_cast<std::int64_t>(sequences[q].size());
    if (auto s = bio::check_intervals("sequence " + std::to_string(q + 1), holes[q], n); !s) return s;
    in_hole[q].assign(static_cast<std::size_t>(n), false);
    for (const auto& hole : bio::merge_intervals(holes[q])) {
      std::fill(in_hole[q].begin() + hole.start, in_hole[q].begin() + hole.end, true);
      for (const auto& block : plan_blocks(hole.start, hole.end, n, blocks)) pieces.emplace_back(q, block);
    }
  }
  torch::NoGradGuard no_grad;
  auto net = model.impl_->net;
  net->eval();
  result = {};
  // Piece i draws from derive_seed(seed, i) whichever pass it joins. A pass holds pieces of one window
  // length: at most batch_rows rows, and about as many tokens as the sampler's passes on the CPU.
  const auto per_pass = [&](std::int64_t length) {  // pieces of K rows each
    return static_cast<std::size_t>(std::max<std::int64_t>(1, pass_rows(length, options) / options.mc_draws));
  };
  std::map<std::int64_t, std::vector<masked_window>> waiting;  // by window length
  std::size_t pending = 0;  // pieces masked, not yet scored
  // Scores a pass; the progress counts the pieces done (scored, or of N only) once `seen` are masked.
  const auto run_pass = [&](std::vector<masked_window>& pass, std::size_t seen) {
    score_masked(net, pass, options, result);
    pending -= pass.size();
    pass.clear();
    return !progress || progress(static_cast<std::int64_t>(seen - pending), static_cast<std::int64_t>(pieces.size()));
  };
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    std::mt19937_64 rng(derive_seed(options.seed, i));
    masked_window piece;
    const auto& block = pieces[i].second;
    if (!mask_piece(sequences[pieces[i].first], in_hole[pieces[i].first], block, options, rng, piece)) continue;
    const std::int64_t length = block.window_end - block.window_start;
    auto& pass = waiting[length];
    pass.push_back(std::move(piece));
    ++pending;
    if (pass.size() == per_pass(length) && !run_pass(pass, i + 1)) return status::fail("cancelled");
  }
  for (auto& [length, pass] : waiting)
    if (!pass.empty() && !run_pass(pass, pieces.size())) return status::fail("cancelled");
  if (result.bases == 0) return status::fail("nothing to score: the masked bases are all N or other ambiguity codes (no A, C, G, T or U)");
  return {};
}


status confidence_options::validate(const model_config& config) const {
  if (window < 0 || window > config.context_length)
    return status::fail("confidence window: must be in 1.." + std::to_string(config.context_length) +
                        " (the model's context length), got " + std::to_string(window));
  if (stride < 1) return status::fail("confidence stride: must be >= 1, got " + std::to_string(stride));
  if (tokens_per_pass < 1)
    return status::fail("confidence tokens per pass: must be >= 1, got " + std::to_string(tokens_per_pass));
  return {};
}

namespace {

// Windows of `width` over [0, n) every width/2 (the last one flush with the end), and the part of each
// that it scores: the bases nearer to its centre than to any other window's.
std::vector<block_plan> confidence_windows(std::int64_t n, std::int64_t width) {
  std::vector<std::int64_t> starts;
  const std::int64_t step = std::max<std::int64_t>(1, width / 2);
  for (std::int64_t s = 0;; s += step) {
    if (s + width >= n) {
      starts.push_back(std::max<std::int64_t>(0, n - width));
      break;
    }
    starts.push_back(s);
  }
  std::vector<block_plan> windows;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    // Boundaries halfway between neighbouring centres (all windows are `width` wide).
    const auto from = k == 0 ? 0 : (starts[k - 1] + starts[k] + width) / 2;
    const auto to = k + 1 == starts.size() ? n : (starts[k] + starts[k + 1] + width) / 2;
    if (to > from) windows.push_back({starts[k], std::min(n, starts[k] + width), from, to});
  }
  return windows;
}

// One masked row: window `w` with the positions of residue `r` masked.
struct confidence_row {
  std::size_t window;
  int residue;
};

}  // namespace

status base_confidence(const mdm_model& model, const std::vector<token>& tokens, const confidence_options& options,
                       std::vector<double>& out, const score_progress& progress) {
  if (auto s = options.validate(model.config()); !s) return s;
  const auto n = static_cast<std::int64_t>(tokens.size());
  out.assign(tokens.size(), std::numeric_limits<double>::quiet_NaN());
  if (n == 0) return {};
  const std::int64_t width = std::min<std::int64_t>(n, options.window > 0 ? options.window : model.config().context_length);
  const auto windows = confidence_windows(n, width);
  const int stride = static_cast<int>(std::min<std::int64_t>(options.stride, width));
  // Only rows that score at least one base are run.
  std::vector<confidence_row> rows;
  for (std::size_t w = 0; w < windows.size(); ++w)
    for (int r = 0; r < stride; ++r) {
      bool any = false;
      for (auto i = windows[w].commit_start + ((r - windows[w].commit_start % stride) % stride + stride) % stride;
           i < windows[w].commit_end && !any; i += stride)
        any = is_base(tokens[static_cast<std::size_t>(i)]);
      if (any) rows.push_back({w, r});
    }
  torch::NoGradGuard no_grad;
  auto net = model.impl_->net;
  net->eval();
  const auto total = static_cast<std::int64_t>(rows.size());
  // A pass with both strands runs twice the rows: half as many per pass keeps a pass as short.
  const auto rows_per_pass = std::max<std::int64_t>(1, options.tokens_per_pass / width / (options.rc_ensemble ? 2 : 1));
  for (std::int64_t first = 0; first < total; first += rows_per_pass) {
    const auto count = std::min<std::int64_t>(rows_per_pass, total - first);
    auto input = torch::empty({count, width}, torch::kInt64);
    auto a = input.accessor<std::int64_t, 2>();
    for (std::int64_t b = 0; b < count; ++b) {
      const auto& row = rows[static_cast<std::size_t>(first + b)];
      const auto start = windows[row.window].window_start;
      for (std::int64_t i = 0; i < width; ++i) {
        const auto t = tokens[static_cast<std::size_t>(start + i)];
        a[b][i] = (start + i) % stride == row.residue ? mask_token : t;
      }
    }
    auto probs = torch::softmax(model_logits(net, input.to(net->device()), options.rc_ensemble).to(torch::kFloat64), -1).cpu();
    auto p = probs.accessor<double, 3>();
    for (std::int64_t b = 0; b < count; ++b) {
      const auto& row = rows[static_cast<std::size_t>(first + b)];
      const auto& win = windows[row.window];
      for (auto i = win.commit_start; i < win.commit_end; ++i) {
        const auto t = tokens[static_cast<std::size_t>(i)];
        if (i % stride == row.residue && is_base(t)) out[static_cast<std::size_t>(i)] = p[b][i - win.window_start][t];
      }
    }
    if (progress && !progress(first + count, total)) return status::fail("cancelled");
  }
  return {};
}

}  // namespace dnafill::core
