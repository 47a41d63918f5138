// The RMSNorm kernel's CPU reference: the same formulas, row by row, sums in float64.
#include <cmath>
#include <vector>

#include "kernels/rms_norm.cuh"

namespace dnafill::kernels {
namespace {

template <class Y>
void forward(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps, Y* y, float* rstd) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    double squares = 0;
    for (std::int64_t j = 0; j < dim; ++j) squares += static_cast<double>(xr[j]) * xr[j];
    const auto s = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(dim) + eps));
    rstd[r] = s;
    for (std::int64_t j = 0; j < dim; ++j) y[r * dim + j] = from_float<Y>(xr[j] * s * weight[j]);
  }
}

template <class G>
void backward(const float* x, const float* weight, const float* rstd, const G* dy, std::int64_t rows,
              std::int64_t dim, float* dx, float* dweight) {
  std::vector<double> dw(static_cast<std::size_t>(dim), 0.0);
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    const G* gr = dy + r * dim;
    const double s = rstd[r];
    double dot = 0;
    for (std::int64_t j = 0; j < dim; ++j) {
      const double g = to_float(gr[j]);
      dot += g * weight[j] * xr[j];
      dw[static_cast<std::size_t>(j)] += g * xr[j] * s;
    }
    const double mean = dot / static_cast<double>(dim);
    for (std::int64_t j = 0; j < dim; ++j)
      dx[r * dim + j] = static_cast<float>(s * to_float(gr[j]) * weight[j] - xr[j] * s * s * s * mean);
  }
  for (std::int64_t j = 0; j < dim; ++j) dweight[j] = static_cast<float>(dw[static_cast<std::size_t>(j)]);
}

}  // namespace

void rms_norm_forward_cpu(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps,
                          dtype y_type, void* y, float* rstd) {
  if (y_type == dtype::bf16) forward(x, weight, rows, dim, eps, static_cast<bf16_bits*>(y), rstd);
  else forward(x, weight, rows, dim, eps, static_cast<float*>(y), rstd);
}

void rms_norm_backward_cpu(const float* x, const float* weight, const float* rstd, const void* dy, dtype dy_type,
                           std::int64_t rows, std::int64_t dim, float* dx, float* dweight) {
  if (dy_type == dtype::bf16)
    backward(x, weight, rstd, static_cast<const bf16_bits*>(dy), rows, dim, dx, dweight);
  else backward(x, weight, rstd, static_cast<const float*>(dy), rows, dim, dx, dweight);
}

}  // namespace dnafill::kernels
