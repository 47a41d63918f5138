// Layer kernel: rotary position embedding (RoPE) of q and k, fused with the split of the attention's
// qkv projection into heads, forward and backward, for training on the GPU.
// Forward: qkv (B, L, 3, H, Dh) -> q, k, v, each (B, L, H, Dh) contiguous: the layout in which flash
// attention reads its inputs and returns their gradients (core/ hands them on as (B, H, L, Dh) views).
// q and k are rotated by position l; the first and second halves of a head form the pairs: for i < Dh/2,
//   out[i] = x[i] cos[l,i] - x[i + Dh/2] sin[l,i],   out[i + Dh/2] = x[i] sin[l,i] + x[i + Dh/2] cos[l,i];
// v is copied. cos, sin (L, Dh/2) float32; the rotation runs in float32 whatever the storage type.
// Backward: the transpose, i.e. the inverse rotation of dq and dk and the copy of dv (each (B, L, H, Dh)),
// into dqkv (B, L, 3, H, Dh).
#pragma once

#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

struct rope_shape {
  std::int64_t batch, length, heads, head_dim;
  DNAFILL_HD std::int64_t rows() const { return batch * length; }             // positions b * L + l
  DNAFILL_HD int pairs_per_row() const { return static_cast<int>(3 * heads * (head_dim / 2)); }
};

// Where pair j of position `row` (b * L + l) sits: j runs over pairs_per_row() with the pair index i
// within the head fastest, then the head, then the part (q, k, v). `packed` is the offset of its head
// in qkv (B, L, 3, H, Dh), `split` that in q, k or v (B, L, H, Dh). 32-bit arithmetic within the row.
struct rope_site {
  int i, part;
  std::int64_t packed, split;
};

DNAFILL_HD inline rope_site rope_site_of(std::int64_t row, int j, rope_shape s) {
  const int half = static_cast<int>(s.head_dim / 2), heads = static_cast<int>(s.heads);
  const int i = j % half, h = (j / half) % heads, part = j / (half * heads);
  return {i, part, ((row * 3 + part) * heads + h) * s.head_dim, (row * heads + h) * s.head_dim};
}

// One pair of the forward pass at position l of its window: what a thread of the kernel does.
template <class T>
DNAFILL_HD inline void rope_forward_pair(std::int64_t row, std::int64_t l, int j, const T* qkv, const float* cos,
                                         const float* sin, rope_shape s, T* q, T* k, T* v) {
  const rope_site at = rope_site_of(row, j, s);
  const std::int64_t half = s.head_dim / 2, i = at.i;
  const T* x = qkv + at.packed;
  T* out = (at.part == 0 ? q : at.part == 1 ? k : v) + at.split;
  if (at.part == 2) {
    out[i] = x[i];
    out[i + half] = x[i + half];
    return;
  }
  const float x1 = to_float(x[i]), x2 = to_float(x[i + half]), c = cos[l * half + i], sn = sin[l * half + i];
  out[i] = from_float<T>(x1 * c - x2 * sn);
  out[i + half] = from_float<T>(x1 * sn + x2 * c);
}

template <class T>
DNAFILL_HD inline void rope_backward_pair(std::int64_t row, std::int64_t l, int j, const T* dq, const T* dk,
                                          const T* dv, const float* cos, const float* sin, rope_shape s, T* dqkv) {
  const rope_site at = rope_site_of(row, j, s);
  const std::int64_t half = s.head_dim / 2, i = at.i;
  T* dx = dqkv + at.packed;
  const T* g = (at.part == 0 ? dq : at.part == 1 ? dk : dv) + at.split;
  if (at.part == 2) {
    dx[i] = g[i];
    dx[i + half] = g[i + half];
    return;
  }
  const float g1 = to_float(g[i]), g2 = to_float(g[i + half]), c = cos[l * half + i], sn = sin[l * half + i];
  dx[i] = from_float<T>(g1 * c + g2 * sn);
  dx[i + half] = from_float<T>(g2 * c - g1 * sn);
}

void rope_forward_cpu(const void* qkv, dtype type, const float* cos, const float* sin, rope_shape shape, void* q,
                      void* k, void* v);
void rope_backward_cpu(const void* dq, const void* dk, const void* dv, dtype type, const float* cos, const float* sin,
                       rope_shape shape, void* dqkv);

// CUDA: one block per position, its threads over the pairs.
result rope_forward_cuda(const void* qkv, dtype type, const float* cos, const float* sin, rope_shape shape, void* q,
                         void* k, void* v, void* stream);
result rope_backward_cuda(const void* dq, const void* dk, const void* dv, dtype type, const float* cos,
                          const float* sin, rope_shape shape, void* dqkv, void* stream);

}  // namespace dnafill::kernels
