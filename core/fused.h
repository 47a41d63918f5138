// The fused kernels of kernels/ as torch ops, dispatched by the tensors' device: CPU tensors run the
// CPU references, CUDA tensors the kernels. In a build without DNAFILL_CUDA only fused_masked_nelbo
// falls back to LibTorch's ops; the others refuse CUDA tensors (callers check kernels::built_with_cuda
// and layer_kernels_run_on).
// Internal to core/.
#pragma once

#include <torch/torch.h>

#include <array>

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

// The layer kernels (RMSNorm, RoPE, SwiGLU: the elementwise work of a transformer block, each in one
// pass), as differentiable ops. Storage float32 or bf16. CPU tensors run the CPU references (slow loops,
// for the tests), CUDA tensors the kernels. The model uses them when its fused_layers flag is set and
// layer_kernels_run_on(device) says they can run there.
bool layer_kernels_run_on(const torch::Device& device);

// x (..., d) -> x * rsqrt(mean(x^2) + eps) * weight, computed from x in float32; the result in bf16
// when bf16 autocast is on for x's device (its consumer is then a bf16 matrix product) or x is bf16,
// else float32.
torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The attention's projection qkv (B, L, 3 * H * Dh) -> q, k, v, each (B, H, L, Dh) (views of (B, L, H, Dh)
// memory, the layout flash attention works in), q and k rotated by the tables cos, sin (>= L, Dh / 2) float32.
std::array<torch::Tensor, 3> fused_rope_heads(const torch::Tensor& qkv, std::int64_t heads, const torch::Tensor& cos,
                                              const torch::Tensor& sin);

// gate_up (..., 2m) -> silu(gate_up[..., :m]) * gate_up[..., m:].
torch::Tensor fused_swiglu(const torch::Tensor& gate_up);

}  // namespace dnafill::core
