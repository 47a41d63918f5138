// What stands behind mdm_model: the torch module. Internal to core/.
#pragma once

#include "core/checkpoint.h"
#include "core/model.h"

namespace dnafill::core {

struct mdm_model::impl {
  model_config config;
  mdm_transformer net{nullptr};
  std::map<std::string, std::string> metadata;
  std::string path;
};

// Wraps a module (shared, not copied) as an mdm_model.
mdm_model wrap_model(const model_config& config, mdm_transformer net);

}  // namespace dnafill::core
