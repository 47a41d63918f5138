// Kernel (b): the samplers' bookkeeping on the device. Each sampler step proposes a base for every
// masked position and a priority; this commits, per row, the positions its policy reveals:
//   first-hit   k = 1 and a uniform priority: one uniformly random masked position (Zheng et al.);
//   confidence  k = n_t and the proposal's probability: the n_t most confident (MaskGIT, LLaDA);
//   ancestral   k < 0: every masked position with priority < threshold. The device loop draws each
//               position's reveal step up front (uniform on 0..T-1, as MDLM's step from t to s < t
//               reveals it with probability (t - s) / t = 1 / (steps left)) as its priority, and
//               step i commits those below i + 1.
// Everything stays on the device, so a sampling step needs no host synchronisation.
#pragma once

#include <cstdint>

#include "kernels/common.cuh"

namespace dnafill::kernels {

// tokens and proposal: (rows, length) int64, row-major; mask_token marks a position still masked.
// is_free: (rows, length) uint8 or nullptr (all): positions the caller may reveal (the hole).
// priority: (rows, length) float64. k: (rows) int32 as above; threshold: (rows) float64, used where
// k < 0. A proposal < 0 (no allowed base) is never committed. Ties in priority go to the lower
// position. committed (rows) int32 receives how many positions of each row were revealed.
void commit_reveals_cpu(std::int64_t* tokens, const std::int64_t* proposal, const std::uint8_t* is_free,
                        const double* priority, const std::int32_t* k, const double* threshold, std::int64_t rows,
                        std::int64_t length, std::int32_t* committed);

// CUDA: one block per row; a position's rank among the row's candidates decides it. Rows of at most
// max_reveal_length positions (the model's context is 1,024); longer ones give cudaErrorInvalidValue.
constexpr std::int64_t max_reveal_length = 2048;
result commit_reveals_cuda(std::int64_t* tokens, const std::int64_t* proposal, const std::uint8_t* is_free,
                           const double* priority, const std::int32_t* k, const double* threshold, std::int64_t rows,
                           std::int64_t length, std::int32_t* committed, void* stream);

// Whether position j of a row is a candidate: still masked, free, with a base to commit.
DNAFILL_HD inline bool is_candidate(const std::int64_t* tokens, const std::int64_t* proposal,
                                    const std::uint8_t* is_free, std::int64_t j) {
  return tokens[j] == mask_token && proposal[j] >= 0 && (!is_free || is_free[j]);
}

// Whether candidate j comes before candidate i in the order of reveal (higher priority, then lower index).
DNAFILL_HD inline bool comes_before(const double* priority, std::int64_t j, std::int64_t i) {
  return priority[j] > priority[i] || (priority[j] == priority[i] && j < i);
}

}  // namespace dnafill::kernels
