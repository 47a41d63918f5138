// The SwiGLU kernel: one thread per element of the output (see swiglu.cuh).
#include <cuda_runtime.h>

#include "kernels/swiglu.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;

template <class T>
__global__ void forward_kernel(const T* gate_up, std::int64_t n, std::int64_t m, T* y) {
  const std::int64_t e = blockIdx.x * static_cast<std::int64_t>(threads) + threadIdx.x;
  if (e < n) swiglu_forward_at(e, gate_up, m, y);
}

template <class T>
__global__ void backward_kernel(const T* gate_up, const T* dy, std::int64_t n, std::int64_t m, T* dgate_up) {
  const std::int64_t e = blockIdx.x * static_cast<std::int64_t>(threads) + threadIdx.x;
  if (e < n) swiglu_backward_at(e, gate_up, dy, m, dgate_up);
}

unsigned blocks_for(std::int64_t n) { return static_cast<unsigned>((n + threads - 1) / threads); }

}  // namespace

result swiglu_forward_cuda(const void* gate_up, dtype type, std::int64_t rows, std::int64_t m, void* y, void* stream) {
  const std::int64_t n = rows * m;
  if (n <= 0) return 0;
  auto s = static_cast<cudaStream_t>(stream);
  if (type == dtype::bf16)
    forward_kernel<<<blocks_for(n), threads, 0, s>>>(static_cast<const bf16_bits*>(gate_up), n, m,
                                                     static_cast<bf16_bits*>(y));
  else forward_kernel<<<blocks_for(n), threads, 0, s>>>(static_cast<const float*>(gate_up), n, m, static_cast<float*>(y));
  return static_cast<result>(cudaGetLastError());
}

result swiglu_backward_cuda(const void* gate_up, const void* dy, dtype type, std::int64_t rows, std::int64_t m,
                            void* dgate_up, void* stream) {
  const std::int64_t n = rows * m;
  if (n <= 0) return 0;
  auto s = static_cast<cudaStream_t>(stream);
  if (type == dtype::bf16)
    backward_kernel<<<blocks_for(n), threads, 0, s>>>(static_cast<const bf16_bits*>(gate_up),
                                                      static_cast<const bf16_bits*>(dy), n, m,
                                                      static_cast<bf16_bits*>(dgate_up));
  else
    backward_kernel<<<blocks_for(n), threads, 0, s>>>(static_cast<const float*>(gate_up), static_cast<const float*>(dy),
                                                      n, m, static_cast<float*>(dgate_up));
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
