// Kernel (a): one float64 categorical draw over the 4 bases per row, with the guidance combination,
// temperature, a constraint mask and top-p in one pass. Zheng et al. 2024: a float32 Gumbel draw
// silently lowers the temperature, so the whole chain runs in float64 and draws by inverse CDF.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

struct categorical_params {
  double temperature = 1.0;  // > 0; logits are divided by it
  double top_p = 1.0;        // in (0, 1]; keep the most probable bases up to this mass
  double guidance = 0.0;     // w of classifier-free guidance: (1 + w) cond - w uncond, when uncond given
};

// A mass within this relative slack below top_p counts as reaching it. At an exact boundary (top-p 0.9
// over 0.7, 0.2, 0.05, 0.05) rounding decided otherwise, and differently on each path (exp, sums).
constexpr double nucleus_slack = 1e-12;

// Top-p over the unnormalised probabilities of the 4 bases (their sum `total`): in decreasing
// probability (ties: the lower base first), bases are kept until their mass reaches top_p; the others
// become 0. The new sum. The host's constrained draws use it too, and top_p_step follows its rule
// (core/sampling.cpp).
DNAFILL_HD inline double keep_nucleus(double* prob, double total, double top_p) {
  bool keep[num_bases] = {false, false, false, false};
  double kept = 0;
  const double reach = top_p * total * (1.0 - nucleus_slack);
  for (int n = 0; n < num_bases && kept < reach; ++n) {
    int best = -1;
    for (int b = 0; b < num_bases; ++b)
      if (!keep[b] && prob[b] > 0 && (best < 0 || prob[b] > prob[best])) best = b;
    if (best < 0) break;
    keep[best] = true;
    kept += prob[best];
  }
  total = 0;
  for (int b = 0; b < num_bases; ++b) {
    if (!keep[b]) prob[b] = 0;
    total += prob[b];
  }
  return total;
}

// Per row r: logits[r*4 .. r*4+3] (float32, the conditional ones), uncond likewise or nullptr,
// allowed[r] a 4-bit mask of the bases the constraints allow (bit b = base b) or nullptr for all,
// u[r] a uniform in [0, 1). out[r] = the drawn base 0..3, or -1 when no base is allowed (the caller's
// dead end) or every logit is -inf or NaN. NaN logits count as -inf; +inf logits share the whole mass.
// The order is the host sampler's (core/sampling.cpp): guidance and temperature shape the model's
// distribution, the constraint mask restricts it, then top-p trims the tail of what is left (top-p
// first could cut every allowed base). When the model gives no allowed base any mass (but some other
// base), the allowed bases are drawn equally likely, as the host does. The GPU samplers pass no mask
// (a run with constraints takes the host's path): the mask is there for callers that keep one on the
// device, and the tests pin it.
DNAFILL_HD inline int draw_base(const float* logits, const float* uncond, std::uint8_t allowed, double u,
                                const categorical_params& p) {
  double l[num_bases], prob[num_bases];
  double top = -__builtin_inf();
  for (int b = 0; b < num_bases; ++b) {
    double x = logits[b];
    if (uncond) x = (1.0 + p.guidance) * x - p.guidance * static_cast<double>(uncond[b]);
    x /= p.temperature;
    if (x != x) x = -__builtin_inf();  // NaN: probability 0
    l[b] = x;
    if (x > top) top = x;
  }
  double total = 0;
  for (int b = 0; b < num_bases; ++b) {
    prob[b] = top == -__builtin_inf() ? 0.0 : top == __builtin_inf() ? (l[b] == top ? 1.0 : 0.0) : exp(l[b] - top);
    total += prob[b];
  }
  if (total == 0 || (allowed & 0xF) == 0) return -1;
  total = 0;
  for (int b = 0; b < num_bases; ++b) {
    if (!((allowed >> b) & 1u)) prob[b] = 0;
    total += prob[b];
  }
  if (total == 0) {  // the model gives every allowed base no mass: the constraints win, equally likely
    for (int b = 0; b < num_bases; ++b) {
      prob[b] = (allowed >> b) & 1u ? 1.0 : 0.0;
      total += prob[b];
    }
  }
  if (p.top_p < 1.0) total = keep_nucleus(prob, total, p.top_p);
  // Inverse CDF: the first base whose cumulative mass exceeds u * total.
  const double target = u * total;
  double cumulative = 0;
  int last = -1;
  for (int b = 0; b < num_bases; ++b) {
    if (prob[b] <= 0) continue;
    cumulative += prob[b];
    last = b;
    if (target < cumulative) return b;
  }
  return last;  // u * total rounded up to total
}

// CPU reference: every row on the host.
void sample_bases_cpu(const float* logits, const float* uncond, const std::uint8_t* allowed, const double* u,
                      std::int64_t rows, const categorical_params& params, std::int64_t* out);

// CUDA: the same over device pointers, one thread per row.
result sample_bases_cuda(const float* logits, const float* uncond, const std::uint8_t* allowed, const double* u,
                         std::int64_t rows, const categorical_params& params, std::int64_t* out, void* stream);

}  // namespace dnafill::kernels
