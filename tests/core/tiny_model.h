// The tiny model the design and guidance tests run: an untrained "tiny" preset, made the same way for
// a given seed. Include after tests/core/catch_torch.h.
#pragma once

#include <cstdint>

#include "core/model_internal.h"

namespace dnafill::test {

// With `random_head` its predictions depend on the context; else (a zero head) they are uniform.
inline core::mdm_model tiny_model(bool random_head, std::uint64_t seed = 4) {
  core::model_config config;
  REQUIRE(core::preset_config("tiny", config));
  torch::manual_seed(seed);
  core::mdm_transformer net(config);
  if (random_head) {
    torch::NoGradGuard no_grad;
    net->head->weight.normal_(0.0, 1.0);
  }
  return core::wrap_model(config, net);
}

}  // namespace dnafill::test
