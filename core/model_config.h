// The shape of an MDM transformer (presets tiny/small/base), kept in every checkpoint's metadata.
#pragma once

#include <cstdint>
#include <string>

#include "bio/status.h"

namespace dnafill::core {

struct model_config {
  std::string preset = "small";  // name it was made from; informative, the numbers below rule
  int d_model = 192;             // width of the residual stream
  int n_layers = 4;              // transformer blocks
  int n_heads = 3;               // attention heads; d_model / n_heads is the head size (even, for RoPE)
  int d_mlp = 512;               // hidden width of the SwiGLU MLP
  int context_length = 1024;     // longest window the model was trained for; shorter ones are valid
  int vocab_size = 5;            // A C G T MASK (+ label tokens when num_labels > 0)
  int num_labels = 0;            // labels to condition on (a prefix token; MASK there = no label); 0 = none
  double rope_base = 10000.0;    // RoPE frequency base
  double norm_eps = 1e-5;        // RMSNorm epsilon

  // Names the first bad field: "model config: n_heads must divide d_model (256 % 3 != 0)".
  status validate() const;
  std::int64_t parameter_count() const;
  std::string to_json() const;
  // Parses and validates; `source` names the file in the message.
  static status from_json(const std::string& json, const std::string& source, model_config& out);
};

constexpr int max_labels = 1024;

// tiny (tests, seconds to train), small (the CPU default that ships), base (GPU-trained).
status preset_config(const std::string& name, model_config& out);

}  // namespace dnafill::core
