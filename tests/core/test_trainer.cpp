// Training: a tiny model overfits a 64-base sequence; a resumed run continues the loss curve exactly.
#include "tests/core/catch_torch.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/model_internal.h"
#include "core/scoring.h"
#include "core/trainer.h"
#include "data/sha256.h"
#include "test_util.h"

using namespace dnafill::core;
using dnafill::test::temp_dir;

namespace {

train_options tiny_run(const temp_dir& dir, const std::string& fasta, int seq_len, std::int64_t steps) {
  train_options o;
  o.data.train_files = {fasta};
  o.data.window = seq_len;
  o.out = dir.file("model.safetensors");
  o.preset = "tiny";
  o.steps = steps;
  o.batch = 8;
  o.seed = 3;
  o.valid_every = 10;
  o.valid_windows = 4;
  o.checkpoint_every = 1000;
  return o;
}

std::vector<double> run(const train_options& o, std::int64_t stop_after = -1) {
  std::vector<double> losses;
  train_summary summary;
  auto on_step = [&](const train_progress& p) {
    losses.push_back(p.loss_bits);
    return p.step != stop_after;
  };
  REQUIRE(train(o, on_step, summary));
  return losses;
}

}  // namespace

TEST_CASE("a tiny model overfits a 64-base sequence", "[trainer]") {
  temp_dir dir;
  const std::string seq = "ACGTTGCAAGGCTTACCGATCGATGGCATTACGGATCCAGTACGATTGCCATGACGTAGCTAGC";
  REQUIRE(seq.size() == 64);
  auto o = tiny_run(dir, dnafill::test::write_fasta(dir.file("one.fa"), "one", seq), 64, 800);
  o.data.valid_fraction = 0;
  o.lr = 3e-3;
  o.warmup_steps = 20;
  o.ema_decay = 0.9;
  o.rc_augment = false;
  o.objective = objective_kind::count;
  run(o);
  mdm_model model;
  REQUIRE(load_model(o.out, model));
  score_result r;
  score_options so;
  so.mc_draws = 64;
  REQUIRE(score_sequences(model, {encode(seq)}, so, r));
  INFO("NELBO bits/base after training: " << r.bits_per_base());
  // With everything masked a RoPE model cannot tell positions apart, so even a memorised sequence keeps
  // a floor in the NELBO; far below the 2.0 of a fresh model all the same.
  CHECK(r.bits_per_base() < 1.2);
  // Each base with all the others visible: memorised, so nearly certain.
  torch::NoGradGuard no_grad;
  const auto tokens = encode(seq);
  auto clean = torch::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()));
  auto input = clean.repeat({64, 1});
  for (int i = 0; i < 64; ++i) input[i][i] = mask_token;
  auto log_probs = torch::log_softmax(model.impl_->net->forward(input), -1);
  double bits = 0;
  for (int i = 0; i < 64; ++i) bits -= log_probs[i][i][clean[i].item<int64_t>()].item<double>() / std::log(2.0);
  INFO("bits/base of one masked base given the other 63: " << bits / 64);
  CHECK(bits / 64 < 0.1);
}

TEST_CASE("a resumed run continues the loss curve of an uninterrupted run exactly", "[trainer]") {
  temp_dir straight, interrupted;
  const auto bases = dnafill::test::markov_bases(4000, 9);
  const auto whole = run(tiny_run(straight, dnafill::test::write_fasta(straight.file("a.fa"), "a", bases), 64, 24));
  auto o = tiny_run(interrupted, dnafill::test::write_fasta(interrupted.file("a.fa"), "a", bases), 64, 24);
  const auto first = run(o, 11);  // stopped after step 11: checkpoint and state are written
  o.resume = true;
  const auto rest = run(o);
  REQUIRE(first.size() == 11);
  REQUIRE(rest.size() == 13);
  std::vector<double> joined = first;
  joined.insert(joined.end(), rest.begin(), rest.end());
  REQUIRE(joined.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) CHECK(joined[i] == whole[i]);  // bit-exact, not approximate
}

