// The fused kernels of kernels/ as torch ops, dispatched by the tensors' device: CPU tensors run the
// CPU references, CUDA tensors the kernels (or, in a build without DNAFILL_CUDA, LibTorch's own ops).
// Internal to core/.
#pragma once

#include <torch/torch.h>

#include "kernels/categorical.cuh"

namespace dnafill::core {

// Per-sequence NELBO of a batch: weight[b] * sum of -log p(target) over the row's target positions.
// logits (B, L, 4) of any float type, targets (B, L) int64, is_target (B, L) bool, weight (B) float64.
// Returns (B) float64, differentiable with respect to the logits.
torch::Tensor fused_masked_nelbo(const torch::Tensor& logits, const torch::Tensor& targets,
                                 const torch::Tensor& is_target, const torch::Tensor& weight);

// One float64 categorical draw per row of logits (R, 4): guidance with `uncond` (or undefined),
// temperature, `allowed` (R) uint8 base masks (or undefined), top-p, inverse CDF on `u` (R) float64.
// Returns (R) int64 bases, -1 where no base is allowed.
torch::Tensor fused_sample_bases(const torch::Tensor& logits, const torch::Tensor& uncond, const torch::Tensor& allowed,
                                 const torch::Tensor& u, const kernels::categorical_params& params);

// Commits, in place in `tokens` (B, L) int64, the proposals each row's policy reveals (see
// kernels/reveal.cuh). is_free (B, L) bool or undefined, priority (B, L) float64, k (B) int32,
// threshold (B) float64. Returns how many positions each row revealed, (B) int32.
torch::Tensor fused_commit_reveals(torch::Tensor& tokens, const torch::Tensor& proposal, const torch::Tensor& is_free,
                                   const torch::Tensor& priority, const torch::Tensor& k, const torch::Tensor& threshold);

}  // namespace dnafill::core
