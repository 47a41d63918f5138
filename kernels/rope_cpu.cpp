// The RoPE kernel's CPU reference: every pair of every position in turn, the per-pair maths of rope.cuh.
#include "kernels/rope.cuh"

namespace dnafill::kernels {
namespace {

template <class T>
void forward(const void* qkv, const float* cos, const float* sin, rope_shape s, void* q, void* k, void* v) {
  for (std::int64_t row = 0; row < s.rows(); ++row)
    for (int j = 0; j < s.pairs_per_row(); ++j)
      rope_forward_pair(row, row % s.length, j, static_cast<const T*>(qkv), cos, sin, s, static_cast<T*>(q),
                        static_cast<T*>(k), static_cast<T*>(v));
}

template <class T>
void backward(const void* dq, const void* dk, const void* dv, const float* cos, const float* sin, rope_shape s,
              void* dqkv) {
  for (std::int64_t row = 0; row < s.rows(); ++row)
    for (int j = 0; j < s.pairs_per_row(); ++j)
      rope_backward_pair(row, row % s.length, j, static_cast<const T*>(dq), static_cast<const T*>(dk),
                         static_cast<const T*>(dv), cos, sin, s, static_cast<T*>(dqkv));
}

}  // namespace

void rope_forward_cpu(const void* qkv, dtype type, const float* cos, const float* sin, rope_shape shape, void* q,
                      void* k, void* v) {
  if (type == dtype::bf16) forward<bf16_bits>(qkv, cos, sin, shape, q, k, v);
  else forward<float>(qkv, cos, sin, shape, q, k, v);
}

void rope_backward_cpu(const void* dq, const void* dk, const void* dv, dtype type, const float* cos, const float* sin,
                       rope_shape shape, void* dqkv) {
  if (type == dtype::bf16) backward<bf16_bits>(dq, dk, dv, cos, sin, shape, dqkv);
  else backward<float>(dq, dk, dv, cos, sin, shape, dqkv);
}

}  // namespace dnafill::kernels
