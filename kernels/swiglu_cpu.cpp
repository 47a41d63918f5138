// The SwiGLU kernel's CPU reference: every element of every row in turn, the per-element maths of swiglu.cuh.
#include "kernels/swiglu.cuh"

namespace dnafill::kernels {
namespace {

template <class T>
void forward(const void* gate_up, std::int64_t rows, std::int64_t m, void* y) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < m; ++j) swiglu_forward_at(r, j, static_cast<const T*>(gate_up), m, static_cast<T*>(y));
}

template <class T>
void backward(const void* gate_up, const void* dy, std::int64_t rows, std::int64_t m, void* dgate_up) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < m; ++j)
      swiglu_backward_at(r, j, static_cast<const T*>(gate_up), static_cast<const T*>(dy), m, static_cast<T*>(dgate_up));
}

}  // namespace

void swiglu_forward_cpu(const void* gate_up, dtype type, std::int64_t rows, std::int64_t m, void* y) {
  if (type == dtype::bf16) forward<bf16_bits>(gate_up, rows, m, y);
  else forward<float>(gate_up, rows, m, y);
}

void swiglu_backward_cpu(const void* gate_up, const void* dy, dtype type, std::int64_t rows, std::int64_t m,
                         void* dgate_up) {
  if (type == dtype::bf16) backward<bf16_bits>(gate_up, dy, rows, m, dgate_up);
  else backward<float>(gate_up, dy, rows, m, dgate_up);
}

}  // namespace dnafill::kernels
