// Kernel (a): float64 categorical draws, one thread per row.
#include <cuda_runtime.h>

#include "kernels/categorical.cuh"

namespace dnafill::kernels {
namespace {

__global__ void sample_bases_kernel(const float* logits, const float* uncond, const std::uint8_t* allowed,
                                    const double* u, std::int64_t rows, categorical_params params, std::int64_t* out) {
  const std::int64_t r = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (r >= rows) return;
  out[r] = draw_base(logits + r * num_bases, uncond ? uncond + r * num_bases : nullptr, allowed ? allowed[r] : 0xF,
                     u[r], params);
}

}  // namespace

result sample_bases_cuda(const float* logits, const float* uncond, const std::uint8_t* allowed, const double* u,
                         std::int64_t rows, const categorical_params& params, std::int64_t* out, void* stream) {
  if (rows <= 0) return 0;
  constexpr int threads = 256;
  const auto blocks = static_cast<unsigned>((rows + threads - 1) / threads);
  sample_bases_kernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(logits, uncond, allowed, u, rows,
                                                                                 params, out);
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
