// The SwiGLU kernel: one block per row (see swiglu.cuh).
#include <cuda_runtime.h>

#include "kernels/swiglu.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;  // base's MLP is 1,024 wide: four elements a thread

template <class T>
__global__ void forward_kernel(const T* gate_up, std::int64_t m, T* y) {
  for (std::int64_t j = threadIdx.x; j < m; j += threads) swiglu_forward_at(blockIdx.x, j, gate_up, m, y);
}

template <class T>
__global__ void backward_kernel(const T* gate_up, const T* dy, std::int64_t m, T* dgate_up) {
  for (std::int64_t j = threadIdx.x; j < m; j += threads) swiglu_backward_at(blockIdx.x, j, gate_up, dy, m, dgate_up);
}

}  // namespace

result swiglu_forward_cuda(const void* gate_up, dtype type, std::int64_t rows, std::int64_t m, void* y, void* stream) {
  if (rows <= 0 || m <= 0) return 0;
  if (rows > 0x7fffffff) return static_cast<result>(cudaErrorInvalidValue);  // one block per row
  auto s = static_cast<cudaStream_t>(stream);
  const auto blocks = static_cast<unsigned>(rows);
  if (type == dtype::bf16)
    forward_kernel<<<blocks, threads, 0, s>>>(static_cast<const bf16_bits*>(gate_up), m, static_cast<bf16_bits*>(y));
  else forward_kernel<<<blocks, threads, 0, s>>>(static_cast<const float*>(gate_up), m, static_cast<float*>(y));
  return static_cast<result>(cudaGetLastError());
}

result swiglu_backward_cuda(const void* gate_up, const void* dy, dtype type, std::int64_t rows, std::int64_t m,
                            void* dgate_up, void* stream) {
  if (rows <= 0 || m <= 0) return 0;
  if (rows > 0x7fffffff) return static_cast<result>(cudaErrorInvalidValue);
  auto s = static_cast<cudaStream_t>(stream);
  const auto blocks = static_cast<unsigned>(rows);
  if (type == dtype::bf16)
    backward_kernel<<<blocks, threads, 0, s>>>(static_cast<const bf16_bits*>(gate_up), static_cast<const bf16_bits*>(dy),
                                               m, static_cast<bf16_bits*>(dgate_up));
  else
    backward_kernel<<<blocks, threads, 0, s>>>(static_cast<const float*>(gate_up), static_cast<const float*>(dy), m,
                                               static_cast<float*>(dgate_up));
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
