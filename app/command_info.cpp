// dnafill info: the build, the runtime, and the model (its config and how it was trained).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "core/job.h"
#include "core/runtime.h"
#include "data/json_text.h"

namespace dnafill::app {
namespace {

struct info_args {
  std::string model;
  bool json = false;
};

nlohmann::json describe(const core::mdm_model& model) {
  const auto& c = model.config();
  nlohmann::json j = {{"path", model.path()},          {"preset", c.preset},
                      {"parameters", c.parameter_count()}, {"d_model", c.d_model},
                      {"n_layers", c.n_layers},        {"n_heads", c.n_heads},
                      {"context_length", c.context_length}, {"labels", core::model_labels(model)}};
  const auto facts = model.metadata().find(core::metadata_training);
  if (facts != model.metadata().end()) {
    // Facts that are not a JSON object (edited by hand; the data CRC does not cover the metadata) are null.
    auto training = nlohmann::json::parse(facts->second, nullptr, /*allow_exceptions=*/false);
    j["training"] = training.is_object() ? std::move(training) : nlohmann::json();
  }
  return j;
}

// The training facts are the checkpoint's metadata, written by another build or edited by hand: a
// field missing, of another type ("steps":"x", a null wall time) or out of range shows as '?' (or, for
// the held-out score, as not measured), never as an exception.
std::string count_fact(const nlohmann::json& t, const char* key) {
  const auto it = t.find(key);
  if (it == t.end() || !(it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() >= 0))) return "?";
  return it->dump();
}

std::string duration_fact(const nlohmann::json& t, const char* key) {
  const auto it = t.find(key);
  if (it == t.end() || !it->is_number() || !(it->get<double>() >= 0 && it->get<double>() < 1e15)) return "?";
  return core::format_duration(it->get<double>());
}

std::string held_out_fact(const nlohmann::json& t) {
  const auto it = t.find("valid_bits_per_base");
  if (it == t.end() || !it->is_number() || !(it->get<double>() > 0)) return "no held-out score";
  std::ostringstream text;
  text << "held-out " << it->get<double>() << " bits/base";
  return text.str();
}

void print_text(const nlohmann::json& j) {
  std::cout << "dnafill " << j["version"].get<std::string>() << ", LibTorch " << j["torch"].get<std::string>() << ", "
            << j["threads"].get<int>() << " threads, " << j["machine"].get<std::string>() << "\n";
  if (!j["blas"].get<std::string>().empty()) std::cout << "  BLAS: " << j["blas"].get<std::string>() << "\n";
  const auto& m = j["model"];
  std::cout << "model: " << m["path"].get<std::string>();
  if (j.contains("default_model_from")) std::cout << " (the default model; from " << j["default_model_from"].get<std::string>() << ")";
  std::cout << "\n  preset " << m["preset"].get<std::string>() << ", "
            << m["parameters"].get<long>() << " parameters, " << m["n_layers"].get<int>() << " layers x "
            << m["d_model"].get<int>() << ", context " << m["context_length"].get<int>() << " bases\n";
  if (!m["labels"].empty()) std::cout << "  labels (--label): " << m["labels"].dump() << "\n";
  if (m.contains("training") && m["training"].is_object()) {
    const auto& t = m["training"];
    const auto machine = t.find("machine");
    std::cout << "  trained " << count_fact(t, "steps") << " steps, " << count_fact(t, "tokens_seen") << " tokens, "
              << duration_fact(t, "wall_seconds") << " on "
              << (machine != t.end() && machine->is_string() ? printable(machine->get<std::string>()) : "?") << "\n  "
              << held_out_fact(t) << "\n";
  } else if (m.contains("training")) {
    std::cout << "  training facts unreadable (not a JSON object)\n";
  }
}

int run_info(const info_args& args) {
  core::set_threads(0);
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model); !s) return fail("info", s.message());
  nlohmann::json j = {{"version", DNAFILL_VERSION}, {"torch", core::torch_version()},
                      {"threads", core::thread_count()}, {"machine", core::machine_description()},
                      {"blas", core::blas_description()}, {"model", describe(model)}};
  // Without --model: which of the places the default model is looked for held it (README).
  if (args.model.empty()) {
    std::string origin;
    core::default_model_path(&origin);
    j["default_model_from"] = origin;
  }
  if (args.json) std::cout << data::json_text(j) << "\n";
  else print_text(j);
  return 0;
}

}  // namespace

command_runner add_info_command(CLI::App& cli) {
  auto args = std::make_shared<info_args>();
  auto* sub = cli.add_subcommand("info", "Show the build, the runtime and the model");
  sub->add_option("--model", args->model, "Checkpoint (.safetensors); default: the shipped model");
  sub->add_flag("--json", args->json, "Print one JSON object");
  return [args] { return run_info(*args); };
}

}  // namespace dnafill::app
