// A loaded model and its checkpoint file: safetensors with the model config in __metadata__.
// Torch-free header: the CLI and the GUI hold models through it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bio/status.h"
#include "core/model_config.h"

namespace dnafill::core {

// A model ready for inference (weights on CPU unless moved, eval mode). Copies share the same weights; a model may
// be used by one thread at a time.
class mdm_model {
 public:
  bool loaded() const { return impl_ != nullptr; }
  const model_config& config() const;
  const std::map<std::string, std::string>& metadata() const;  // the checkpoint's __metadata__
  const std::string& path() const;                              // empty if never saved or loaded

  struct impl;  // defined in core/model_internal.h
  std::shared_ptr<impl> impl_;
};

// Metadata keys written by dnafill (all values are strings, as safetensors requires).
constexpr const char* metadata_config = "dnafill.config";      // model_config as JSON
constexpr const char* metadata_training = "dnafill.training";  // training facts as JSON
constexpr const char* metadata_labels = "dnafill.labels";      // label names as a JSON array (models with labels)

// The label names of a model, in token order (label i is token base_vocab + i); empty without labels.
std::vector<std::string> model_labels(const mdm_model& model);

// Reads and validates a checkpoint: the file format, the config, and every tensor's name, dtype and
// shape against the architecture the config describes. Errors name the file and the problem.
status load_model(const std::string& path, mdm_model& out);

// How weights are stored: float32, or bfloat16 to halve a shipped file (loaded back as float32).
enum class weight_dtype { f32, bf16 };

// Writes the weights and `metadata` (plus the config) atomically: a temp file renamed over `path`.
status save_model(const std::string& path, const mdm_model& model, std::map<std::string, std::string> metadata,
                  weight_dtype dtype = weight_dtype::f32);

// Moves the weights to `device` ("cpu" or "cuda", as resolve_device gives it).
status move_model(mdm_model& model, const std::string& device);

// The network's arithmetic when it samples and scores: "fp32", "bf16" (autocast: matrix products and
// attention in bfloat16, the logits float32; draws stay float64), or "auto": bf16 where the weights are
// on a GPU, else fp32, so it is set after move_model. Errors name --net-precision.
status check_inference_precision(const std::string& name);  // "fp32", "bf16" or "auto", else the error
status set_inference_precision(mdm_model& model, const std::string& name);
std::string inference_precision(const mdm_model& model);  // "fp32" or "bf16", as set

// A loaded model made ready to sample and score, as the CLI and the studio both do it: the precision
// name checked, the weights moved to `device` (cpu, cuda or auto, as resolve_device reads it), then
// the precision set (after the move: auto is bf16 on a GPU). Errors name --device or --net-precision.
// `where`, when given, gets the device it ran on ("cpu" or "cuda").
status prepare_for_inference(mdm_model& model, const std::string& device, const std::string& net_precision,
                             std::string* where = nullptr);

// Who does the layers' elementwise work: "torch" (LibTorch's ops, the default) or "fused" (the RMSNorm,
// RoPE and SwiGLU kernels of kernels/, for GPUs; refused on CUDA in a build without them). Errors name
// --layer-kernels.
status check_layer_kernels(const std::string& name);  // "torch" or "fused", else the error
status set_layer_kernels(mdm_model& model, const std::string& name);

// `path`, or the shipped default when it is empty, loaded (load_model) and made ready to sample and
// score (prepare_for_inference), as the CLI and the studio load theirs. A default that does not load
// says which it was: "...: cannot open: ... (the default model; HINT)", `hint` being how to give
// another ("give one with --model"); none: "(the default model)".
status load_for_inference(const std::string& path, mdm_model& model, const std::string& device,
                          const std::string& net_precision, std::string* where = nullptr, const std::string& hint = {});

// The shipped default model: $DNAFILL_MODEL, else share/dnafill/models/ beside the installed binary,
// else models/ in the binary's own folder, else models/ of the source tree this binary was built from.
// `origin`, when given, gets which of these it is, in words ("models/ beside the binary").
std::string default_model_path(std::string* origin = nullptr);

}  // namespace dnafill::core
