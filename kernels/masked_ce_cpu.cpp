// Kernel (c)'s CPU reference: the same per-position maths, summed in position order.
#include "kernels/masked_ce.cuh"

namespace dnafill::kernels {

void masked_ce_forward_cpu(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                           const double* weight, std::int64_t rows, std::int64_t length, double* loss) {
  for (std::int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (std::int64_t i = r * length; i < (r + 1) * length; ++i)
      if (is_target[i]) sum += position_nll(logits + i * num_bases, targets[i]);
    loss[r] = weight[r] * sum;
  }
}

void masked_ce_backward_cpu(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                            const double* weight, const double* grad_loss, std::int64_t rows, std::int64_t length,
                            float* grad_logits) {
  for (std::int64_t i = 0; i < rows * length; ++i) {
    float* g = grad_logits + i * num_bases;
    if (!is_target[i]) {
      for (int b = 0; b < num_bases; ++b) g[b] = 0.0f;
      continue;
    }
    const std::int64_t r = i / length;
    position_grad(logits + i * num_bases, targets[i], grad_loss[r] * weight[r], g);
  }
}

}  // namespace dnafill::kernels
