// The differences between LibTorch 1.13 (Debian) and 2.x (bundled with PyTorch) live here, and only here.
#pragma once

#include <ATen/autocast_mode.h>
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

// bf16 autocast on CUDA for the lifetime of the guard: matrix products and attention in bf16, the
// rest (norms, softmax of the loss) in float32. The C++ API changed name between 1.13 and 2.x.
class cuda_bf16_autocast {
 public:
  explicit cuda_bf16_autocast(bool on) : on_(on) {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
  }
  ~cuda_bf16_autocast() {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  cuda_bf16_autocast(const cuda_bf16_autocast&) = delete;
  cuda_bf16_autocast& operator=(const cuda_bf16_autocast&) = delete;

 private:
  bool on_;
};

}  // namespace dnafill::core::compat
