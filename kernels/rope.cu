// The RoPE kernel: one block per position, its threads over the position's pairs (see rope.cuh).
#include <cuda_runtime.h>

#include "kernels/rope.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 128;  // base has 3 x 6 x 32 = 576 pairs a position, small 288

template <class T>
__global__ void forward_kernel(const T* qkv, const float* cos, const float* sin, rope_shape s, T* q, T* k, T* v) {
  const std::int64_t row = blockIdx.x, l = row % s.length;
  for (int j = threadIdx.x; j < s.pairs_per_row(); j += threads) rope_forward_pair(row, l, j, qkv, cos, sin, s, q, k, v);
}

template <class T>
__global__ void backward_kernel(const T* dq, const T* dk, const T* dv, const float* cos, const float* sin, rope_shape s,
                                T* dqkv) {
  const std::int64_t row = blockIdx.x, l = row % s.length;
  for (int j = threadIdx.x; j < s.pairs_per_row(); j += threads) rope_backward_pair(row, l, j, dq, dk, dv, cos, sin, s, dqkv);
}

unsigned blocks_for(const rope_shape& s) { return static_cast<unsigned>(s.rows()); }

}  // namespace

result rope_forward_cuda(const void* qkv, dtype type, const float* cos, const float* sin, rope_shape shape, void* q,
                         void* k, void* v, void* stream) {
  if (shape.rows() <= 0 || shape.pairs_per_row() <= 0) return 0;
  if (shape.rows() > 0x7fffffff) return static_cast<result>(cudaErrorInvalidValue);  // one block per position
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
  if (shape.rows() <= 0 || shape.pairs_per_row() <= 0) return 0;
  if (shape.rows() > 0x7fffffff) return static_cast<result>(cudaErrorInvalidValue);  // one block per position
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
