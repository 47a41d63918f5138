// The RoPE kernel: one thread per pair (see rope.cuh).
#include <cuda_runtime.h>

#include "kernels/rope.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;

template <class T>
__global__ void forward_kernel(const T* qkv, const float* cos, const float* sin, rope_shape s, T* q, T* k, T* v) {
  const std::int64_t p = blockIdx.x * static_cast<std::int64_t>(threads) + threadIdx.x;
  if (p < s.pairs()) rope_forward_pair(p, qkv, cos, sin, s, q, k, v);
}

template <class T>
__global__ void backward_kernel(const T* dq, const T* dk, const T* dv, const float* cos, const float* sin, rope_shape s,
                                T* dqkv) {
  const std::int64_t p = blockIdx.x * static_cast<std::int64_t>(threads) + threadIdx.x;
  if (p < s.pairs()) rope_backward_pair(p, dq, dk, dv, cos, sin, s, dqkv);
}

unsigned blocks_for(const rope_shape& s) { return static_cast<unsigned>((s.pairs() + threads - 1) / threads); }

}  // namespace

result rope_forward_cuda(const void* qkv, dtype type, const float* cos, const float* sin, rope_shape shape, void* q,
                         void* k, void* v, void* stream) {
  if (shape.pairs() <= 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  if (type == dtype::bf16)
    forward_kernel<<<blocks_for(shape), threads, 0, st>>>(static_cast<const bf16_bits*>(qkv), cos, sin, shape,
                                                          static_cast<bf16_bits*>(q), static_cast<bf16_bits*>(k),
                                                          static_cast<bf16_bits*>(v));
  else
    forward_kernel<<<blocks_for(shape), threads, 0, st>>>(static_cast<const float*>(qkv), cos, sin, shape,
                                                          static_cast<float*>(q), static_cast<float*>(k),
                                                          static_cast<float*>(v));
  return static_cast<result>(cudaGetLastError());
}

result rope_backward_cuda(const void* dq, const void* dk, const void* dv, dtype type, const float* cos,
                          const float* sin, rope_shape shape, void* dqkv, void* stream) {
  if (shape.pairs() <= 0) return 0;
  auto st = static_cast<cudaStream_t>(stream);
  if (type == dtype::bf16)
    backward_kernel<<<blocks_for(shape), threads, 0, st>>>(
        static_cast<const bf16_bits*>(dq), static_cast<const bf16_bits*>(dk), static_cast<const bf16_bits*>(dv), cos,
        sin, shape, static_cast<bf16_bits*>(dqkv));
  else
    backward_kernel<<<blocks_for(shape), threads, 0, st>>>(static_cast<const float*>(dq), static_cast<const float*>(dk),
                                                           static_cast<const float*>(dv), cos, sin, shape,
                                                           static_cast<float*>(dqkv));
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
