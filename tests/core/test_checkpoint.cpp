// Checkpoints: bit-exact round trip; truncated, altered and wrong-preset files refused with a message.
#include "tests/core/catch_torch.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bio/constraints.h"
#include "core/job.h"
#include "core/model_internal.h"
#include "core/run_parameters.h"
#include "core/safetensors.h"
#include "test_util.h"

using namespace dnafill::core;
using dnafill::test::read_file;
using dnafill::test::temp_dir;

namespace {

mdm_model fresh(const std::string& preset, int seed) {
  model_config config;
  REQUIRE(preset_config(preset, config));
  torch::manual_seed(seed);
  mdm_transformer net(config);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.normal_(0.0, 1.0);  // every tensor distinct, the head too
  return wrap_model(config, net);
}

}  // namespace

TEST_CASE("a checkpoint round-trips bit-exactly", "[checkpoint]") {
  temp_dir dir;
  const auto model = fresh("tiny", 1);
  REQUIRE(save_model(dir.file("m.safetensors"), model, {{"note", "hello"}}));
  mdm_model loaded;
  REQUIRE(load_model(dir.file("m.safetensors"), loaded));
  CHECK(loaded.config().to_json() == model.config().to_json());
  CHECK(loaded.metadata().at("note") == "hello");
  auto a = model.impl_->net->named_parameters(), b = loaded.impl_->net->named_parameters();
  REQUIRE(a.size() == b.size());
  for (const auto& item : a) CHECK(torch::equal(item.value(), b[item.key()]));
  // Saving what was loaded gives the same bytes.
  REQUIRE(save_model(dir.file("again.safetensors"), loaded, {{"note", "hello"}}));
  CHECK(read_file(dir.file("m.safetensors")) == read_file(dir.file("again.safetensors")));
}

// make_run_record writes what read_run_parameters reads: the keys are spelled in two places.
TEST_CASE("a run's parameters as make_run_record keeps them read back", "[checkpoint][job]") {
  temp_dir dir;
  REQUIRE(save_model(dir.file("m.safetensors"), fresh("tiny", 1), {}));
  mdm_model model;
  REQUIRE(load_model(dir.file("m.safetensors"), model));
  design_options options;
  options.sampler.kind = sampler_kind::confidence;
  options.sampler.steps = 12;
  options.sampler.temperature = 0.8;
  options.sampler.top_p = 0.9;
  options.sampler.guidance = 1.5;
  options.sampler.seed = 18446744073709551615ULL;
  options.rc_ensemble = true;
  REQUIRE(dnafill::bio::add_forbidden("EcoRI", options.constraints));
  const std::vector<dnafill::bio::interval> holes = {{200, 300}, {650, 770}};
  auto extra = studio_design_parameters("chrA", holes, "chrA:1001-2000");
  extra["mask"] = "lowercase";
  dnafill::data::run_record run;
  REQUIRE(make_run_record(model, "infill", options, extra, "", run));
  run_parameters p;
  REQUIRE(read_run_parameters(run.parameters, p));
  CHECK(p.sampler == "confidence");
  CHECK(p.steps == 12);
  CHECK(p.temperature == 0.8);
  CHECK(p.top_p == 0.9);
  CHECK(p.guidance == 1.5);
  CHECK(p.seed == options.sampler.seed);
  CHECK(p.rc_ensemble);
  CHECK(p.constraints == dnafill::bio::constraint_names(options.constraints));
  CHECK(p.mask == "lowercase");
  CHECK(p.record == "chrA");
  CHECK((p.holes == holes));  // (parenthesised: glog's stream operators make Catch try to print it)
  CHECK(p.read_region == "chrA:1001-2000");
  // first-hit records no steps; generate's length is a number.
  options.sampler.kind = sampler_kind::first_hit;
  REQUIRE(make_run_record(model, "generate", options, generate_parameters(5000, "new"), "", run));
  REQUIRE(read_run_parameters(run.parameters, p));
  CHECK(p.sampler == "first-hit");
  CHECK_FALSE(p.steps);
  CHECK(p.length == 5000);
}

TEST_CASE("bf16 weights take half the bytes and load as float32 rounded to bfloat16", "[checkpoint]") {
  temp_dir dir;
  const auto model = fresh("tiny", 5);
  REQUIRE(save_model(dir.file("f32.safetensors"), model, {}));
  REQUIRE(save_model(dir.file("bf16.safetensors"), model, {}, weight_dtype::bf16));
  const auto f32_size = std::filesystem::file_size(dir.file("f32.safetensors"));
  const auto bf16_size = std::filesystem::file_size(dir.file("bf16.safetensors"));
  CHECK(bf16_size < f32_size * 0.55);
  mdm_model loaded;
  REQUIRE(load_model(dir.file("bf16.safetensors"), loaded));
  auto a = model.impl_->net->named_parameters(), b = loaded.impl_->net->named_parameters();
  for (const auto& item : a) {
    CHECK(b[item.key()].dtype() == torch::kFloat32);
    CHECK(torch::equal(item.value().to(torch::kBFloat16).to(torch::kFloat32), b[item.key()]));
  }
}

TEST_CASE("a truncated checkpoint is refused with a message", "[checkpoint]") {
  temp_dir dir;
  const auto path = dir.file("m.safetensors");
  REQUIRE(save_model(path, fresh("tiny", 2), {}));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 100);
  mdm_model m;
  const auto s = load_model(path, m);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::StartsWith(path + ":"));
}

TEST_CASE("an altered checkpoint is refused with a message", "[checkpoint]") {
  temp_dir dir;
  const auto path = dir.file("m.safetensors");
  REQUIRE(save_model(path, fresh("tiny", 3), {}));
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-7, std::ios::end);
    f.put('\x5a');
  }
  mdm_model m;
  const auto s = load_model(path, m);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("checksum"));
}

TEST_CASE("a checkpoint whose tensors are not those of its preset is refused", "[checkpoint]") {
  temp_dir dir;
  const auto path = dir.file("m.safetensors");
  REQUIRE(save_model(path, fresh("tiny", 4), {}));
  st_file file;
  REQUIRE(read_safetensors(path, file));
  model_config small;
  REQUIRE(preset_config("small", small));
  file.metadata[metadata_config] = small.to_json();  // says small, holds tiny's weights
  REQUIRE(write_safetensors(path, file));
  mdm_model m;
  const auto s = load_model(path, m);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("preset 'small'"));

  // A config that is not JSON at all (NaN is not a JSON number), or JSON of another shape.
  for (const auto& [config, says] : {std::pair{std::string("{\"d_model\": NaN}"), "model config is not valid JSON"},
                                     std::pair{std::string("[1, 2]"), "model config is not a JSON object"}}) {
    file.metadata[metadata_config] = config;
    REQUIRE(write_safetensors(path, file));
    CHECK(load_model(path, m).message() == path + ": " + says);
  }
}

TEST_CASE("a file that is not a dnafill checkpoint is refused", "[checkpoint]") {
  temp_dir dir;
  const auto path = dir.file("other.safetensors");
  st_file file;
  file.tensors.push_back({"w", st_dtype::f32, {1}, {0, 0, 128, 63}});
  REQUIRE(write_safetensors(path, file));
  mdm_model m;
  const auto s = load_model(path, m);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("not a dnafill checkpoint"));
  CHECK_FALSE(load_model(dir.file("missing.safetensors"), m));
}
