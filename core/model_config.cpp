// Presets, validation and JSON form of model_config.
#include "core/model_config.h"

#include <nlohmann/json.hpp>

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
  if (context_length <= 0 || context_length > (1 << 20))
    return bad("context_length must be in 1..1048576, got " + std::to_string(context_length));
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

status model_config::from_json(const std::string& json, const std::string& source, model_config& out) {
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return status::fail(source + ": model config is not a JSON object");
  model_config c;
  try {
    c.preset = j.at("preset").get<std::string>();
    c.d_model = j.at("d_model").get<int>();
    c.n_layers = j.at("n_layers").get<int>();
    c.n_heads = j.at("n_heads").get<int>();
    c.d_mlp = j.at("d_mlp").get<int>();
    c.context_length = j.at("context_length").get<int>();
    c.vocab_size = j.at("vocab_size").get<int>();
    c.num_labels = j.at("num_labels").get<int>();
    c.rope_base = j.at("rope_base").get<double>();
    c.norm_eps = j.at("norm_eps").get<double>();
  } catch (const nlohmann::json::exception& e) {
    return status::fail(source + ": model config: " + e.what());
  }
  if (auto s = c.validate(); !s) return status::fail(source + ": " + s.message());
  out = c;
  return {};
}

}  // namespace dnafill::core
