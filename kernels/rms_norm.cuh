// Layer kernel: RMSNorm of the residual stream, forward and backward, for training on the GPU.
// Forward: rstd[r] = 1 / sqrt(mean_j x[r,j]^2 + eps), y[r,j] = x[r,j] * rstd[r] * weight[j], stored as
// y_type: under bf16 autocast y feeds a bf16 matrix product, so the cast is done here, in the same pass.
// Backward, with g_j = dy[r,j] * weight[j]:
//   dx[r,j] = rstd[r] * g_j - x[r,j] * rstd[r]^3 * mean_k(g_k * x[r,k]),
//   dweight[j] = sum_r dy[r,j] * x[r,j] * rstd[r].
// x, weight, rstd, dx and dweight are float32 (the residual stream and the parameters stay float32).
#pragma once

#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

void rms_norm_forward_cpu(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps,
                          dtype y_type, void* y, float* rstd);
void rms_norm_backward_cpu(const float* x, const float* weight, const float* rstd, const void* dy, dtype dy_type,
                           std::int64_t rows, std::int64_t dim, float* dx, float* dweight);

// CUDA: forward and dx one warp per row; dweight by tiles of 32 columns over chunks of rows, then the
// chunks summed in a fixed order (the same inputs give the same bits), through `partial`, a float32
// workspace of rms_norm_partial_size(rows, dim) values.
std::int64_t rms_norm_partial_size(std::int64_t rows, std::int64_t dim);
result rms_norm_forward_cuda(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps,
                             dtype y_type, void* y, float* rstd, void* stream);
result rms_norm_backward_cuda(const float* x, const float* weight, const float* rstd, const void* dy, dtype dy_type,
                              std::int64_t rows, std::int64_t dim, float* dx, float* dweight, float* partial,
                              void* stream);

}  // namespace dnafill::kernels
