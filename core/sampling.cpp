// The samplers: logit chain, categorical draws (fp64 exact / fp32 Gumbel), and the reveal policies
// first-hit, ancestral (MDLM, with its cache) and confidence (MaskGIT/LLaDA).
#include "core/sampling.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/model_internal.h"
#include "core/tokens.h"
#include "kernels/categorical.cuh"
#include "kernels/common.cuh"

namespace dnafill::core {
namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

class transformer_denoiser : public denoiser {
 public:
  transformer_denoiser(mdm_transformer net, std::int64_t label_token, bool rc_ensemble)
      : net_(std::move(net)), label_(label_token), strands_(rc_ensemble ? 2 : 1) {
    net_->eval();
  }
  // The network runs where its weights are; the logits go back where the tokens came from. On the CPU,
  // rows that are the same are run once (every variant of a region is the same row until its first
  // base is drawn: 400 variants of a 1-base hole took 9 minutes), and the rows left are run a few at a
  // time, so that the attention of many long rows is not held at once (100 variants of 600 bases held
  // 2.7 GB). Rows do not see each other: the logits are the same either way (up to the last bits of the
  // matrix products, which depend on how many rows go in). The GPU path keeps one
  // call, as its CUDA graphs need, and finding equal rows would wait for the device (with RC ensembling
  // that call holds twice the rows).
  torch::Tensor logits(const torch::Tensor& tokens) override {
    torch::NoGradGuard no_grad;
    const auto device = net_->device();
    if (!device.is_cpu() || !tokens.device().is_cpu() || tokens.size(0) < 2) return run(tokens.to(device)).to(tokens.device());
    auto [distinct, row_of, counts] = torch::unique_dim(tokens, 0, /*sorted=*/true, /*return_inverse=*/true);
    auto logits = distinct.size(0) == tokens.size(0) ? in_passes(tokens) : in_passes(distinct).index_select(0, row_of);
    return logits;
  }
  torch::Device device() const override { return net_->device(); }

 private:
  static constexpr std::int64_t tokens_per_pass = 16384;

  torch::Tensor run(const torch::Tensor& input) {
    const auto labels = net_->config.num_labels == 0 ? torch::Tensor() : torch::full({input.size(0)}, label_, input.options());
    return strands_ == 2 ? net_->infer_both_strands(input, labels) : net_->infer(input, labels);
  }
  torch::Tensor in_passes(const torch::Tensor& input) {
    const auto rows = input.size(0),
               per_pass = std::max<std::int64_t>(1, tokens_per_pass / std::max<std::int64_t>(1, input.size(1) * strands_));
    if (rows <= per_pass) return run(input);
    std::vector<torch::Tensor> parts;
    for (std::int64_t from = 0; from < rows; from += per_pass) parts.push_back(run(input.narrow(0, from, std::min(per_pass, rows - from))));
    return torch::cat(parts, 0);
  }

  mdm_transformer net_;
  std::int64_t label_;
  int strands_;  // 2: RC ensembling, each row run on both strands
};

// 53-bit uniforms in [0, 1), as float64 (exact) draws need.
torch::Tensor uniforms_fp64(std::int64_t n, std::mt19937_64& rng) {
  auto u = torch::empty({n}, torch::kFloat64);
  auto* p = u.data_ptr<double>();
  for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  return u;
}

// 24-bit uniforms in (0, 1), as torch.rand gives in float32 (0 redrawn, as implementations guard the
// log with an epsilon): the source of the capped Gumbel noise, in [-2.81, 16.64].
torch::Tensor uniforms_fp32(std::int64_t n, std::mt19937_64& rng) {
  auto u = torch::empty({n}, torch::kFloat32);
  auto* p = u.data_ptr<float>();
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint64_t k = 0;
    while (k == 0) k = rng() >> 40;
    p[i] = static_cast<float>(k) * 0x1.0p-24f;
  }
  return u;
}

// The positions still to reveal, per row.
std::vector<std::vector<std::int64_t>> free_positions(const torch::Tensor& tokens, const torch::Tensor& free) {
  const auto batch = tokens.size(0), length = tokens.size(1);
  auto t = tokens.accessor<std::int64_t, 2>();
  auto f = free.to(torch::kBool).contiguous();
  auto fa = f.accessor<bool, 2>();
  std::vector<std::vector<std::int64_t>> rows(batch);
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t i = 0; i < length; ++i)
      if (fa[b][i] && t[b][i] == mask_token) rows[b].push_back(i);
  return rows;
}

