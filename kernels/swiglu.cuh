// Layer kernel: the SwiGLU gate of the MLP, forward and backward, for training on the GPU.
// gate_up (rows, 2m) is the output of one matrix: the gate g in its first m columns, the up half u in the
// last m. Forward: y[r,j] = silu(g) * u with silu(g) = g * sigmoid(g), y (rows, m).
// Backward: with s = sigmoid(g), dg = dy * u * s * (1 + g (1 - s)) and du = dy * silu(g), into (rows, 2m).
// Stored as float32 or bf16; computed in float32, rounded once.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

DNAFILL_HD inline float sigmoid(float g) { return 1.0f / (1.0f + expf(-g)); }

// Element j of row r of y: what a thread of the kernel does.
template <class T>
DNAFILL_HD inline void swiglu_forward_at(std::int64_t r, std::int64_t j, const T* gate_up, std::int64_t m, T* y) {
  const float g = to_float(gate_up[r * 2 * m + j]), u = to_float(gate_up[r * 2 * m + m + j]);
  y[r * m + j] = from_float<T>(g * sigmoid(g) * u);
}

template <class T>
DNAFILL_HD inline void swiglu_backward_at(std::int64_t r, std::int64_t j, const T* gate_up, const T* dy, std::int64_t m,
                                          T* dgate_up) {
  const float g = to_float(gate_up[r * 2 * m + j]), u = to_float(gate_up[r * 2 * m + m + j]), d = to_float(dy[r * m + j]);
  const float s = sigmoid(g);
  dgate_up[r * 2 * m + j] = from_float<T>(d * u * s * (1.0f + g * (1.0f - s)));
  dgate_up[r * 2 * m + m + j] = from_float<T>(d * g * s);
}

void swiglu_forward_cpu(const void* gate_up, dtype type, std::int64_t rows, std::int64_t m, void* y);
void swiglu_backward_cpu(const void* gate_up, const void* dy, dtype type, std::int64_t rows, std::int64_t m,
                         void* dgate_up);

// CUDA: one block per row, its threads over the row (no 64-bit division per element).
result swiglu_forward_cuda(const void* gate_up, dtype type, std::int64_t rows, std::int64_t m, void* y, void* stream);
result swiglu_backward_cuda(const void* gate_up, const void* dy, dtype type, std::int64_t rows, std::int64_t m,
                            void* dgate_up, void* stream);

}  // namespace dnafill::kernels
