// Kernel (c): masked weighted cross-entropy, forward (one block per row) and backward.
#include <cuda_runtime.h>

#include "kernels/masked_ce.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;

__global__ void forward_kernel(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                               const double* weight, std::int64_t length, double* loss) {
  const std::int64_t r = blockIdx.x;
  double sum = 0;
  for (std::int64_t i = r * length + threadIdx.x; i < (r + 1) * length; i += threads)
    if (is_target[i]) sum += position_nll(logits + i * num_bases, targets[i]);
  // Tree reduction in shared memory: a fixed order, so the same inputs give the same bits.
  __shared__ double partial[threads];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int half = threads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) loss[r] = weight[r] * partial[0];
}

__global__ void backward_kernel(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                                const double* weight, const double* grad_loss, std::int64_t n, std::int64_t length,
                                float* grad_logits) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  float* g = grad_logits + i * num_bases;
  if (!is_target[i]) {
    for (int b = 0; b < num_bases; ++b) g[b] = 0.0f;
    return;
  }
  const std::int64_t r = i / length;
  position_grad(logits + i * num_bases, targets[i], grad_loss[r] * weight[r], g);
}

}  // namespace

result masked_ce_forward_cuda(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                              const double* weight, std::int64_t rows, std::int64_t length, double* loss, void* stream) {
  if (rows <= 0) return 0;
  forward_kernel<<<static_cast<unsigned>(rows), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      logits, targets, is_target, weight, length, loss);
  return static_cast<result>(cudaGetLastError());
}

result masked_ce_backward_cuda(const float* logits, const std::int64_t* targets, const std::uint8_t* is_target,
                               const double* weight, const double* grad_loss, std::int64_t rows, std::int64_t length,
                               float* grad_logits, void* stream) {
  const std::int64_t n = rows * length;
  if (n <= 0) return 0;
  const auto blocks = static_cast<unsigned>((n + threads - 1) / threads);
  backward_kernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(logits, targets, is_target, weight,
                                                                             grad_loss, n, length, grad_logits);
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
