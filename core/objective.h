// The MDM loss: masked cross-entropy weighted per sequence, i.e. a Monte-Carlo draw of the NELBO.
// Internal to core/ (torch).
#pragma once

#include <torch/torch.h>

#include "core/masking.h"

namespace dnafill::core {

// A masked batch as tensors on one device.
struct batch_tensors {
  torch::Tensor input;      // (B, L) int64, masked tokens: the model's input z_t
  torch::Tensor targets;    // (B, L) int64, the clean tokens x (MASK where unknown)
  torch::Tensor is_target;  // (B, L) bool, masked real bases
  torch::Tensor weight;     // (B) float64, 1/t or R/n
};

batch_tensors to_tensors(const std::vector<token>& clean, const masked_batch& m, torch::Device device);

// Per row: sum over target positions of -log softmax(logits)[x_i], in nats, float64. Positions that
// are not targets contribute exactly zero whatever their logits (carry-over: no loss on visible bases).
torch::Tensor masked_cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets,
                                   const torch::Tensor& is_target);

// Per row NELBO estimate in nats: weight * masked_cross_entropy.
torch::Tensor nelbo_per_sequence(const torch::Tensor& logits, const batch_tensors& batch);

// Scales the gradients of `parameters` by min(1, max_norm / (global L2 norm + 1e-6)), as
// torch::nn::utils::clip_grad_norm_ does, but with the factor kept on the device: LibTorch's returns
// the norm as a double, which makes the host wait for the GPU in the middle of every training step.
void clip_gradients(const std::vector<torch::Tensor>& parameters, double max_norm);

}  // namespace dnafill::core
