// The forward (masking) process of the MDM objective, drawn on the host so a seed fixes it everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bio/status.h"
#include "core/tokens.h"

namespace dnafill::core {

// Two unbiased estimators of the same NELBO (docs/model.md, Objective):
//  continuous: t ~ U(0,1) stratified across the batch, each real base masked with probability t,
//              masked cross-entropy weighted by 1/t (MDLM's Rao-Blackwellised continuous-time NELBO
//              for alpha_t = 1 - t).
//  count:      n ~ U{1..R} stratified across the batch (R = real bases of the row), a uniform n-subset
//              masked, weighted by R/n (Zheng et al.'s discrete form; lower variance).
enum class objective_kind { continuous, count };

status parse_objective(const std::string& name, objective_kind& out);
const char* objective_name(objective_kind kind);

// t is clamped below so that 1/t stays bounded (MDLM does the same).
constexpr double min_mask_time = 1e-3;

// A batch of B rows of L tokens after masking.
struct masked_batch {
  int batch = 0;
  int length = 0;
  std::vector<token> input;           // B*L: clean tokens, masked positions set to MASK
  std::vector<std::uint8_t> is_target;  // B*L: 1 where a real base was masked (a loss target)
  std::vector<double> weight;         // B: 1/t or R/n
  std::vector<double> mask_rate;      // B: t, or n/R
  std::vector<int> real_bases;        // B: R, the positions that are not unknown (N)
};

// MDLM's low-discrepancy draw: one uniform in each stratum of width 1/B, (b + u_b)/B for b = 0..B-1,
// from B independent uniforms u_b. (Not one u shared by the batch, (u + b/B) mod 1: the strata would
// not be independent, and no estimate of a score's variance from its draws would be unbiased.)
std::vector<double> stratified_uniforms(const std::vector<double>& u);

// Masks `tokens` (B*L, row-major). Unknown bases (MASK already) are never targets. Deterministic for
// the state of `rng`.
masked_batch mask_batch(const std::vector<token>& tokens, int batch, int length, objective_kind kind,
                        std::mt19937_64& rng);

// A 64-bit seed for draw `index` of stream `seed` (SplitMix64), so that step k of a run is a pure
// function of (seed, k): what makes resume exact and read-ahead order-independent.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace dnafill::core
