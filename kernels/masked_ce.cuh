// Kernel (c): the masked, weighted cross-entropy of the MDLM objective, forward and backward.
// Forward: loss[b] = weight[b] * sum over positions i of row b with is_target[i] of -log softmax(logits_i)[target_i]
// (float64 per row: the Rao-Blackwellised NELBO of one sequence, weight 1/t, or R/n with R the real bases of the row).
// Backward: dlogits_i = grad[b] * weight[b] * is_target[i] * (softmax(logits_i) - onehot(target_i)).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

// One position's negative log-likelihood of its target, in float64. Targets above 3 (MASK, never a
// loss target) are clamped to a valid base; is_target is then false anyway.
DNAFILL_HD inline double position_nll(const float* logits, std::int64_t target) {
  double top = logits[0];
  for (int b = 1; b < num_bases; ++b) top = logits[b] > top ? logits[b] : top;
  double total = 0;
  for (int b = 0; b < num_bases; ++b) total += exp(static_cast<double>(logits[b]) - top);
  const int t = target < num_bases ? static_cast<int>(target) : num_bases - 1;
  return log(total) + top - static_cast<double>(logits[t]);
}

// d nll / d logits of one position, times `scale`.
DNAFILL_HD inline void position_grad(const float* logits, std::int64_t target, double scale, float* grad) {
  double top = logits[0];
  for (int b = 1; b < num_bases; ++b) top = logits[b] > top ? logits[b] : top;
  double e[num_bases], total = 0;
  for (int b = 0; b < num_bases; ++b) total += (e[b] = exp(static_cast<double>(logits[b]) - top));
  const int t = target < num_bases ? static_cast<int>(target) : num_bases - 1;
  for (int b = 0; b < num_bases; ++b) grad[b] = static_cast<float>(scale * (e[b] / total - (b == t ? 1.0 : 0.0)));
}

// logits (rows*length, 4) float32, targets (rows*length) int64, is_target (rows*length) uint8,
// weight (rows) float64; loss (rows) float64.
void masked_ce_forward_cpu(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                           const double* weight, std::int64_t rows, std::int64_t length, double* loss);
// grad_loss (rows) float64; grad_logits (rows*length, 4) float32 (zero where not a target).
void masked_ce_backward_cpu(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                            const double* weight, const double* grad_loss, std::int64_t rows, std::int64_t length,
                            float* grad_logits);

// CUDA: forward one block per row with a fixed-order reduction (deterministic); backward one thread
// per position.
result masked_ce_forward_cuda(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                              const double* weight, std::int64_t rows, std::int64_t length, double* loss, void* stream);
result masked_ce_backward_cuda(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                               const double* weight, const double* grad_loss, std::int64_t rows, std::int64_t length,
                               float* grad_logits, void* stream);

}  // namespace dnafill::kernels
