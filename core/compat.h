// The differences between LibTorch 1.13 (Debian) and 2.x (bundled with PyTorch) live here, and only here.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>

namespace dnafill::core::compat {

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

// Whether bf16 autocast is on for `device`'s kind (CUDA or CPU) right now.
inline bool bf16_autocast_enabled(const torch::Device& device) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  const auto type = device.is_cuda() ? at::kCUDA : at::kCPU;
  return at::autocast::is_autocast_enabled(type) && at::autocast::get_autocast_dtype(type) == at::kBFloat16;
#else
  return device.is_cuda() ? at::autocast::is_enabled() && at::autocast::get_autocast_gpu_dtype() == at::kBFloat16
                          : at::autocast::is_cpu_enabled() && at::autocast::get_autocast_cpu_dtype() == at::kBFloat16;
#endif
}

// bf16 autocast on `device` (CUDA or CPU) for the lifetime of the guard: matrix products and attention
// in bf16, the rest (norms, softmax of the loss) in float32. The C++ API changed name between 1.13 and
// 2.x. The previous state comes back at the end, so guards nest. `cache_casts` false: no bf16 copy of a
// weight outlives its use (each is used once per forward pass anyway), so nothing a CUDA graph captured
// can point at a cast that is later freed.
class bf16_autocast {
 public:
  bf16_autocast(bool on, torch::Device device, bool cache_casts = true) : on_(on), cuda_(device.is_cuda()) {
    if (!on_) return;
    was_enabled_ = enabled();
    was_caching_ = at::autocast::is_autocast_cache_enabled();
    at::autocast::set_autocast_cache_enabled(cache_casts && was_caching_);
    set(true);
  }
  ~bf16_autocast() {
    if (!on_) return;
    set(was_enabled_);
    at::autocast::set_autocast_cache_enabled(was_caching_);
    if (!was_enabled_) at::autocast::clear_cache();
  }
  bf16_autocast(const bf16_autocast&) = delete;
  bf16_autocast& operator=(const bf16_autocast&) = delete;

 private:
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::DeviceType type() const { return cuda_ ? at::kCUDA : at::kCPU; }
  bool enabled() const { return at::autocast::is_autocast_enabled(type()); }
  void set(bool on) const {
    at::autocast::set_autocast_dtype(type(), at::kBFloat16);
    at::autocast::set_autocast_enabled(type(), on);
  }
#else
  bool enabled() const { return cuda_ ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
  void set(bool on) const {
    if (cuda_) {
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
      at::autocast::set_enabled(on);
    } else {
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
      at::autocast::set_cpu_enabled(on);
    }
  }
#endif
  bool on_, cuda_, was_enabled_ = false, was_caching_ = true;
};

}  // namespace dnafill::core::compat