std::int64_t count_all(const std::vector<std::vector<std::int64_t>>& rows) {
  std::int64_t n = 0;
  for (const auto& r : rows) n += static_cast<std::int64_t>(r.size());
  return n;
}

// Log-probabilities (B*L, 4) float64 after the chain: one network call.
torch::Tensor chain_log_probs(denoiser& net, const torch::Tensor& tokens, const step_chain& chain) {
  auto logits = net.logits(tokens).to(torch::kFloat64).reshape({-1, num_bases});
  chain.apply(logits);
  return torch::log_softmax(logits, -1);
}

torch::Tensor flat_index(const std::vector<std::pair<std::int64_t, std::int64_t>>& picks, std::int64_t length) {
  std::vector<std::int64_t> index;
  index.reserve(picks.size());
  for (auto [b, i] : picks) index.push_back(b * length + i);
  return torch::tensor(index, torch::kInt64);
}

struct run_state {
  denoiser& net;
  torch::Tensor& tokens;
  const sampler_params& params;
  std::mt19937_64& rng;
  const sampling_callback& callback;
  sampling_stats& stats;
  step_chain chain;
  draw_constraints* constraints = nullptr;
  std::vector<std::vector<std::int64_t>> remaining;
  std::int64_t to_reveal = 0, revealed = 0;

  torch::Tensor log_probs() {
    ++stats.network_calls;
    return chain_log_probs(net, tokens, chain);
  }
  void commit(std::int64_t b, std::int64_t i, std::int64_t base) {
    tokens.accessor<std::int64_t, 2>()[b][i] = base;
    ++revealed;
  }
  bool report() const { return !callback || callback({revealed, to_reveal, stats.network_calls}); }
};

// The kernel's top-p (kernels/categorical.cuh) on one position's log-weights: a base it cuts gets -inf.
// (top_p_step's too, in tensor ops.)
void keep_nucleus(std::array<double, num_bases>& w, double top_p) {
  const double top = *std::max_element(w.begin(), w.end());
  if (top_p >= 1.0 || !std::isfinite(top)) return;
  std::array<double, num_bases> p;
  double total = 0;
  for (int x = 0; x < num_bases; ++x) total += p[x] = std::exp(w[x] - top);
  kernels::keep_nucleus(p.data(), total, top_p);
  for (int x = 0; x < num_bases; ++x)
    if (p[x] == 0) w[x] = neg_inf;
}

// The four log-weights of (b, i): the soft tilt, -inf where the constraints forbid a base, then top-p
// over the bases left, so that the nucleus trims the tail of what may be drawn (the order of Hugging
// Face's logits processors and warpers; top-p first could cut every allowed base). With nothing allowed
// (a dead end) the row is left unrestricted; allowed bases the model gives no mass are equally likely.
std::array<double, num_bases> restricted(run_state& s, std::int64_t b, std::int64_t i, const double* log_probs,
                                         unsigned allowed) {
  std::array<double, num_bases> w;
  std::copy(log_probs, log_probs + num_bases, w.begin());
  s.constraints->tilt(b, i, w.data());
  if (allowed != 0) {
    bool any = false;
    for (int x = 0; x < num_bases; ++x) {
      if (!(allowed >> x & 1u)) w[x] = neg_inf;
      any = any || w[x] > neg_inf;
    }
    for (int x = 0; x < num_bases && !any; ++x) w[x] = (allowed >> x & 1u) ? 0.0 : neg_inf;
  }
  keep_nucleus(w, s.params.top_p);
  return w;
}

std::int64_t draw_one(run_state& s, const std::array<double, num_bases>& w) {
  auto row = torch::from_blob(const_cast<double*>(w.data()), {1, num_bases}, torch::kFloat64);
  return draw_categorical(row, s.params.precision, s.rng)[0].item<std::int64_t>();
}

