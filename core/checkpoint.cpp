// Checkpoints: the model's weights as float32 safetensors, config and training facts in __metadata__.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/fused.h"
#include "core/model_internal.h"
#include "core/runtime.h"
#include "core/safetensors.h"
#include "core/tokens.h"

#ifndef DNAFILL_SOURCE_MODELS_DIR
#define DNAFILL_SOURCE_MODELS_DIR ""
#endif

namespace dnafill::core {
namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

st_tensor to_st_tensor(const std::string& name, const torch::Tensor& value, weight_dtype dtype) {
  const bool bf16 = dtype == weight_dtype::bf16;
  auto cpu = value.detach().to(torch::kCPU, bf16 ? torch::kBFloat16 : torch::kFloat32).contiguous();
  st_tensor t;
  t.name = name;
  t.dtype = bf16 ? st_dtype::bf16 : st_dtype::f32;
  t.shape = cpu.sizes().vec();
  const auto* bytes = static_cast<const std::uint8_t*>(cpu.data_ptr());
  t.data.assign(bytes, bytes + cpu.numel() * cpu.element_size());
  return t;
}

// Copies the file's tensor into `param` after checking that it is the tensor the architecture expects.
status load_parameter(const std::string& path, const model_config& config, const std::string& name,
                      const st_file& file, torch::Tensor& param) {
  const st_tensor* t = file.find(name);
  if (!t) return status::fail(path + ": tensor '" + name + "' is missing (not a " + config.preset + " model?)");
  if (t->dtype != st_dtype::f32 && t->dtype != st_dtype::bf16)
    return status::fail(path + ": tensor '" + name + "' is " + dtype_name(t->dtype) + ", expected F32 or BF16");
  if (t->shape != param.sizes().vec())
    return status::fail(path + ": tensor '" + name + "' has shape " + shape_text(t->shape) + " but the config (preset '" +
                        config.preset + "') needs " + shape_text(param.sizes().vec()));
  torch::NoGradGuard no_grad;
  if (t->dtype == st_dtype::f32) {
    std::memcpy(param.data_ptr(), t->data.data(), t->data.size());
  } else {  // shipped bf16 weights run in float32
    auto stored = torch::from_blob(const_cast<std::uint8_t*>(t->data.data()), t->shape, torch::kBFloat16);
    param.copy_(stored.to(torch::kFloat32));
  }
  // A diverged run saves NaN weights with a valid CRC; such a model would design only 'A's.
  if (!torch::isfinite(param).all().item<bool>())
    return status::fail(path + ": tensor '" + name + "' holds NaN or infinite weights (a diverged training run?)");
  return {};
}

// Label names from the metadata: a JSON array of num_labels distinct, non-empty strings.
status read_labels(const std::string& path, const model_config& config, const std::map<std::string, std::string>& metadata,
                   std::vector<std::string>& out) {
  out.clear();
  if (config.num_labels == 0) return {};
  const auto entry = metadata.find(metadata_labels);
  const auto j = entry == metadata.end() ? nlohmann::json() : nlohmann::json::parse(entry->second, nullptr, false);
  if (!j.is_array() || j.size() != static_cast<std::size_t>(config.num_labels))
    return status::fail(path + ": the config has " + std::to_string(config.num_labels) + " labels but '" +
                        metadata_labels + "' does not list as many names");
  for (const auto& name : j) {
    if (!name.is_string() || name.get<std::string>().empty()) return status::fail(path + ": a label name is not a string");
    out.push_back(name.get<std::string>());
  }
  return {};
}

std::string executable_dir() {
  char buffer[4096];
  const auto n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return {};
  std::string exe(buffer, static_cast<std::size_t>(n));
  return exe.substr(0, exe.find_last_of('/'));
}

bool readable(const std::string& path) { return !path.empty() && access(path.c_str(), R_OK) == 0; }

}  // namespace

const model_config& mdm_model::config() const { return impl_->config; }
const std::map<std::string, std::string>& mdm_model::metadata() const { return impl_->metadata; }
const std::string& mdm_model::path() const { return impl_->path; }

mdm_model wrap_model(const model_config& config, mdm_transformer net) {
  mdm_model model;
  model.impl_ = std::make_shared<mdm_model::impl>();
  model.impl_->config = config;
  model.impl_->net = std::move(net);
  return model;
}

status save_model(const std::string& path, const mdm_model& model, std::map<std::string, std::string> metadata,
                  weight_dtype dtype) {
  st_file file;
  file.metadata = std::move(metadata);
  file.metadata["format"] = "pt";  // what Python's safetensors expects of torch weights
  file.metadata[metadata_config] = model.config().to_json();
  for (const auto& item : model.impl_->net->named_parameters()) file.tensors.push_back(to_st_tensor(item.key(), item.value(), dtype));
  return write_safetensors(path, file);
}

