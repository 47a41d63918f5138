// What the design benchmarks share: the held-out windows they design in, and the model's
// conditional bits/base of one designed hole.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bio/fasta.h"
#include "core/scoring.h"

namespace dnafill::bench {

// (name, bases) of the middle `length` bases of each of the first `count` records at least that long.
inline std::vector<std::pair<std::string, std::string>> middle_windows(const std::string& path, int count, int length) {
  bio::fasta_reader reader;
  std::vector<std::pair<std::string, std::string>> out;
  if (!reader.open(path)) return out;
  bio::sequence_record r;
  while (static_cast<int>(out.size()) < count && reader.next(r)) {
    if (static_cast<int>(r.bases.size()) < length) continue;
    out.emplace_back(r.name, r.bases.substr((r.bases.size() - length) / 2, length));
  }
  return out;
}

// The hole's bases given the rest of `tokens`, `draws` masking draws from `seed`.
inline bool score_hole(const core::mdm_model& model, const std::vector<core::token>& tokens, const bio::interval& hole,
                       int draws, std::uint64_t seed, core::score_result& result) {
  core::score_options so;
  so.mc_draws = draws;
  so.seed = seed;
  return static_cast<bool>(core::score_holes(model, {tokens}, {{hole}}, so, result));
}

}  // namespace dnafill::bench