// Draws the base of (b, i), which the caller has taken out of the row's remaining positions, from
// `log_probs` restricted to what the constraints allow, and commits it. At a dead end the constraints
// re-mask a neighbourhood: those positions and (b, i) go back to the remaining ones. When they cannot
// (retries spent), the base is drawn unrestricted and committed as forced. False at a re-masking.
bool commit_constrained(run_state& s, std::int64_t b, std::int64_t i, const double* log_probs) {
  unsigned allowed = s.constraints->allowed(b, i);
  bool forced = false;
  if (allowed == 0) {
    const auto freed = s.constraints->dead_end(b, i);
    if (!freed.empty()) {
      auto t = s.tokens.accessor<std::int64_t, 2>();
      for (auto q : freed) {
        t[b][q] = mask_token;
        s.remaining[b].push_back(q);
        --s.revealed;
      }
      s.remaining[b].push_back(i);
      return false;
    }
    forced = true;
  }
  const auto base = draw_one(s, restricted(s, b, i, log_probs, allowed));
  s.commit(b, i, base);
  s.constraints->commit(b, i, base, forced);
  return true;
}

const double* row_of(const torch::Tensor& log_probs, std::int64_t b, std::int64_t i, std::int64_t length) {
  return log_probs.data_ptr<double>() + (b * length + i) * num_bases;
}

// Positions re-masked at dead ends after the schedule's last step: each round reveals every one of
// them, after one network call. Ends because the constraints' retries are bounded.
status finish_remaining(run_state& s) {
  const auto length = s.tokens.size(1);
  while (s.revealed < s.to_reveal) {
    auto log_probs = s.log_probs().contiguous();
    for (std::size_t b = 0; b < s.remaining.size(); ++b) {
      auto row = std::move(s.remaining[b]);
      s.remaining[b].clear();
      std::sort(row.begin(), row.end());
      for (auto i : row) commit_constrained(s, static_cast<std::int64_t>(b), i, row_of(log_probs, b, i, length));
    }
    if (!s.report()) return status::fail("cancelled");
  }
  return {};
}

// Zheng et al.: pick a uniformly random masked position, draw its base given everything, commit.
// Rows advance together, one position each per network call.
// A row that met a dead end goes on left to right, still one position per call, each base drawn given
// every base decided: a random order keeps meeting the same dead ends (--gc 1-1 --max-homopolymer 1
// needs G and C to alternate: a 40-base hole took 30 s and still failed), while left to right each
// base is decided next to the ones before it. (Committing every remaining position from one call was
// faster, but drew them independently of each other: no longer the model's joint.)
status first_hit(run_state& s) {
  const auto length = s.tokens.size(1);
  std::vector<char> repairing(s.remaining.size(), 0);
  while (s.revealed < s.to_reveal) {
    auto log_probs = s.log_probs();
    std::vector<std::pair<std::int64_t, std::int64_t>> picks;
    for (std::size_t b = 0; b < s.remaining.size(); ++b) {
      auto& row = s.remaining[b];
      if (row.empty()) continue;
      std::uniform_int_distribution<std::size_t> pick(0, row.size() - 1);
      const auto j = repairing[b] ? static_cast<std::size_t>(std::min_element(row.begin(), row.end()) - row.begin())
                                  : pick(s.rng);
      picks.emplace_back(static_cast<std::int64_t>(b), row[j]);
      row[j] = row.back();
      row.pop_back();
    }
    if (s.constraints) {
      log_probs = log_probs.contiguous();
      for (auto [b, i] : picks)
        if (!commit_constrained(s, b, i, row_of(log_probs, b, i, length))) repairing[b] = 1;
    } else {
      auto bases = draw_categorical(log_probs.index_select(0, flat_index(picks, length)), s.params.precision, s.rng);
      for (std::size_t k = 0; k < picks.size(); ++k) s.commit(picks[k].first, picks[k].second, bases[k].item<std::int64_t>());
    }
    if (!s.report()) return status::fail("cancelled");
  }
  return {};
}

