// Kernel (b): commit the positions each row's policy reveals, one block per row.
#include <cuda_runtime.h>

#include "kernels/reveal.cuh"

namespace dnafill::kernels {
namespace {

constexpr int threads = 256;
constexpr int per_thread = 8;  // positions decided by one thread: rows of up to 2,048 positions

// A candidate's rank is the number of candidates that come before it: O(L^2 / threads) per row, no
// sort and no shared buffers, and L is at most the model's context (1,024). Every thread decides
// from the tokens as they were: the block syncs before anyone writes.
__global__ void commit_reveals_kernel(std::int64_t* tokens, const std::int64_t* proposal, const std::uint8_t* is_free,
                                      const double* priority, const std::int32_t* k, const double* threshold,
                                      std::int64_t length, std::int32_t* committed) {
  const std::int64_t r = blockIdx.x;
  std::int64_t* row = tokens + r * length;
  const std::int64_t* prop = proposal + r * length;
  const std::uint8_t* free_row = is_free ? is_free + r * length : nullptr;
  const double* prio = priority + r * length;
  __shared__ int count;
  if (threadIdx.x == 0) count = 0;
  __syncthreads();
  {
    bool commit[per_thread];
    for (int q = 0; q < per_thread; ++q) {
      const std::int64_t i = threadIdx.x + q * threads;
      commit[q] = false;
      if (i >= length || !is_candidate(row, prop, free_row, i)) continue;
      if (k[r] < 0) {
        commit[q] = prio[i] < threshold[r];
      } else {
        std::int64_t rank = 0;
        for (std::int64_t j = 0; j < length && rank < k[r]; ++j)
          if (j != i && is_candidate(row, prop, free_row, j) && comes_before(prio, j, i)) ++rank;
        commit[q] = rank < k[r];
      }
    }
    __syncthreads();
    for (int q = 0; q < per_thread; ++q) {
      const std::int64_t i = threadIdx.x + q * threads;
      if (commit[q]) {
        row[i] = prop[i];
        atomicAdd(&count, 1);
      }
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) committed[r] = count;
}

}  // namespace

result commit_reveals_cuda(std::int64_t* tokens, const std::int64_t* proposal, const std::uint8_t* is_free,
                           const double* priority, const std::int32_t* k, const double* threshold, std::int64_t rows,
                           std::int64_t length, std::int32_t* committed, void* stream) {
  if (rows <= 0) return 0;
  // Decisions are made for the whole row before any write, so a row must fit one pass.
  if (length > max_reveal_length) return static_cast<result>(cudaErrorInvalidValue);
  commit_reveals_kernel<<<static_cast<unsigned>(rows), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      tokens, proposal, is_free, priority, k, threshold, length, committed);
  return static_cast<result>(cudaGetLastError());
}

}  // namespace dnafill::kernels