TEST_CASE("a run out of --max-minutes reports its last step, saves it, and resumes after it", "[trainer]") {
  temp_dir dir;
  auto o = tiny_run(dir, dnafill::test::write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(4000, 9)), 64, 24);
  o.max_minutes = 1e-9;  // out of time after the first step
  std::vector<std::int64_t> heard;
  train_summary summary;
  REQUIRE(train(o, [&](const train_progress& p) { heard.push_back(p.step); return true; }, summary));
  CHECK(summary.steps_done == 1);
  CHECK(heard == std::vector<std::int64_t>{1});  // the step that ran out of time is logged too
  o.max_minutes = 0;
  o.resume = true;
  heard.clear();
  REQUIRE(train(o, [&](const train_progress& p) { heard.push_back(p.step); return true; }, summary));
  REQUIRE(heard.size() == 23);
  CHECK(heard.front() == 2);
}

TEST_CASE("resuming with another preset or seed is refused", "[trainer]") {
  temp_dir dir;
  auto o = tiny_run(dir, dnafill::test::write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(2000, 1)), 64, 6);
  run(o, 3);
  o.resume = true;
  o.seed = 4;
  train_summary summary;
  const auto s = train(o, {}, summary);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("--resume: the interrupted run had other settings: --seed (3, now 4); "));
}

TEST_CASE("resuming on other training data is refused, on a longer or gentler schedule it is not", "[trainer]") {
  temp_dir dir;
  const auto bases = dnafill::test::markov_bases(2000, 1);
  auto o = tiny_run(dir, dnafill::test::write_fasta(dir.file("a.fa"), "a", bases), 64, 6);
  run(o, 3);
  o.resume = true;
  train_summary summary;
  // One base changed: other windows for the same (seed, step).
  std::string changed = bases;
  changed[1000] = changed[1000] == 'A' ? 'C' : 'A';
  o.data.train_files = {dnafill::test::write_fasta(dir.file("b.fa"), "a", changed)};
  auto s = train(o, {}, summary);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("other settings: --train, --valid, --valid-fraction or --labels (other training windows)"));
  // The same bases under another file name are the same data; another held-out share is not.
  o.data.train_files = {dnafill::test::write_fasta(dir.file("c.fa"), "a", bases)};
  o.data.valid_fraction = 0.2;
  CHECK_THAT(train(o, {}, summary).message(), Catch::Contains("(other training windows)"));
  o.data.valid_fraction = 0.1;
  o.steps = 9;
  o.lr = 5e-4;
  REQUIRE(train(o, {}, summary));
  CHECK(summary.steps_done == 9);
}

TEST_CASE("nonsense training options are refused naming the option", "[trainer]") {
  train_options o;
  o.out = "/tmp/x.safetensors";
  o.data.train_files = {"x.fa"};
  o.steps = -3;
  CHECK_THAT(o.validate().message(), Catch::Contains("--steps"));
  o.steps = 10;
  o.warmup_steps = 11;
  CHECK(o.validate().message() == "--warmup: 11 is above --steps 10: the learning rate would never reach --lr");
  o.warmup_steps = 10;
  CHECK(o.validate());
  o.lr = 5;
  CHECK_THAT(o.validate().message(), Catch::Contains("--lr"));
  o.lr = 1e-3;
  // A window of 0 is the model's context; a typed one must have a base of context at least.
  o.data.window = 1;
  CHECK(o.validate().message() == "--seq-len: must be at least 2, got 1");
  o.data.window = -1;
  CHECK(o.validate().message() == "--seq-len: must be at least 2, got -1");
  o.data.window = 0;
  CHECK(o.validate());
  o.preset = "tiny";
  o.data.window = 4096;
  train_summary summary;
  CHECK_THAT(train(o, {}, summary).message(), Catch::Contains("context length"));
}