// MDLM's reverse step from t to s, as one categorical per masked position over 5 outcomes: base x with
// probability p(x) (t-s)/t, stay masked with s/t. With t = (T-i)/T the reveal probability is 1/(T-i);
// the last step (s = 0) reveals everything. The model has no time input, so when a step revealed
// nothing its logits are still exact for the next one: reuse them (MDLM's ddpm_cache).
status ancestral(run_state& s) {
  const int steps = s.params.steps;
  const auto length = s.tokens.size(1);
  torch::Tensor log_probs;
  bool changed = true;
  for (int i = 0; i < steps && s.revealed < s.to_reveal; ++i) {
    if (changed || !s.params.cache || !log_probs.defined()) log_probs = s.log_probs();
    else ++s.stats.cached_steps;
    changed = false;
    std::vector<std::pair<std::int64_t, std::int64_t>> masked;
    for (std::size_t b = 0; b < s.remaining.size(); ++b)
      for (auto pos : s.remaining[b]) masked.emplace_back(static_cast<std::int64_t>(b), pos);
    const double reveal = 1.0 / (steps - i);
    auto stay = torch::full({static_cast<std::int64_t>(masked.size()), 1},
                            reveal >= 1.0 ? neg_inf : std::log1p(-reveal), torch::kFloat64);
    auto weights = torch::cat({log_probs.index_select(0, flat_index(masked, length)) + std::log(reveal), stay}, 1);
    auto outcome = draw_categorical(weights, s.params.precision, s.rng);
    auto* o = outcome.data_ptr<std::int64_t>();
    if (s.constraints) log_probs = log_probs.contiguous();
    for (std::size_t k = 0; k < masked.size(); ++k) {
      if (o[k] == num_bases) continue;  // stays masked
      const auto [b, pos] = masked[k];
      auto& row = s.remaining[b];
      row.erase(std::find(row.begin(), row.end(), pos));
      changed = true;
      // Under constraints the draw only decides the reveal (its probability is the same); the base is
      // drawn again from the allowed ones, given what this step has already committed.
      if (s.constraints) commit_constrained(s, b, pos, row_of(log_probs, b, pos, length));
      else s.commit(b, pos, o[k]);
    }
    if (!s.report()) return status::fail("cancelled");
  }
  return s.constraints ? finish_remaining(s) : status{};
}

// The log-weights of the masked positions (N, 4) as the constraints restrict and tilt them.
torch::Tensor restricted_rows(run_state& s, const std::vector<std::pair<std::int64_t, std::int64_t>>& masked,
                              const torch::Tensor& log_probs) {
  auto out = log_probs.to(torch::kFloat64).contiguous().clone();
  auto* p = out.data_ptr<double>();
  for (std::size_t k = 0; k < masked.size(); ++k) {
    const auto [b, i] = masked[k];
    const auto w = restricted(s, b, i, p + k * num_bases, s.constraints->allowed(b, i));
    std::copy(w.begin(), w.end(), p + k * num_bases);
  }
  return out;
}

}  // namespace

torch::Tensor confidence_scores(const torch::Tensor& probs, confidence_measure measure) {
  switch (measure) {
    case confidence_measure::max_prob: return std::get<0>(probs.max(-1));
    case confidence_measure::margin: {
      auto top2 = std::get<0>(probs.topk(2, -1));
      return top2.select(-1, 0) - top2.select(-1, 1);
    }
    case confidence_measure::entropy:
      return (probs * torch::log(probs.clamp_min(1e-300))).sum(-1);  // -H: low entropy ranks first
  }
  return {};
}

namespace {

// Commits the `quota` most confident candidates of row b (score[j] and base[j] for its j-th masked
// position) and keeps the rest masked, most confident first; under constraints a candidate that an
// earlier commit of this step has made impossible is drawn again from what is still allowed.
void commit_most_confident(run_state& s, std::size_t b, std::int64_t quota, const double* score,
                           const std::int64_t* base, const torch::Tensor& log_probs) {
  auto& row = s.remaining[b];
  const auto positions = row;
  std::vector<std::size_t> order(positions.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable: ties go to the leftmost position, so a seed fixes the result.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return score[x] > score[y]; });
  std::vector<bool> taken(positions.size(), false);
  for (std::int64_t q = 0; q < quota; ++q) taken[order[q]] = true;
  row.clear();
  for (std::size_t j = 0; j < positions.size(); ++j)
    if (!taken[j]) row.push_back(positions[j]);
  const auto batch_row = static_cast<std::int64_t>(b);
  for (std::int64_t q = 0; q < quota; ++q) {
    const auto j = order[q];
    const auto pos = positions[j];
    const auto candidate = base[j];
    if (!s.constraints) {
      s.commit(batch_row, pos, candidate);
    } else if (s.constraints->allowed(b, pos) >> candidate & 1u) {
      s.commit(batch_row, pos, candidate);
      s.constraints->commit(b, pos, static_cast<int>(candidate), false);
    } else {
      commit_constrained(s, batch_row, pos, row_of(log_probs, b, pos, s.tokens.size(1)));
    }
  }
}

