// Presets, validation and JSON form of model_config.
#include "core/model_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>

#include "core/tokens.h"

namespace dnafill::core {
namespace {

model_config make(const char* preset, int d, int layers, int heads, int mlp, int context) {
  model_config c;
  c.preset = preset;
  c.d_model = d;
  c.n_layers = layers;
  c.n_heads = heads;
  c.d_mlp = mlp;
  c.context_length = context;
  return c;
}

status bad(const std::string& what) { return status::fail("model config: " + what); }

}  // namespace

status preset_config(const std::string& name, model_config& out) {
  // small is sized for the 2-core CPU: big enough to learn k-mer and repeat structure, small enough
  // to train for an hour and to infill in seconds. base is trained on the GPU; it is sized so that its
  // bf16 checkpoint (28 MB) ships in the repository and still infills on a CPU in tens of seconds.
  if (name == "tiny") out = make("tiny", 64, 2, 4, 176, 256);
  else if (name == "small") out = make("small", 192, 4, 3, 512, 1024);
  else if (name == "base") out = make("base", 384, 8, 6, 1024, 1024);
  else return status::fail("--preset: unknown preset '" + name + "' (tiny, small or base)");
  return {};
}

status model_config::validate() const {
  if (d_model <= 0 || d_model > 16384) return bad("d_model must be in 1..16384, got " + std::to_string(d_model));
  if (n_layers <= 0 || n_layers > 256) return bad("n_layers must be in 1..256, got " + std::to_string(n_layers));
  if (n_heads <= 0 || d_model % n_heads != 0)
    return bad("n_heads must divide d_model (" + std::to_string(d_model) + " / " + std::to_string(n_heads) + ")");
  if ((d_model / n_heads) % 2 != 0) return bad("head size d_model / n_heads must be even for RoPE");
  if (d_mlp <= 0 || d_mlp > 65536) return bad("d_mlp must be in 1..65536, got " + std::to_string(d_mlp));
  // A window holds at least two bases (one to design, one of context): --window's least value.
  if (context_length < 2 || context_length > (1 << 20))
    return bad("context_length must be in 2..1048576, got " + std::to_string(context_length));
  if (num_labels < 0 || num_labels > max_labels)
    return bad("num_labels must be in 0.." + std::to_string(max_labels) + ", got " + std::to_string(num_labels));
  if (vocab_size != 5 + num_labels) return bad("vocab_size must be 5 + num_labels");
  if (!(rope_base > 1.0)) return bad("rope_base must be > 1");
  if (!(norm_eps > 0.0 && norm_eps < 1.0)) return bad("norm_eps must be in (0, 1)");
  return {};
}

std::int64_t model_config::parameter_count() const {
  const std::int64_t d = d_model;
  const std::int64_t block = 4 * d * d + 3 * d * d_mlp + 2 * d;  // attention, SwiGLU, two norms
  return vocab_size * d + n_layers * block + d + (d * num_bases + num_bases);
}

std::string model_config::to_json() const {
  nlohmann::json j = {{"preset", preset},           {"d_model", d_model},   {"n_layers", n_layers},
                      {"n_heads", n_heads},         {"d_mlp", d_mlp},       {"context_length", context_length},
                      {"vocab_size", vocab_size},   {"num_labels", num_labels},
                      {"rope_base", rope_base},     {"norm_eps", norm_eps}};
  return j.dump();
}

namespace {

// One key of the config: present and of its type (an int that fits), else a message naming the key.
status read_key(const nlohmann::json& j, const char* key, nlohmann::json& value) {
  const auto it = j.find(key);
  if (it == j.end()) return status::fail(std::string("model config: no '") + key + "'");
  value = *it;
  return {};
}

status read_int(const nlohmann::json& j, const char* key, int& out) {
  nlohmann::json v;
  if (auto s = read_key(j, key, v); !s) return s;
  constexpr auto most = std::numeric_limits<int>::max();
  const bool fits = v.is_number_unsigned()  ? v.get<std::uint64_t>() <= most
                    : v.is_number_integer() ? (v.get<std::int64_t>() >= -most && v.get<std::int64_t>() <= most)
                                            : false;
  if (!fits) return status::fail(std::string("model config: '") + key + "' must be a whole number below 2^31, got " + v.dump());
  out = v.get<int>();
  return {};
}

status read_double(const nlohmann::json& j, const char* key, double& out) {
  nlohmann::json v;
  if (auto s = read_key(j, key, v); !s) return s;
  if (!v.is_number()) return status::fail(std::string("model config: '") + key + "' must be a number, got " + v.dump());
  out = v.get<double>();
  return {};
}

status read_config(const nlohmann::json& j, model_config& c) {
  nlohmann::json preset;
  if (auto s = read_key(j, "preset", preset); !s) return s;
  if (!preset.is_string()) return status::fail("model config: 'preset' must be a string, got " + preset.dump());
  c.preset = preset.get<std::string>();
  for (auto [key, field] : {std::pair{"d_model", &c.d_model}, {"n_layers", &c.n_layers}, {"n_heads", &c.n_heads},
                            {"d_mlp", &c.d_mlp}, {"context_length", &c.context_length}, {"vocab_size", &c.vocab_size},
                            {"num_labels", &c.num_labels}})
    if (auto s = read_int(j, key, *field); !s) return s;
  if (auto s = read_double(j, "rope_base", c.rope_base); !s) return s;
  return read_double(j, "norm_eps", c.norm_eps);
}

}  // namespace

status model_config::from_json(const std::string& json, const std::string& source, model_config& out) {
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return status::fail(source + ": model config is not valid JSON");
  if (!j.is_object()) return status::fail(source + ": model config is not a JSON object");
  model_config c;
  if (auto s = read_config(j, c); !s) return status::fail(source + ": " + s.message());
  if (auto s = c.validate(); !s) return status::fail(source + ": " + s.message());
  out = c;
  return {};
}

}  // namespace dnafill::core