TEST_CASE("a warm start (train --init) begins from a checkpoint's weights, another architecture is refused", "[trainer]") {
  temp_dir dir;
  const auto fasta = dnafill::test::write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(4000, 5));
  auto o = tiny_run(dir, fasta, 64, 60);
  o.objective = objective_kind::count;  // a fresh (zero-head) model's loss is then exactly 2 bits/base
  o.lr = 3e-3;
  const auto trained = run(o);
  CHECK(trained.front() == Approx(2.0).epsilon(1e-6));

  auto again = o;
  again.out = dir.file("warm.safetensors");
  again.init = o.out;
  again.steps = 3;
  const auto warm = run(again);
  INFO("first loss from scratch " << trained.front() << ", warm " << warm.front() << ", last of the first run "
                                  << trained.back());
  CHECK(warm.front() < 1.9);  // the trained weights, not a fresh model's uniform 2.0
  mdm_model saved;
  REQUIRE(load_model(again.out, saved));
  CHECK_THAT(saved.metadata().at(metadata_training), Catch::Contains(o.out));

  again.init = dir.file("missing.safetensors");
  train_summary summary;
  auto s = train(again, {}, summary);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::StartsWith("--init: "));
  again.init = o.out;
  again.preset = "small";
  s = train(again, {}, summary);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("another architecture"));
  again.preset = "tiny";
  again.resume = true;
  s = train(again, {}, summary);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("not with --resume"));
}

TEST_CASE("fine-tuning in place (--init is --out) records the init's content, and a resumed run still names it", "[trainer]") {
  temp_dir dir;
  const auto fasta = dnafill::test::write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(2000, 7));
  auto o = tiny_run(dir, fasta, 64, 2);
  run(o);
  std::string first_hash;
  std::int64_t size = 0;
  REQUIRE(dnafill::data::sha256_file(o.out, first_hash, size));

  auto tuned = o;
  tuned.init = o.out;  // replaced by the run's checkpoints
  tuned.steps = 4;
  run(tuned, 2);  // stops after step 2, as an interrupted run does
  auto training_facts = [&] {
    mdm_model saved;
    REQUIRE(load_model(o.out, saved));
    return nlohmann::json::parse(saved.metadata().at(metadata_training));
  };
  auto facts = training_facts();
  CHECK(facts["steps"] == 2);
  CHECK(facts["init"] == o.out);
  CHECK(facts["init_sha256"] == first_hash);  // of the file as it was, not of the checkpoint now there

  tuned.init.clear();
  tuned.resume = true;
  run(tuned);
  facts = training_facts();
  CHECK(facts["steps"] == 4);
  CHECK(facts["init"] == o.out);
  CHECK(facts["init_sha256"] == first_hash);
}

TEST_CASE("bf16 autocast trains on the CPU too: the same start, its own curve, the loss falls", "[trainer]") {
  temp_dir dir;
  const auto fasta = dnafill::test::write_fasta(dir.file("a.fa"), "a", dnafill::test::markov_bases(4000, 6));
  auto o = tiny_run(dir, fasta, 64, 40);
  o.objective = objective_kind::count;
  o.lr = 3e-3;
  o.device = "cpu";
  const auto fp32 = run(o);
  o.precision = "bf16";
  o.out = dir.file("bf16.safetensors");
  const auto bf16 = run(o);
  CHECK(bf16.front() == Approx(2.0).epsilon(1e-6));  // the zero head: uniform, in either precision
  CHECK(bf16 != fp32);                                // the products did run in bfloat16
  CHECK(bf16.back() < bf16.front() - 0.1);
  CHECK(std::abs(bf16.back() - fp32.back()) < 0.1);
  mdm_model saved;
  REQUIRE(load_model(o.out, saved));
  CHECK_THAT(saved.metadata().at(metadata_training), Catch::Contains("bf16 autocast"));
}