// MaskGIT/LLaDA: every masked position gets a candidate base drawn from its distribution; the k most
// confident candidates of each row are committed, the rest stay masked for the next step.
status confidence(run_state& s) {
  const int steps = s.params.steps;
  const auto length = s.tokens.size(1);
  std::vector<std::int64_t> initial;
  for (const auto& row : s.remaining) initial.push_back(static_cast<std::int64_t>(row.size()));
  for (int i = 0; i < steps && s.revealed < s.to_reveal; ++i) {
    std::vector<std::int64_t> quota(s.remaining.size());
    std::int64_t total = 0;
    for (std::size_t b = 0; b < quota.size(); ++b) {
      quota[b] = step_quota(s.params.schedule, i, steps, initial[b], static_cast<std::int64_t>(s.remaining[b].size()));
      total += quota[b];
    }
    if (total == 0) continue;  // this step commits nothing: no network call
    auto log_probs = s.log_probs();
    std::vector<std::pair<std::int64_t, std::int64_t>> masked;
    for (std::size_t b = 0; b < s.remaining.size(); ++b)
      for (auto pos : s.remaining[b]) masked.emplace_back(static_cast<std::int64_t>(b), pos);
    auto lp = log_probs.index_select(0, flat_index(masked, length));
    if (s.constraints) {
      log_probs = log_probs.contiguous();
      lp = restricted_rows(s, masked, lp);
    }
    auto bases = draw_categorical(lp, s.params.precision, s.rng);
    auto score = confidence_scores(s.constraints ? torch::softmax(lp, -1) : lp.exp(), s.params.confidence);
    const auto* sc = score.data_ptr<double>();
    const auto* base = bases.data_ptr<std::int64_t>();
    std::size_t k = 0;
    for (std::size_t b = 0; b < s.remaining.size(); ++b) {
      const auto candidates = s.remaining[b].size();
      commit_most_confident(s, b, quota[b], sc + k, base + k, log_probs);
      k += candidates;
    }
    if (!s.report()) return status::fail("cancelled");
  }
  return s.constraints ? finish_remaining(s) : status{};
}

}  // namespace

std::unique_ptr<denoiser> model_denoiser(const mdm_model& model, std::int64_t label_token, bool rc_ensemble) {
  return std::make_unique<transformer_denoiser>(model.impl_->net, label_token, rc_ensemble);
}

// In float64, as the kernel's own guidance input does (kernels/categorical.cuh): in float32 the sum is
// rounded at the scale of (w + 1) times the difference, 1e-5 of a logit at w = 100. (The device
// samplers hand these logits to the kernel as float32: rounded once, after the combination.)
torch::Tensor guided_logits(const torch::Tensor& conditional, const torch::Tensor& unconditional, double w) {
  const auto c = conditional.to(torch::kFloat64), u = unconditional.to(torch::kFloat64);
  return u + (w + 1.0) * (c - u);
}

torch::Tensor guided_denoiser::logits(const torch::Tensor& tokens) {
  // Moved once: a host-to-device copy at every step would make the host wait for the GPU.
  if (context_.device() != tokens.device()) context_ = context_.to(tokens.device());
  auto unconditional_input = tokens.masked_fill(context_, static_cast<std::int64_t>(mask_token));
  auto both = inner_.logits(torch::cat({tokens, unconditional_input}, 0));
  const auto batch = tokens.size(0);
  return guided_logits(both.narrow(0, 0, batch), both.narrow(0, batch, batch), w_);
}

void temperature_step::apply(torch::Tensor& logits) const { logits = logits / temperature; }

