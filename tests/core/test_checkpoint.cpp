// Checkpoints: bit-exact round trip; truncated, altered and wrong-preset files refused with a message.
#include "tests/core/catch_torch.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/model_internal.h"
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
