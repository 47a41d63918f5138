// Sampler parameters: which reveal policy, how many steps, the guidance weight, temperature, top-p and
// the precision of the categorical draw (core/sampling.h applies them). Torch-free: the CLI and the
// GUI fill it in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "bio/status.h"

namespace dnafill::core {

// How masked positions are revealed (docs/sampling.md).
//  first_hit:  exact. One uniformly random masked position per network call, its base drawn from
//              p_theta given the current sequence (Zheng et al.'s first-hitting sampler; for a model
//              without time input this is any-order autoregressive sampling).
//  ancestral:  MDLM with T steps from t=1 to 0; from t to s each masked position is revealed with
//              probability (t-s)/t. Steps that reveal nothing reuse the previous logits (the cache).
//  confidence: MaskGIT/LLaDA. Each of T steps commits the k most confident masked positions.
enum class sampler_kind { first_hit, ancestral, confidence };

// fp64: exact categorical draws (inverse CDF on float64 probabilities).
// fp32: Gumbel-max with float32 noise, -log(-log u), which is capped near 16.6 and discretised in its
//       upper tail: low-probability outcomes are drawn too rarely, i.e. a silently lower temperature
//       (Zheng et al.). Kept only to reproduce that bias.
enum class draw_precision { fp64, fp32 };

// How a confidence step ranks masked positions: the largest probability, the gap between the two
// largest, or the lowest entropy of the position's distribution.
enum class confidence_measure { max_prob, margin, entropy };

// How many positions a confidence step commits: equal shares over the T steps, or MaskGIT's cosine
// schedule (few at first, when the context is thin, more at the end).
enum class reveal_schedule { linear, cosine };

struct sampler_params {
  sampler_kind kind = sampler_kind::ancestral;  // measured default, with steps = 8 (docs/sampling.md)
  int steps = 8;                                 // T for ancestral and confidence; first-hit ignores it
  double temperature = 1.0;                      // logits / temperature; 1 is the model's distribution
  static constexpr double min_temperature = 1e-6;  // already the greedy draw; far below, 1/T overflows
  double top_p = 1.0;                            // nucleus: keep the fewest bases holding mass >= top_p
  draw_precision precision = draw_precision::fp64;
  confidence_measure confidence = confidence_measure::max_prob;  // confidence sampler only
  reveal_schedule schedule = reveal_schedule::linear;             // confidence sampler only
  bool cache = true;           // ancestral: reuse logits when a step revealed nothing (exact: no time input)
  double guidance = 0.0;       // w of unsupervised CFG: l_u + (w+1)(l_c - l_u); 0 = plain conditional
  std::uint64_t seed = 1;      // every draw is a pure function of the seed: same build, same output
  bool cuda_graph = false;     // GPU path: capture one step as a CUDA graph, replay it for the others

  // Whether `steps` means anything: first-hit reveals one base per network call whatever it says (runs
  // record no steps for it, and the studio greys its field).
  bool uses_steps() const { return kind != sampler_kind::first_hit; }

  // Names the bad option: "--steps: must be >= 1, got 0".
  status validate() const;
};

status parse_sampler_kind(const std::string& name, sampler_kind& out);  // first-hit|ancestral|confidence
status parse_precision(const std::string& name, draw_precision& out);   // fp64|fp32
status parse_confidence(const std::string& name, confidence_measure& out);  // max-prob|margin|entropy
status parse_schedule(const std::string& name, reveal_schedule& out);    // linear|cosine
const char* sampler_name(sampler_kind kind);
const char* precision_name(draw_precision precision);
const char* confidence_name(confidence_measure measure);
const char* schedule_name(reveal_schedule schedule);

// What a sampler reports after each network call: positions revealed so far of `to_reveal`, and the
// network calls so far (a cached ancestral step makes none).
struct sampling_event {
  std::int64_t revealed = 0;
  std::int64_t to_reveal = 0;
  std::int64_t network_calls = 0;
};
// Return false to cancel: the sampler stops and its caller gets status "cancelled".
using sampling_callback = std::function<bool(const sampling_event&)>;

}  // namespace dnafill::core
