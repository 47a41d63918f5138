// What the design benchmarks share: the model and the held-out windows they design in, and the
// model's conditional bits/base of one designed hole.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "bio/fasta.h"
#include "core/runtime.h"
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

// What a design benchmark starts from: the model, on `device` ("cpu", "cuda", "auto"; resolved into
// `device`), and the middle `length` bases of the first `count` records of `in` that long. False after
// one line on stderr naming `program` and what is missing.
inline bool load_design_inputs(const char* program, const std::string& model_path, std::string& device,
                               const std::string& in, int count, int length, core::mdm_model& model,
                               std::vector<std::pair<std::string, std::string>>& windows) {
  if (auto s = core::load_model(model_path, model); !s) {
    std::fprintf(stderr, "%s: %s\n", program, s.message().c_str());
    return false;
  }
  const std::string asked = device;
  if (auto s = core::resolve_device(asked, device); !s || !core::move_model(model, device)) {
    std::fprintf(stderr, "%s: --device %s: not usable here\n", program, asked.c_str());
    return false;
  }
  windows = middle_windows(in, count, length);
  if (windows.empty()) {
    std::fprintf(stderr, "%s: no window of %d bases in %s\n", program, length, in.c_str());
    return false;
  }
  return true;
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
