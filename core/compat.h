// The differences between LibTorch 1.13 (Debian) and 2.x (bundled with PyTorch) live here, and only here.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>

namespace dnafill::core::compat {

constexpr bool has_fused_attention = TORCH_VERSION_MAJOR >= 2;

// Bidirectional (no causal mask) scaled dot-product attention over (B, H, L, Dh) tensors.
// 2.x dispatches to flash / memory-efficient kernels; 1.13 has no such op, so we spell it out.
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  return torch::matmul(torch::softmax(torch::matmul(q, k.transpose(-2, -1)) * scale, -1), v);
#endif
}

}  // namespace dnafill::core::compat