status load_model(const std::string& path, mdm_model& out) {
  st_file file;
  if (auto s = read_safetensors(path, file); !s) return s;
  const auto config_entry = file.metadata.find(metadata_config);
  if (config_entry == file.metadata.end())
    return status::fail(path + ": not a dnafill checkpoint (no '" + std::string(metadata_config) + "' in __metadata__)");
  model_config config;
  if (auto s = model_config::from_json(config_entry->second, path, config); !s) return s;
  mdm_transformer net(config);
  auto params = net->named_parameters();
  for (auto& item : params)
    if (auto s = load_parameter(path, config, item.key(), file, item.value()); !s) return s;
  if (file.tensors.size() != params.size())
    return status::fail(path + ": " + std::to_string(file.tensors.size()) + " tensors, the config (preset '" +
                        config.preset + "') needs " + std::to_string(params.size()));
  std::vector<std::string> labels;
  if (auto s = read_labels(path, config, file.metadata, labels); !s) return s;
  net->eval();
  // Finite weights can still overflow (1e30 in a projection): then every score is NaN and every design
  // all 'A's. One forward pass over a short window of bases and MASK must give finite logits of a
  // size a trained model gives (the shipped ones: at most 2.1 here; final-norm weights of 1e5 gave
  // 2e5, all-'A' designs and thousands of bits/base; at 3e38 float32 rounds a log-probability to 0).
  {
    torch::NoGradGuard no_grad;
    const auto probe = torch::arange(32, torch::kInt64).remainder(base_vocab).view({1, -1});  // A C G T MASK A ...
    const auto largest = net->forward(probe, torch::Tensor()).abs().max().item<double>();
    if (!(largest < 1e3)) {
      char size[48] = "NaN or infinite values";
      if (std::isfinite(largest)) std::snprintf(size, sizeof size, "logits as large as %.3g", largest);
      return status::fail(path + ": the network's output holds " + size + " (damaged or overflowing weights)");
    }
  }
  out = wrap_model(config, net);
  out.impl_->metadata = std::move(file.metadata);
  out.impl_->path = path;
  return {};
}

status move_model(mdm_model& model, const std::string& device) {
  try {
    model.impl_->net->to(torch::Device(device));
  } catch (const c10::Error& e) {
    return status::fail("--device: cannot move the model to " + device + ": " + e.what_without_backtrace());
  }
  return {};
}

status prepare_for_inference(mdm_model& model, const std::string& device, const std::string& net_precision,
                             std::string* where) {
  if (auto s = check_inference_precision(net_precision); !s) return s;
  std::string resolved;
  if (auto s = resolve_device(device, resolved); !s) return s;
  if (resolved != "cpu")
    if (auto s = move_model(model, resolved); !s) return s;
  if (where) *where = resolved;
  return set_inference_precision(model, net_precision);
}

status check_inference_precision(const std::string& name) {
  if (name != "fp32" && name != "bf16" && name != "auto")
    return status::fail("--net-precision: must be fp32, bf16 or auto, got '" + name + "'");
  return {};
}

status set_inference_precision(mdm_model& model, const std::string& name) {
  if (auto s = check_inference_precision(name); !s) return s;
  // auto: bf16 on a GPU, where it samples base ~3x faster at the same bits/base (docs/gpu.md); float32
  // on CPUs, most of which are slower in bf16.
  const bool on_gpu = model.impl_->net->device().is_cuda();
  model.impl_->net->bf16_inference = name == "bf16" || (name == "auto" && on_gpu);
  return {};
}

std::string inference_precision(const mdm_model& model) { return model.impl_->net->bf16_inference ? "bf16" : "fp32"; }

status check_layer_kernels(const std::string& name) {
  if (name != "torch" && name != "fused") return status::fail("--layer-kernels: must be torch or fused, got '" + name + "'");
  return {};
}

status set_layer_kernels(mdm_model& model, const std::string& name) {
  if (auto s = check_layer_kernels(name); !s) return s;
  if (name == "fused" && !layer_kernels_run_on(model.impl_->net->device()))
    return status::fail("--layer-kernels: fused needs the CUDA kernels on cuda, and this build has none "
                        "(configure with -DDNAFILL_CUDA=ON)");
  model.impl_->net->set_fused_layers(name == "fused");
  return {};
}

std::vector<std::string> model_labels(const mdm_model& model) {
  std::vector<std::string> labels;
  if (!read_labels(model.path(), model.config(), model.metadata(), labels)) labels.clear();
  return labels;
}

std::string default_model_path(std::string* origin) {
  auto found = [origin](std::string path, const char* where) {
    if (origin) *origin = where;
    return path;
  };
  if (const char* env = std::getenv("DNAFILL_MODEL"); env && *env) return found(env, "DNAFILL_MODEL");
  const std::string installed = executable_dir() + "/../share/dnafill/models/small.safetensors";
  if (readable(installed)) return found(installed, "installed: ../share/dnafill/models beside the binary");
  // A folder unpacked or copied whole: the binary with models/ beside it.
  const std::string beside = executable_dir() + "/models/small.safetensors";
  if (readable(beside)) return found(beside, "models/ beside the binary");
  return found(std::string(DNAFILL_SOURCE_MODELS_DIR) + "/small.safetensors", "the source tree's models/");
}

namespace {

// What default_model_path() is, for an error about it.
std::string default_model_origin() {
  const char* env = std::getenv("DNAFILL_MODEL");
  return env && *env ? "the model DNAFILL_MODEL names" : "the default model";
}

}  // namespace

status load_for_inference(const std::string& path, mdm_model& model, const std::string& device,
                          const std::string& net_precision, std::string* where, const std::string& hint) {
  if (auto s = load_model(path.empty() ? default_model_path() : path, model); !s) {
    if (path.empty()) return status::fail(s.message() + " (" + default_model_origin() + (hint.empty() ? "" : "; " + hint) + ")");
    return s;
  }
  return prepare_for_inference(model, device, net_precision, where);
}

}  // namespace dnafill::core
