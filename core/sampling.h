// The samplers over an abstract denoiser: logit steps composed into a chain, categorical draws in
// float64 (or the biased float32 Gumbel path), and the reveal policies first-hit, ancestral (with its
// cache) and confidence. Internal to core/ (torch); app/ and ui/ use core/design.h.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <random>
#include <vector>

#include "core/checkpoint.h"
#include "core/draw_constraints.h"
#include "core/sampler.h"
#include "core/tokens.h"

namespace dnafill::core {

// Anything that maps tokens (B, L) int64 to logits (B, L, 4) over A C G T. The samplers see only
// this, so hand-built toy models with known conditionals plug in for tests.
// Logits come back on the device of the tokens given.
struct denoiser {
  virtual ~denoiser() = default;
  virtual torch::Tensor logits(const torch::Tensor& tokens) = 0;
  virtual torch::Device device() const { return torch::kCPU; }  // where the network runs
};

// The transformer of a loaded model, in eval mode without gradients. Shares the model's weights.
// `label_token`: what a model with labels reads before the sequence (base_vocab + label index), or
// MASK for none (the null label); models without labels ignore it. `rc_ensemble`: the log-probabilities
// of both strands averaged (mdm_transformer::infer_both_strands), at twice the cost.
std::unique_ptr<denoiser> model_denoiser(const mdm_model& model, std::int64_t label_token = mask_token,
                                         bool rc_ensemble = false);

// Unsupervised classifier-free guidance (SMDM): l_u + (w+1)(l_c - l_u).
torch::Tensor guided_logits(const torch::Tensor& conditional, const torch::Tensor& unconditional, double w);

// A denoiser with guidance: the unconditional input is the same tokens with the fixed context
// (`context`, (B, L) bool) masked; both passes go through the inner denoiser as one batch of 2B rows.
class guided_denoiser : public denoiser {
 public:
  guided_denoiser(denoiser& inner, torch::Tensor context, double w)
      : inner_(inner), context_(std::move(context)), w_(w) {}
  torch::Tensor logits(const torch::Tensor& tokens) override;
  torch::Device device() const override { return inner_.device(); }

 private:
  denoiser& inner_;
  torch::Tensor context_;
  double w_;
};

// Label classifier-free guidance: l_null + (w+1)(l_label - l_null), from two denoisers that differ only
// in the label they read (two forward passes of B rows).
class label_guided_denoiser : public denoiser {
 public:
  label_guided_denoiser(denoiser& labelled, denoiser& unlabelled, double w)
      : labelled_(labelled), unlabelled_(unlabelled), w_(w) {}
  torch::Tensor logits(const torch::Tensor& tokens) override {
    return guided_logits(labelled_.logits(tokens), unlabelled_.logits(tokens), w_);
  }
  torch::Device device() const override { return labelled_.device(); }

 private:
  denoiser& labelled_;
  denoiser& unlabelled_;
  double w_;
};

// One step of the logit chain: (N, 4) float64 logits in, transformed in place (llama.cpp's sampler
// chain; the chain is itself a step).
struct logit_step {
  virtual ~logit_step() = default;
  virtual void apply(torch::Tensor& logits) const = 0;
};

struct temperature_step : logit_step {
  explicit temperature_step(double t) : temperature(t) {}
  void apply(torch::Tensor& logits) const override;
  double temperature;
};

// Keeps the smallest set of bases whose probability reaches p (the most probable always stays).
struct top_p_step : logit_step {
  explicit top_p_step(double p) : top_p(p) {}
  void apply(torch::Tensor& logits) const override;
  double top_p;
};

struct step_chain : logit_step {
  void apply(torch::Tensor& logits) const override;
  std::vector<std::unique_ptr<logit_step>> steps;
};

// temperature and top-p as the params ask (steps that would do nothing are left out).
step_chain make_chain(const sampler_params& params);

// -log(-log u) computed in float32, the noise of the fp32 path: at most ~16.64 for 24-bit uniforms.
torch::Tensor gumbel_noise_fp32(const torch::Tensor& u);

// One draw per row of `log_weights` (N, K) (unnormalised log-probabilities; -inf = impossible), int64 (N).
// fp64: inverse CDF on float64 probabilities with 53-bit uniforms. fp32: argmax of float32 log-weights
// plus float32 Gumbel noise from 24-bit uniforms (the biased path). The uniforms come from `rng`.
torch::Tensor draw_categorical(const torch::Tensor& log_weights, draw_precision precision, std::mt19937_64& rng);

struct sampling_stats {
  std::int64_t network_calls = 0;  // forward passes (a guided pass of 2B rows counts once)
  std::int64_t cached_steps = 0;   // ancestral steps that reused the previous logits
};

// Fills the positions of `tokens` (B, L) int64 marked in `free` (B, L) bool, which must hold MASK
// there; every other position is fixed and never changes (carry-over), a MASK among them (an N)
// stays MASK. The params must be valid (validate()). Returns "cancelled" when the callback says so.
// With `constraints`, every base is drawn one position at a time from its distribution (after the
// temperature and the soft tilt) restricted to the bases the constraints allow, then top-p over those;
// at a dead end the positions they re-mask are revealed again (after the schedule's last step, one
// extra network call per round).
status sample(denoiser& net, torch::Tensor& tokens, const torch::Tensor& free, const sampler_params& params,
              std::mt19937_64& rng, const sampling_callback& callback = {}, sampling_stats* stats = nullptr,
              draw_constraints* constraints = nullptr);

// The same on the denoiser's CUDA device, every step on the GPU through the fused kernels (draws,
// reveal bookkeeping): no host synchronisation until the end. Its random numbers come from LibTorch's
// CUDA generator seeded from `rng`, so designs differ from the CPU path's for the same seed. fp64 only.
// With params.cuda_graph each step after the second is a CUDA-graph replay (core/cuda_graph.h); a
// failed capture is an error naming --cuda-graph.
status sample_on_device(denoiser& net, torch::Tensor& tokens, const torch::Tensor& free, const sampler_params& params,
                        std::mt19937_64& rng, const sampling_callback& callback, sampling_stats& stats);

// Confidence of each row of probabilities (..., 4): larger is more confident.
torch::Tensor confidence_scores(const torch::Tensor& probs, confidence_measure measure);

// The number of positions a confidence step commits at step i (0-based) of T out of `masked` in all.
std::int64_t reveal_count(reveal_schedule schedule, int step, int steps, std::int64_t masked);

// What a row commits at that step when `left` of its `masked` positions are still to reveal: the
// schedule's count, at most what is left, and all that is left at the last step.
std::int64_t step_quota(reveal_schedule schedule, int step, int steps, std::int64_t masked, std::int64_t left);

}  // namespace dnafill::core