// The kernel's rule (kernels::keep_nucleus on draw_base's weights), in tensor ops so that it runs on the
// device without a synchronisation: weights exp(l - max) summed base by base; in decreasing weight, ties
// the lower base first (a stable sort); a base stays while the weight before it is below p times the
// total (less the kernel's slack), so the most probable always does, and an exact boundary is one.
void top_p_step::apply(torch::Tensor& logits) const {
  const auto bases = logits.size(-1);
  auto weights = (logits - std::get<0>(logits.max(-1, /*keepdim=*/true))).exp();
  auto total = weights.narrow(-1, 0, 1).clone();
  for (std::int64_t b = 1; b < bases; ++b) total = total + weights.narrow(-1, b, 1);
  auto [sorted, order] = weights.sort(/*stable=*/true, -1, /*descending=*/true);
  auto before = torch::zeros_like(sorted);
  for (std::int64_t b = 1; b < bases; ++b) before.narrow(-1, b, 1).copy_(before.narrow(-1, b - 1, 1) + sorted.narrow(-1, b - 1, 1));
  auto drop_sorted = before >= total * top_p * (1.0 - kernels::nucleus_slack);  // the kernel's order of products
  auto drop = torch::zeros_like(drop_sorted).scatter(-1, order, drop_sorted);
  logits = logits.masked_fill(drop, neg_inf);
}

void step_chain::apply(torch::Tensor& logits) const {
  for (const auto& step : steps) step->apply(logits);
}

step_chain make_chain(const sampler_params& params) {
  step_chain chain;
  if (params.temperature != 1.0) chain.steps.push_back(std::make_unique<temperature_step>(params.temperature));
  if (params.top_p < 1.0) chain.steps.push_back(std::make_unique<top_p_step>(params.top_p));
  return chain;
}

torch::Tensor gumbel_noise_fp32(const torch::Tensor& u) {
  return -torch::log(-torch::log(u.to(torch::kFloat32)));  // float32 throughout: Zheng et al.'s capped noise
}

torch::Tensor draw_categorical(const torch::Tensor& log_weights, draw_precision precision, std::mt19937_64& rng) {
  const auto n = log_weights.size(0), k = log_weights.size(1);
  if (precision == draw_precision::fp32) {
    auto u = uniforms_fp32(n * k, rng).view({n, k});
    return (log_weights.to(torch::kFloat32) + gumbel_noise_fp32(u)).argmax(-1);
  }
  auto cdf = torch::softmax(log_weights.to(torch::kFloat64), -1).cumsum(-1);
  auto x = uniforms_fp64(n, rng) * cdf.select(1, k - 1);
  // The first outcome whose cumulative probability exceeds x; zero-probability outcomes are skipped.
  return (cdf <= x.unsqueeze(1)).sum(1).clamp_max(k - 1);
}

std::int64_t reveal_count(reveal_schedule schedule, int step, int steps, std::int64_t masked) {
  if (schedule == reveal_schedule::linear)
    return (step + 1) * masked / steps - step * masked / steps;
  // MaskGIT: the fraction still masked after step i is cos(pi/2 * (i+1)/T).
  const double half_pi = std::acos(0.0);
  auto left_after = [&](int i) {
    return i >= steps ? std::int64_t{0}
                      : static_cast<std::int64_t>(std::floor(masked * std::cos(half_pi * i / steps)));
  };
  return left_after(step) - left_after(step + 1);
}

std::int64_t step_quota(reveal_schedule schedule, int step, int steps, std::int64_t masked, std::int64_t left) {
  return step + 1 == steps ? left : std::min(reveal_count(schedule, step, steps, masked), left);
}

status sample(denoiser& net, torch::Tensor& tokens, const torch::Tensor& free, const sampler_params& params,
              std::mt19937_64& rng, const sampling_callback& callback, sampling_stats* stats,
              draw_constraints* constraints) {
  sampling_stats local;
  // Constrained decoding (and its GC tilt) needs the host's per-position bookkeeping, and a build
  // without the CUDA kernels has no device loop.
  if (!constraints && net.device().is_cuda() && params.precision == draw_precision::fp64 &&
      kernels::built_with_cuda())
    return sample_on_device(net, tokens, free, params, rng, callback, stats ? *stats : local);
  // Under constraints top-p comes after them, position by position (restricted()).
  sampler_params chained = params;
  if (constraints) chained.top_p = 1.0;
  run_state s{net, tokens, params, rng, callback, stats ? *stats : local, make_chain(chained), constraints, {}};
  s.remaining = free_positions(tokens, free);
  s.to_reveal = count_all(s.remaining);
  switch (params.kind) {
    case sampler_kind::first_hit: return first_hit(s);
    case sampler_kind::ancestral: return ancestral(s);
    case sampler_kind::confidence: return confidence(s);
  }
  return status::fail("unknown sampler");
}

}  // namespace dnafill::core
