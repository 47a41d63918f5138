// The RMSNorm kernel: forward and dx one warp per row, dweight by column tiles (see rms_norm.cuh).
#include <cuda_runtime.h>

#include "kernels/rms_norm.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;
constexpr int warps = threads / 32;      // rows per block in the row kernels
constexpr std::int64_t chunk_rows = 256; // rows summed by one block of the dweight kernel
constexpr std::int64_t max_chunks = 1024;

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <class Y>
__global__ void forward_kernel(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps,
                               Y* y, float* rstd) {
  const std::int64_t r = blockIdx.x * static_cast<std::int64_t>(warps) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (r >= rows) return;  // the whole warp leaves together
  const float* xr = x + r * dim;
  float squares = 0;
  for (std::int64_t j = lane; j < dim; j += 32) squares += xr[j] * xr[j];
  const float s = rsqrtf(warp_sum(squares) / static_cast<float>(dim) + eps);
  if (lane == 0) rstd[r] = s;
  for (std::int64_t j = lane; j < dim; j += 32) y[r * dim + j] = from_float<Y>(xr[j] * s * weight[j]);
}

template <class G>
__global__ void dx_kernel(const float* x, const float* weight, const float* rstd, const G* dy, std::int64_t rows,
                          std::int64_t dim, float* dx) {
  const std::int64_t r = blockIdx.x * static_cast<std::int64_t>(warps) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (r >= rows) return;
  const float* xr = x + r * dim;
  const G* gr = dy + r * dim;
  float dot = 0;
  for (std::int64_t j = lane; j < dim; j += 32) dot += to_float(gr[j]) * weight[j] * xr[j];
  const float s = rstd[r];
  const float mean = warp_sum(dot) / static_cast<float>(dim);
  for (std::int64_t j = lane; j < dim; j += 32) dx[r * dim + j] = s * to_float(gr[j]) * weight[j] - xr[j] * s * s * s * mean;
}

// Block (32 columns x 8 row lanes) sums dy * x * rstd over one chunk of rows into partial[chunk, column].
template <class G>
__global__ void dweight_partial_kernel(const float* x, const float* rstd, const G* dy, std::int64_t rows,
                                       std::int64_t dim, std::int64_t rows_per_chunk, float* partial) {
  const std::int64_t column = blockIdx.x * 32 + threadIdx.x;
  const std::int64_t first = blockIdx.y * rows_per_chunk;
  const std::int64_t end = first + rows_per_chunk < rows ? first + rows_per_chunk : rows;
  float sum = 0;
  if (column < dim)
    for (std::int64_t r = first + threadIdx.y; r < end; r += 8) sum += to_float(dy[r * dim + column]) * x[r * dim + column] * rstd[r];
  __shared__ float lanes[8][33];
  lanes[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && column < dim) {
    float total = 0;
    for (int i = 0; i < 8; ++i) total += lanes[i][threadIdx.x];
    partial[blockIdx.y * dim + column] = total;
  }
}

__global__ void dweight_final_kernel(const float* partial, std::int64_t chunks, std::int64_t dim, float* dweight) {
  const std::int64_t column = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (column >= dim) return;
  float total = 0;
  for (std::int64_t c = 0; c < chunks; ++c) total += partial[c * dim + column];
  dweight[column] = total;
}

std::int64_t chunks_for(std::int64_t rows) {
  const std::int64_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  return chunks < max_chunks ? (chunks > 0 ? chunks : 1) : max_chunks;
}

unsigned row_blocks(std::int64_t rows) { return static_cast<unsigned>((rows + warps - 1) / warps); }

}  // namespace

std::int64_t rms_norm_partial_size(std::int64_t rows, std::int64_t dim) { return chunks_for(rows) * dim; }

result rms_norm_forward_cuda(const float* x, const float* weight, std::int64_t rows, std::int64_t dim, float eps,
                             dtype y_type, void* y, float* rstd, void* stream) {
  if (rows <= 0 || dim <= 0) return 0;
  auto s = static_cast<cudaStream_t>(stream);
  if (y_type == dtype::bf16)
    forward_kernel<<<row_blocks(rows), threads, 0, s>>>(x, weight, rows, dim, eps, static_cast<bf16_bits*>(y), rstd);
  else forward_kernel<<<row_blocks(rows), threads, 0, s>>>(x, weight, rows, dim, eps, static_cast<float*>(y), rstd);
  return static_cast<result>(cudaGetLastError());
}

template <class G>
static result backward_typed(const float* x, const float* weight, const float* rstd, const G* dy, std::int64_t rows,
                             std::int64_t dim, float* dx, float* dweight, float* partial, cudaStream_t s) {
  dx_kernel<<<row_blocks(rows), threads, 0, s>>>(x, weight, rstd, dy, rows, dim, dx);
  if (auto e = cudaGetLastError(); e != cudaSuccess) return static_cast<result>(e);
  const std::int64_t chunks = chunks_for(rows), per_chunk = (rows + chunks - 1) / chunks;
  const dim3 grid(static_cast<unsigned>((dim + 31) / 32), static_cast<unsigned>(chunks));
  dweight_partial_kernel<<<grid, dim3(32, 8), 0, s>>>(x, rstd, dy, rows, dim, per_chunk, partial);
  if (auto e = cudaGetLastError(); e != cudaSuccess) return static_cast<result>(e);
  dweight_final_kernel<<<static_cast<unsigned>((dim + threads - 1) / threads), threads, 0, s>>>(partial, chunks, dim,
                                                                                              dweight);
  return static_cast<result>(cudaGetLastError());
}

result rms_norm_backward_cuda(const float* x, const float* weight, const float* rstd, const void* dy, dtype dy_type,
                              std::int64_t rows, std::int64_t dim, float* dx, float* dweight, float* partial,
                              void* stream) {
  if (dim <= 0) return 0;
  auto s = static_cast<cudaStream_t>(stream);
  if (rows <= 0) return static_cast<result>(cudaMemsetAsync(dweight, 0, dim * sizeof(float), s));
  if (dy_type == dtype::bf16)
    return backward_typed(x, weight, rstd, static_cast<const bf16_bits*>(dy), rows, dim, dx, dweight, partial, s);
  return backward_typed(x, weight, rstd, static_cast<const float*>(dy), rows, dim, dx, dweight, partial, s);
}

}  // namespace dnafill::kernels
