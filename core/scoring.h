// Bits per base of sequences under a model: Monte-Carlo draws of the NELBO, window by window.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "bio/mask.h"
#include "bio/status.h"
#include "core/checkpoint.h"
#include "core/masking.h"
#include "core/tokens.h"

namespace dnafill::core {

struct score_options {
  int mc_draws = 8;       // K masking draws per window, stratified across the K (lower variance)
  int window = 0;         // tokens per window; 0 = the model's context length
  int overlap = -1;       // score_holes: a piece's left context, as block_options (a design's own blocks)
  int stride = 0;         // score_holes: new bases per piece, as block_options
  int batch_rows = 32;    // rows per forward pass (draws of one or more windows of equal length)
  std::uint64_t seed = 1;  // the draws are a pure function of the seed: scores are reproducible
  objective_kind objective = objective_kind::count;  // count: uniform logits give exactly 2.0
  bool rc_ensemble = false;  // both strands' log-probabilities averaged (--rc-ensemble): twice the cost

  status validate(const model_config& config) const;  // names the bad option (--mc, --window)
};

struct score_result {
  double nats = 0.0;          // summed NELBO estimate over all windows
  std::int64_t bases = 0;     // real bases scored (N excluded)
  std::int64_t windows = 0;
  double variance = 0.0;      // of `nats`: stratified_mean_variance of each window's K draws, summed
  double bits_per_base() const;
  double standard_error_bits() const;  // of bits_per_base
};

// The variance of the mean of K draws taken one in each stratum of the masking rate, as a window's K
// masking draws are (stratified_uniforms), given in stratum order. The strata are collapsed in
// neighbouring pairs (the last three together when K is odd): each group's sum of squares about its
// mean, times g/(g-1), summed over the groups, over K^2. Every draw counts in full, the low-rate one
// too, whose weight (R/n, 1/t) makes it the noisiest; the NELBO's change between neighbouring strata
// adds a little (a slightly high estimate), its trend across all K none. 0 for fewer than 2 draws.
double stratified_mean_variance(const std::vector<double>& by_stratum);

// Called after each batch with (windows done, windows in all); return false to cancel.
using score_progress = std::function<bool(std::int64_t, std::int64_t)>;

// Splits each sequence into windows (the last one may be shorter) and scores every real base. The NELBO
// is an upper bound on the negative log-likelihood, so bits/base here estimates an upper bound (its mean
// over the masking draws is one; a single estimate can fall below).
status score_sequences(const mdm_model& model, const std::vector<std::vector<token>>& sequences,
                       const score_options& options, score_result& result, const score_progress& progress = {});

}  // namespace dnafill::core

namespace dnafill::core {

// Conditional bits/base of the bases inside `holes` (0-based half-open, per sequence) given the rest:
// the NELBO of the hole bases, an estimate of an upper bound on their negative log-likelihood as far as
// the model's window sees. Each hole (after merging) is cut into pieces by infill's block plan, plan_blocks
// (infill plans a group of nearby holes as one span, so its pieces can differ): a piece that ends
// its hole sits in a window centred on it, with both flanks; one before it sees `overlap` bases of
// left context. The pieces are scored left to right as a chain of conditionals: a piece sees
// the bases of the pieces before it and not those of the pieces after it (masked in its window, not
// scored), so no base conditions on another that is conditioned on it. Each draw masks a random
// subset of the piece's bases only (count form: n ~ U{1..R} stratified, weight R/n, R = real bases of
// the piece). Pieces of one window length share forward passes (at most `batch_rows` rows and 8,192
// tokens), each drawing its own masks. `result.bases` counts the real bases scored. This is how a design is compared with the
// original: score both with the same holes.
status score_holes(const mdm_model& model, const std::vector<std::vector<token>>& sequences,
                   const std::vector<std::vector<bio::interval>>& holes, const score_options& options,
                   score_result& result, const score_progress& progress = {});

}  // namespace dnafill::core

namespace dnafill::core {

// Per-base confidence: the model's probability of each shown base given the rest (what the GUI's
// confidence track draws).
struct confidence_options {
  int window = 0;       // tokens per network call; 0 = the model's context length
  int stride = 16;      // positions i with i % stride == r are masked together, one row per r: a base is
                        // scored with 1/stride of its window masked (stride >= window: exactly one)
  // Tokens per forward pass (at least one row): a cancel is seen between passes, and the studio's
  // design waits for it, so a pass is kept short (about a second of a CPU on the small model).
  int tokens_per_pass = 4096;
  bool rc_ensemble = false;  // both strands' log-probabilities averaged, as a design with --rc-ensemble draws from

  status validate(const model_config& config) const;  // names the bad field (window, stride, tokens_per_pass)
};

// out[i] = p_theta(x_i | the rest) for every base of `tokens`, NaN where the token is MASK (N). A
// sequence longer than the window is read in windows that overlap by half; each base is scored in the
// window whose centre is nearest, so it sees both flanks. Costs stride rows per half window
// (2 * stride * n / window rows of `window` tokens in all). `progress` as for score_sequences (rows).
status base_confidence(const mdm_model& model, const std::vector<token>& tokens, const confidence_options& options,
                       std::vector<double>& out, const score_progress& progress = {});

}  // namespace dnafill::core
