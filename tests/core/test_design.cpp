// Design jobs with a real (tiny, untrained) transformer: window placement, holes at a record's end and
// longer than the context, carry-over, semi-autoregressive generation, and scoring only a hole.
#include "tests/core/catch_torch.h"

#include <cmath>

#include "core/design.h"
#include "core/job.h"
#include "core/model_internal.h"
#include "core/sampling.h"
#include "core/scoring.h"
#include "tests/core/tiny_model.h"

using namespace dnafill::core;
using dnafill::test::tiny_model;

namespace {

std::vector<token> random_tokens(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<token> t(n);
  for (auto& x : t) x = static_cast<token>(rng() % 4);
  return t;
}

design_options fast_options(int variants) {
  design_options o;
  o.sampler.kind = sampler_kind::ancestral;
  o.sampler.steps = 6;
  o.variants = variants;
  o.score_draws = 2;
  return o;
}

// The design's region spans the holes; put back in the record, every position outside the holes
// equals the original and every position inside is a base.
void check_carry_over(const design& d, const std::vector<token>& original, const std::vector<dnafill::bio::interval>& holes) {
  std::vector<bool> in_hole(original.size(), false);
  for (const auto& h : holes)
    for (auto i = h.start; i < h.end; ++i) in_hole[i] = true;
  CHECK(d.region_start == holes.front().start);
  CHECK(d.region_end == holes.back().end);
  REQUIRE(static_cast<std::int64_t>(d.tokens.size()) == d.region_end - d.region_start);
  const auto designed = with_design(original, d);
  REQUIRE(designed.size() == original.size());
  std::size_t changed_fixed = 0, unfilled = 0;
  for (std::size_t i = 0; i < original.size(); ++i) {
    if (!in_hole[i] && designed[i] != original[i]) ++changed_fixed;
    if (in_hole[i] && !is_base(designed[i])) ++unfilled;
  }
  CHECK(changed_fixed == 0);
  CHECK(unfilled == 0);
}

}  // namespace

// On the CPU the model's denoiser runs rows that are the same once and many rows a few at a time
// (bench figures in core/sampling.cpp): each row must still get its own logits, in its place.
TEST_CASE("the model's denoiser: a batch with equal rows and more rows than a pass gives each row its logits alone", "[design]") {
  auto model = tiny_model(true);
  const std::int64_t length = 600, rows = 40;  // 30 rows that differ: 18,000 tokens, more than one pass
  auto tokens = torch::empty({rows, length}, torch::kInt64);
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto bases = random_tokens(length, static_cast<unsigned>(r % 30));  // rows r and r + 30 are equal
    for (std::int64_t i = 0; i < length; ++i) tokens[r][i] = i % 7 == 0 ? static_cast<std::int64_t>(mask_token) : bases[i];
  }
  const auto logits = model_denoiser(model)->logits(tokens);
  REQUIRE(logits.sizes() == torch::IntArrayRef({rows, length, 4}));
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto alone = model_denoiser(model)->logits(tokens.narrow(0, r, 1));
    CHECK(torch::allclose(logits.narrow(0, r, 1), alone, 1e-4, 1e-5));
  }
  CHECK(!torch::allclose(logits[0], logits[1]));  // rows that differ differ
}

TEST_CASE("reverse complement of a token tensor: positions reversed, bases complemented, MASK kept", "[design][rc]") {
  // A A C G N -> reversed N G C A A -> complemented N C G T T
  auto tokens = torch::tensor({0, 0, 1, 2, 4}, torch::kInt64).reshape({1, 5});
  CHECK(torch::equal(reverse_complement_tokens(tokens), torch::tensor({4, 1, 2, 3, 3}, torch::kInt64).reshape({1, 5})));
}

// RC ensembling (DESIGN.md): position i's log-weight of base x is the mean of the forward strand's
// log-probability at (i, x) and the reverse strand's at (L-1-i, 3-x), normalised over the 4 bases.
TEST_CASE("RC ensembling: the mean of both strands' log-probabilities, the same from either strand", "[design][rc]") {
  auto model = tiny_model(true);
  auto net = model.impl_->net;
  const std::int64_t rows = 3, length = 50;
  auto tokens = torch::empty({rows, length}, torch::kInt64);
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto bases = random_tokens(length, static_cast<unsigned>(10 + r));
    for (std::int64_t i = 0; i < length; ++i) tokens[r][i] = i % 5 == r ? static_cast<std::int64_t>(mask_token) : bases[i];
  }
  torch::NoGradGuard no_grad;
  net->eval();
  const auto both = net->infer_both_strands(tokens);
  const auto forward = torch::log_softmax(net->infer(tokens), -1);
  const auto reverse = torch::log_softmax(net->infer(reverse_complement_tokens(tokens)), -1);
  for (std::int64_t r : {0, 2})
    for (std::int64_t i : {0, 7, 49}) {
      double mean[4], total = 0;
      for (int x = 0; x < 4; ++x) {
        mean[x] = (forward[r][i][x].item<double>() + reverse[r][length - 1 - i][3 - x].item<double>()) / 2;
        total += std::exp(mean[x]);
      }
      for (int x = 0; x < 4; ++x) CHECK(both[r][i][x].item<double>() == Approx(mean[x] - std::log(total)).margin(1e-5));
    }
  // From the other strand, mapped back: the same distribution.
  const auto other = net->infer_both_strands(reverse_complement_tokens(tokens)).flip({1, 2});
  CHECK(torch::allclose(both, other, 1e-5, 1e-5));
  CHECK(!torch::allclose(both, forward, 1e-3, 1e-3));  // this model does see its strands differently
  // The samplers' denoiser gives the same.
  const auto sampled = model_denoiser(model, mask_token, /*rc_ensemble=*/true)->logits(tokens);
  CHECK(torch::allclose(sampled, both, 1e-5, 1e-5));
}

// The option reaches the samplers of a design: the same seed draws other bases from the other distribution.
TEST_CASE("RC ensembling in a design: the same seed, other designs", "[design][rc]") {
  const auto model = tiny_model(true);
  const auto tokens = random_tokens(200, 8);
  const std::vector<dnafill::bio::interval> holes = {{80, 120}};
  infill_request request{"rec", tokens, holes};
  auto options = fast_options(2);
  std::vector<design> one, both;
  REQUIRE(infill(model, request, options, one, {}, nullptr));
  options.rc_ensemble = true;
  REQUIRE(infill(model, request, options, both, {}, nullptr));
  REQUIRE(one.size() == 2);
  REQUIRE(both.size() == 2);
  check_carry_over(both[0], tokens, holes);
  CHECK(one[0].tokens != both[0].tokens);
  CHECK(one[1].tokens != both[1].tokens);
}

TEST_CASE("RC ensembling in scoring: uniform logits still give exactly 2.0, a real model scores differently",
          "[design][scoring][rc]") {
  const auto tokens = random_tokens(300, 6);
  score_options options;
  options.mc_draws = 4;
  options.rc_ensemble = true;
  score_result r;
  REQUIRE(score_sequences(tiny_model(false), {tokens}, options, r));
  CHECK(r.bits_per_base() == Approx(2.0).epsilon(1e-6));
  REQUIRE(score_holes(tiny_model(false), {tokens}, {{{100, 150}}}, options, r));
  CHECK(r.bits_per_base() == Approx(2.0).epsilon(1e-6));
  const auto model = tiny_model(true);
  score_result both, one;
  REQUIRE(score_sequences(model, {tokens}, options, both));
  options.rc_ensemble = false;
  REQUIRE(score_sequences(model, {tokens}, options, one));
  CHECK(both.bases == one.bases);
  CHECK(both.bits_per_base() != Approx(one.bits_per_base()).epsilon(1e-4));
}

TEST_CASE("blocks: a hole near the end gets a centred window, a long span is cut into blocks", "[design]") {
  const block_options b{256, 128, 128};
  auto end_hole = plan_blocks(900, 1000, 1000, b);
  REQUIRE(end_hole.size() == 1);
  CHECK(end_hole[0].window_start == 744);  // clamped to the record's end
  CHECK(end_hole[0].window_end == 1000);
  auto middle = plan_blocks(500, 600, 1000, b);
  REQUIRE(middle.size() == 1);
  CHECK(middle[0].window_start == 500 - 78);  // (256 - 100) / 2 bases of flank on each side
  auto long_span = plan_blocks(100, 700, 1000, b);
  REQUIRE(long_span.size() == 5);
  CHECK(long_span[0].window_start == 0);
  CHECK(long_span[0].commit_end == 228);
  CHECK(long_span[1].window_start == 100);  // each block sees `overlap` bases of what is written
  CHECK(long_span.back().window_start == 528);  // the last is centred: it sees the right flank
  std::int64_t p = 100;
  for (const auto& block : long_span) {
    CHECK(block.commit_start == p);
    CHECK(block.window_start <= block.commit_start);
    CHECK(block.commit_end <= block.window_end);
    CHECK(block.window_end - block.window_start == 256);
    p = block.commit_end;
  }
  CHECK(p == 700);
  auto short_record = plan_blocks(10, 20, 50, b);
  REQUIRE(short_record.size() == 1);
  CHECK(short_record[0].window_start == 0);
  CHECK(short_record[0].window_end == 50);
}

TEST_CASE("infill: fixed bases untouched, Ns between holes kept, holes at the end and beyond the context", "[design]") {
  const auto model = tiny_model(true);  // context 256
  auto tokens = random_tokens(900, 1);
  tokens[80] = mask_token;  // an N between holes stays N
  const std::vector<dnafill::bio::interval> holes = {{40, 60}, {100, 700}, {880, 900}};
  infill_request request{"rec", tokens, holes};
  std::vector<design> designs;
  design_stats stats;
  REQUIRE(infill(model, request, fast_options(2), designs, {}, &stats));
  REQUIRE(designs.size() == 2);
  CHECK(stats.windows > 3);  // the 600-base hole took several windows
  for (const auto& d : designs) {
    check_carry_over(d, tokens, holes);
    CHECK(d.tokens[80 - 40] == mask_token);
    CHECK(d.region_start == 40);
    CHECK(d.region_end == 900);
    CHECK(d.designed_bases == 640);
    CHECK(d.gc >= 0.0);
    CHECK(d.gc <= 1.0);
    CHECK(std::isfinite(d.bits_per_base));
  }
  CHECK(designs[0].tokens != designs[1].tokens);
  CHECK(designs[0].variant == 1);
  CHECK(designs[1].variant == 2);

  // The same seed gives the same designs.
  std::vector<design> again;
  REQUIRE(infill(model, request, fast_options(2), again));
  CHECK(again[0].tokens == designs[0].tokens);
}

TEST_CASE("the span a design reads: a window each side, the constraints' reach, edge runs followed", "[design]") {
  const std::string text = std::string(500, 'C') + std::string(300, 'A') + std::string(1200, 'G') + std::string(3000, 'T');
  const std::vector<dnafill::bio::interval> hole = {{1000, 1040}};
  dnafill::bio::constraint_set none;
  // A window of 100 each side: [900, 1140), inside the run of G (800-2000) that holds the hole. Without
  // a homopolymer limit no run is followed; with one, this run is, to its ends.
  CHECK(design_span(text, hole, 100, none) == dnafill::bio::interval{900, 1140});
  dnafill::bio::constraint_set limit;
  limit.max_run = {0, 0, 50, 0};
  CHECK(design_span(text, hole, 100, limit) == dnafill::bio::interval{800, 2000});
  // A run crossing an edge that stops short of the hole is not followed: with a C at 1060, the G from
  // 1061 crosses the right edge (1120) and runs on to 2000, but never meets the hole (1000-1020).
  std::string apart = text;
  apart[1060] = 'C';
  const std::vector<dnafill::bio::interval> early = {{1000, 1020}};
  CHECK(design_span(apart, early, 100, limit) == dnafill::bio::interval{800, 1120});
  // The same with N in the run's place: nothing to follow.
  std::string plain = text;
  std::fill(plain.begin() + 800, plain.begin() + 2000, 'N');
  CHECK(design_span(plain, hole, 100, limit) == dnafill::bio::interval{900, 1140});
  // The repeat rule sees 1000 bases and a k-mer beyond each flank: clamped at the record's start, and
  // on the right to 2052, in the run of T that goes on to the end, not followed (no run limit; and N
  // lies between it and the hole).
  dnafill::bio::constraint_set repeats;
  repeats.repeat_k = 12;
  CHECK(design_span(plain, hole, 100, repeats) == dnafill::bio::interval{0, 2052});
  repeats.repeat_flank = 30;  // then the window reaches further than the rule
  CHECK(design_span(plain, hole, 100, repeats) == dnafill::bio::interval{900, 1140});
  // A motif or a run limit reaches its length.
  dnafill::bio::constraint_set runs;
  runs.max_run = {150, 150, 150, 150};
  CHECK(design_span(plain, hole, 100, runs) == dnafill::bio::interval{849, 1191});
}

TEST_CASE("a design depends on its neighbourhood only: bases beyond the span change nothing", "[design]") {
  const auto model = tiny_model(true);  // context 256
  // A record whose hole has a run of A at its left (longer than a window) and a repeat of a flank's
  // 12-mer in reach; then the same record inside 1,500 more random bases on each side.
  auto near = random_tokens(3000, 5);
  std::fill(near.begin() + 700, near.begin() + 1000, token_a);
  const std::vector<dnafill::bio::interval> holes = {{1000, 1040}, {1100, 1130}};
  auto far = random_tokens(1500, 6);
  std::vector<token> padded = far;
  padded.insert(padded.end(), near.begin(), near.end());
  padded.insert(padded.end(), far.begin(), far.end());
  std::vector<dnafill::bio::interval> shifted = holes;
  for (auto& h : shifted) h = {h.start + 1500, h.end + 1500};

  auto options = fast_options(2);
  // Rules no design can meet (all G or C, no run of either, no GCGC), so each design has violations
  // to compare: besides the run and repeat rules, whose reach goes past a window.
  options.constraints.max_run = {4, 1, 1, 4};
  options.constraints.repeat_k = 12;
  options.constraints.gc = {{1.0, 1.0, 0}};
  options.constraints.motifs = {{"GCGC", "GCGC"}};
  std::vector<design> alone, inside;
  REQUIRE(infill(model, {"rec", near, holes}, options, alone));
  REQUIRE(infill(model, {"rec", padded, shifted}, options, inside));
  REQUIRE(alone.size() == 2);
  REQUIRE(inside.size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(inside[k].tokens == alone[k].tokens);
    CHECK(inside[k].region_start == alone[k].region_start + 1500);
    CHECK(inside[k].region_end == alone[k].region_end + 1500);
    CHECK(inside[k].bits_per_base == alone[k].bits_per_base);
    CHECK(inside[k].gc == alone[k].gc);
    // The same violations, where they are in each record.
    REQUIRE(inside[k].violations.size() == alone[k].violations.size());
    REQUIRE(!alone[k].violations.empty());
    for (std::size_t v = 0; v < alone[k].violations.size(); ++v) {
      CHECK(inside[k].violations[v].constraint == alone[k].violations[v].constraint);
      CHECK(inside[k].violations[v].position == alone[k].violations[v].position + 1500);
    }
  }
  // The same bases given as a piece of the record, with where it begins (a batch item): numbered as in
  // the record, the violations' details too.
  infill_request piece{"rec", near, holes};
  piece.offset = 1500;
  std::vector<design> numbered;
  REQUIRE(infill(model, piece, options, numbered));
  REQUIRE(numbered.size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(numbered[k].region_start == inside[k].region_start);
    CHECK(numbered[k].region_end == inside[k].region_end);
    CHECK(numbered[k].tokens == inside[k].tokens);
    REQUIRE(numbered[k].violations.size() == inside[k].violations.size());
    for (std::size_t v = 0; v < inside[k].violations.size(); ++v) {
      CHECK(numbered[k].violations[v].position == inside[k].violations[v].position);
      CHECK(numbered[k].violations[v].detail == inside[k].violations[v].detail);
    }
  }
}

TEST_CASE("infill refuses empty holes and holes outside the record", "[design]") {
  const auto model = tiny_model(false);
  std::vector<design> designs;
  infill_request request{"rec", random_tokens(50, 2), {{10, 10}}};
  CHECK(!infill(model, request, fast_options(1), designs));
  request.holes = {{40, 60}};
  CHECK(!infill(model, request, fast_options(1), designs));
  request.holes = {};
  CHECK(!infill(model, request, fast_options(1), designs));
  request.holes = {{10, 20}};
  auto bad = fast_options(1);
  bad.sampler.steps = 0;
  CHECK(infill(model, request, bad, designs).message().rfind("--steps", 0) == 0);
}

TEST_CASE("generate writes any length block by block and continues a prefix", "[design]") {
  const auto model = tiny_model(true);
  std::vector<design> designs;
  auto options = fast_options(1);
  options.score_draws = 0;
  design_stats stats;
  REQUIRE(generate(model, "gen", {}, 700, options, designs, {}, &stats));
  REQUIRE(designs.size() == 1);
  CHECK(designs[0].tokens.size() == 700);
  CHECK(std::all_of(designs[0].tokens.begin(), designs[0].tokens.end(), is_base));
  CHECK(stats.windows >= 4);
  CHECK(std::isnan(designs[0].bits_per_base));
  const auto prefix = random_tokens(30, 3);
  REQUIRE(generate(model, "gen", prefix, 50, options, designs));
  CHECK(designs[0].tokens.size() == 50);
  const auto whole = with_design(prefix, designs[0]);
  CHECK(whole.size() == 80);
  CHECK(std::equal(prefix.begin(), prefix.end(), whole.begin()));
  CHECK(std::equal(designs[0].tokens.begin(), designs[0].tokens.end(), whole.begin() + 30));
  CHECK(designs[0].region_start == 30);
  CHECK(designs[0].region_end == 80);
}

TEST_CASE("scoring only a hole: uniform logits give exactly 2.0 bits/base over the hole's bases", "[design][scoring]") {
  const auto model = tiny_model(false);
  auto tokens = random_tokens(600, 4);
  tokens[110] = mask_token;  // an N inside the hole is not scored
  score_options options;
  options.mc_draws = 3;
  score_result r;
  REQUIRE(score_holes(model, {tokens}, {{{100, 150}, {400, 590}}}, options, r));
  CHECK(r.bases == 49 + 190);
  CHECK(r.bits_per_base() == Approx(2.0).epsilon(1e-6));
  // With context the hole scores differently from the whole sequence under the same model.
  const auto context_model = tiny_model(true);
  score_result hole, whole;
  REQUIRE(score_holes(context_model, {tokens}, {{{100, 150}}}, options, hole));
  REQUIRE(score_sequences(context_model, {tokens}, options, whole));
  CHECK(hole.bases == 49);
  CHECK(hole.bits_per_base() != Approx(whole.bits_per_base()).epsilon(1e-3));
  CHECK(!score_holes(context_model, {tokens}, {{{550, 700}}}, options, hole));  // outside the sequence
  // The pieces are those of the blocks asked for, as a design made with --overlap and --stride is
  // scored: a 100-base hole in windows of 32 is 7 pieces at the default overlap (16), 11 at overlap
  // 8 and stride 8.
  options.window = 32;
  REQUIRE(score_holes(context_model, {tokens}, {{{200, 300}}}, options, hole));
  CHECK(hole.windows == 7);
  options.overlap = 8;
  options.stride = 8;
  REQUIRE(score_holes(context_model, {tokens}, {{{200, 300}}}, options, hole));
  CHECK(hole.windows == static_cast<std::int64_t>(plan_blocks(200, 300, 600, {32, 8, 8}).size()));
  CHECK(hole.windows == 11);
}

// score --region and --mask score a record's design span, not the whole record (a chromosome is not
// held twice): the same windows and draws, so the same numbers, holes at the record's ends included.
TEST_CASE("scoring holes in their design span scores them as in the whole record", "[design][scoring]") {
  const auto model = tiny_model(true);  // context 256
  const auto tokens = random_tokens(3000, 9);
  const auto text = decode(tokens);
  for (const auto& holes : std::vector<std::vector<dnafill::bio::interval>>{
           {{1500, 1600}}, {{10, 50}, {700, 900}}, {{2900, 3000}}, {{0, 3000}}}) {
    for (const int window : {0, 40}) {
      INFO("holes from " << holes.front().start << ", window " << window);
      score_options options;
      options.mc_draws = 3;
      options.window = window;
      score_result whole, part;
      REQUIRE(score_holes(model, {tokens}, {holes}, options, whole));
      const auto span = design_span(text, holes, window == 0 ? 256 : window, {});
      auto shifted = holes;
      for (auto& h : shifted) h = {h.start - span.start, h.end - span.start};
      const std::vector<token> piece(tokens.begin() + span.start, tokens.begin() + span.end);
      REQUIRE(score_holes(model, {piece}, {shifted}, options, part));
      CHECK(part.bases == whole.bases);
      CHECK(part.windows == whole.windows);
      CHECK(part.nats == whole.nats);
    }
  }
}

TEST_CASE("scoring many holes: pieces in passes of many score as a pass each", "[design][scoring]") {
  // A soft-masked record's many short holes (every fourth base of 600) and a shorter sequence's hole,
  // whose windows have another length: however many pieces share a pass, each draws its own masks.
  const auto model = tiny_model(true);
  const auto long_one = random_tokens(600, 8), short_one = random_tokens(100, 9);
  std::vector<dnafill::bio::interval> many;
  for (std::int64_t i = 1; i < 600; i += 4) many.push_back({i, i + 1});
  score_options options;
  options.mc_draws = 2;
  score_result one_a_pass, many_a_pass, odd_passes;
  options.batch_rows = 2;  // one piece a pass, as every piece was scored before 2026-12-03
  REQUIRE(score_holes(model, {long_one, short_one}, {many, {{40, 60}}}, options, one_a_pass));
  options.batch_rows = 32;
  REQUIRE(score_holes(model, {long_one, short_one}, {many, {{40, 60}}}, options, many_a_pass));
  options.batch_rows = 14;  // 7 pieces a pass: the last pass of each length part full
  REQUIRE(score_holes(model, {long_one, short_one}, {many, {{40, 60}}}, options, odd_passes));
  CHECK(one_a_pass.windows == 151);
  CHECK(one_a_pass.bases == 150 + 20);
  for (const auto* r : {&many_a_pass, &odd_passes}) {
    CHECK(r->windows == one_a_pass.windows);
    CHECK(r->bases == one_a_pass.bases);
    CHECK(r->nats == Approx(one_a_pass.nats).epsilon(1e-6));
    CHECK(r->variance == Approx(one_a_pass.variance).epsilon(1e-5));
  }
}

TEST_CASE("scoring windows: a window's draws split over forward passes score as one pass", "[design][scoring]") {
  // --mc 32 of one window took all its rows in one pass (1.85 GB for 1,024 bases); the network now sees
  // at most batch_rows rows at a time, and the draws, masks and sums are the same.
  const auto model = tiny_model(true);
  const auto a = random_tokens(300, 10), b = random_tokens(130, 11);
  for (const bool both_strands : {false, true}) {
    score_options options;
    options.mc_draws = 6;
    options.window = 128;
    options.rc_ensemble = both_strands;
    score_result whole, split, single;
    options.batch_rows = 32;  // each window length's draws in one pass
    REQUIRE(score_sequences(model, {a, b}, options, whole));
    options.batch_rows = 4;  // a window's 6 draws in passes of 4 and 2 (of 2 and 2 and 2 on both strands)
    REQUIRE(score_sequences(model, {a, b}, options, split));
    options.batch_rows = 1;
    REQUIRE(score_sequences(model, {a, b}, options, single));
    for (const auto* r : {&split, &single}) {
      CHECK(r->windows == whole.windows);
      CHECK(r->bases == whole.bases);
      CHECK(r->nats == Approx(whole.nats).epsilon(1e-6));
      CHECK(r->variance == Approx(whole.variance).epsilon(1e-5));
    }
  }
}

TEST_CASE("a design's score does not reuse the draws that made it: unbiased on a peaked model", "[design][scoring]") {
  // p = (0.85, 0.05, 0.05, 0.05) whatever the context, so a design's exact score is the mean of
  // -log2 p over its bases, and the Monte-Carlo score must not differ from it on average. Scored with
  // the sampler's own stream, the base the scoring masked was the one drawn unlikely: +0.085 bits/base.
  model_config config;
  REQUIRE(preset_config("tiny", config));
  mdm_transformer net(config);
  const std::vector<double> p{0.85, 0.05, 0.05, 0.05};
  {
    torch::NoGradGuard no_grad;
    net->head->weight.zero_();
    net->head->bias.copy_(torch::log(torch::tensor(p)));
  }
  const auto model = wrap_model(config, net);
  auto options = fast_options(1);
  options.sampler.steps = 1;
  const int n = 2000;
  double sum = 0.0, sum2 = 0.0;
  for (int seed = 1; seed <= n; ++seed) {
    options.sampler.seed = static_cast<std::uint64_t>(seed);
    std::vector<design> out;
    REQUIRE(infill(model, {"r", random_tokens(40, 7), {{20, 22}}}, options, out));
    const auto& t = out[0].tokens;  // the region 20-22
    const double exact = -(std::log2(p[t[0]]) + std::log2(p[t[1]])) / 2;
    const double error = out[0].bits_per_base - exact;
    sum += error;
    sum2 += error * error;
  }
  const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
  INFO("mean error " << mean << " se " << se);
  CHECK(std::abs(mean) < 4 * se);
}

TEST_CASE("nearby holes are scored as a chain: a hole does not see the hole bases after it", "[design][scoring]") {
  // Holes A = [100, 150) and B = [170, 220) share a window (the tiny model's 256). Scored as a chain,
  // total = a (A with B masked) + b (B with A shown). So total - b must equal a, and b is B's term
  // alone: holes {Z, B} with Z = [20, 30) a run of N, so that B is again the second piece and draws
  // the same masks. When A saw B's bases (a pseudo-likelihood), a did not match.
  const auto model = tiny_model(true);
  auto tokens = random_tokens(400, 6);
  std::fill(tokens.begin() + 20, tokens.begin() + 30, mask_token);
  auto b_unknown = tokens;
  std::fill(b_unknown.begin() + 170, b_unknown.begin() + 220, mask_token);
  score_options options;
  options.mc_draws = 4;
  score_result total, b_alone, a_alone;
  REQUIRE(score_holes(model, {tokens}, {{{100, 150}, {170, 220}}}, options, total));
  REQUIRE(score_holes(model, {tokens}, {{{20, 30}, {170, 220}}}, options, b_alone));
  REQUIRE(score_holes(model, {b_unknown}, {{{100, 150}, {170, 220}}}, options, a_alone));
  CHECK(total.bases == 100);
  CHECK(b_alone.bases == 50);
  CHECK(a_alone.bases == 50);
  CHECK(total.nats - b_alone.nats == Approx(a_alone.nats).epsilon(1e-9));
  // The chain's order matters to the model: A given B shown is another number.
  score_result a_seeing_b;
  REQUIRE(score_holes(model, {tokens}, {{{100, 150}}}, options, a_seeing_b));
  CHECK(a_seeing_b.nats != Approx(a_alone.nats).epsilon(1e-6));
}

namespace {

// p(x_i | the rest) with position i alone masked, in the window [start, start + width): by hand.
double single_masked_probability(const mdm_model& model, const std::vector<token>& tokens, std::int64_t start,
                                 std::int64_t width, std::int64_t i) {
  torch::NoGradGuard no_grad;
  auto input = torch::empty({1, width}, torch::kInt64);
  for (std::int64_t k = 0; k < width; ++k) input[0][k] = static_cast<std::int64_t>(tokens[start + k]);
  input[0][i - start] = static_cast<std::int64_t>(mask_token);
  auto probs = torch::softmax(model.impl_->net->forward(input).to(torch::kFloat64), -1);
  return probs[0][i - start][tokens[i]].item<double>();
}

}  // namespace

TEST_CASE("base confidence: uniform logits give exactly 1/4, N gives NaN", "[scoring][confidence]") {
  const auto model = tiny_model(false);
  auto tokens = random_tokens(300, 5);  // longer than the tiny context (256): two windows
  tokens[10] = tokens[11] = mask_token;
  std::vector<double> p;
  REQUIRE(base_confidence(model, tokens, {}, p));
  REQUIRE(p.size() == tokens.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (i == 10 || i == 11) CHECK(std::isnan(p[i]));
    else CHECK(p[i] == Approx(0.25).margin(1e-12));
  }
}

TEST_CASE("base confidence: one masked position per row is p(x_i | rest) in the nearest-centred window",
          "[scoring][confidence]") {
  const auto model = tiny_model(true);
  const auto tokens = random_tokens(600, 6);
  confidence_options options;
  options.stride = 1000;  // above the window: every row masks exactly one position
  std::vector<double> p;
  REQUIRE(base_confidence(model, tokens, options, p));
  // Windows of 256 every 128, the last flush with the end: starts 0, 128, 256, 344.
  const std::vector<std::int64_t> starts = {0, 128, 256, 344};
  for (std::int64_t i = 0; i < 600; i += 7) {
    double best = 1e9;
    std::vector<std::int64_t> nearest;
    for (auto s : starts) {
      const double d = std::abs(static_cast<double>(i) - (s + 128));
      if (d < best - 1e-9) nearest = {s}, best = d;
      else if (std::abs(d - best) < 1e-9) nearest.push_back(s);
    }
    bool matched = false;  // a base halfway between two centres may belong to either
    for (auto s : nearest) matched |= std::abs(p[i] - single_masked_probability(model, tokens, s, 256, i)) < 1e-6;
    CHECK(matched);
  }
  // The default spaced masks: probabilities of the shown base, in (0, 1), one per base.
  std::vector<double> spaced;
  REQUIRE(base_confidence(model, tokens, {}, spaced));
  for (double x : spaced) CHECK((x > 0.0 && x < 1.0));
  // The passes only split the rows: one row a pass gives the same numbers.
  confidence_options one_row;
  one_row.tokens_per_pass = 1;
  std::vector<double> row_by_row;
  REQUIRE(base_confidence(model, tokens, one_row, row_by_row));
  REQUIRE(row_by_row.size() == spaced.size());
  for (std::size_t i = 0; i < spaced.size(); ++i) CHECK(row_by_row[i] == Approx(spaced[i]).margin(1e-9));
  confidence_options bad;
  bad.tokens_per_pass = 0;
  CHECK(base_confidence(model, tokens, bad, spaced).message() == "confidence tokens per pass: must be >= 1, got 0");
  bad = {};
  bad.stride = 0;
  CHECK(!base_confidence(model, tokens, bad, spaced));
  bad = {};
  bad.window = 100000;
  CHECK(!base_confidence(model, tokens, bad, spaced));
}

// With both strands, a base's confidence is read from the averaged distribution (infer_both_strands)
// of its window with it masked; so the sequence and its reverse complement give the same, mirrored.
TEST_CASE("base confidence with RC ensembling: both strands averaged, the same from either strand",
          "[scoring][confidence][rc]") {
  const auto model = tiny_model(true);
  const auto tokens = random_tokens(200, 9);  // one window of the tiny model
  confidence_options options;
  options.stride = 1000;  // one masked position per row
  options.rc_ensemble = true;
  std::vector<double> both, one, mirrored;
  REQUIRE(base_confidence(model, tokens, options, both));
  torch::NoGradGuard no_grad;
  auto net = model.impl_->net;
  net->eval();
  for (std::int64_t i : {0, 57, 199}) {
    auto input = torch::tensor(std::vector<std::int64_t>(tokens.begin(), tokens.end()), torch::kInt64).reshape({1, 200});
    input[0][i] = static_cast<std::int64_t>(mask_token);
    const auto p = torch::softmax(net->infer_both_strands(input).to(torch::kFloat64), -1);
    CHECK(both[static_cast<std::size_t>(i)] == Approx(p[0][i][tokens[static_cast<std::size_t>(i)]].item<double>()).margin(1e-6));
  }
  std::vector<token> reverse(tokens.rbegin(), tokens.rend());
  for (auto& t : reverse) t = static_cast<token>(3 - t);
  REQUIRE(base_confidence(model, reverse, options, mirrored));
  for (std::size_t i = 0; i < both.size(); ++i) CHECK(both[i] == Approx(mirrored[both.size() - 1 - i]).margin(1e-5));
  options.rc_ensemble = false;
  REQUIRE(base_confidence(model, tokens, options, one));
  double largest = 0;
  for (std::size_t i = 0; i < both.size(); ++i) largest = std::max(largest, std::abs(both[i] - one[i]));
  CHECK(largest > 1e-3);  // this model sees its strands differently
}

TEST_CASE("run_job: stop_now stops the item in hand, the run ends cancelled, what was put stays",
          "[design][job]") {
  const auto model = tiny_model(true);
  const std::string bases(2000, 'N');  // two items of 1,000 masked bases: several windows each
  std::vector<job_item> list;
  for (std::int64_t r = 0; r < 2; ++r) list.push_back({{r, 0}, "rec" + std::to_string(r), bases, 0, {{0, 2000}}, 7});
  auto options = fast_options(1);
  options.score_draws = 0;
  dnafill::data::run_record run;
  run.kind = "generate";

  // Stopped in the second item, after a window of it: the first item is kept, the second dropped.
  std::atomic<bool> stop{false};
  item_list items(list, 2, 1);
  dnafill::data::memory_sink sink;
  job_summary summary;
  auto progress = [&](const job_progress& p) {
    if (p.items_done == 1 && p.item_fraction > 0.0) stop = true;
  };
  REQUIRE(run_job(model, items, options, run, sink, nullptr, progress, summary, &stop));
  CHECK(summary.status == dnafill::data::run_status::cancelled);
  CHECK(summary.progress.items_done == 1);
  REQUIRE(sink.designs.size() == 1);
  CHECK(sink.designs[0].record == "rec0");

  // Without stop_now, the between-items flag finishes the item in hand first (the CLI's Ctrl-C).
  std::atomic<bool> cancel{false};
  item_list again(list, 2, 1);
  dnafill::data::memory_sink kept;
  auto late = [&](const job_progress& p) {
    if (p.items_done == 0 && p.item_fraction > 0.0) cancel = true;
  };
  REQUIRE(run_job(model, again, options, run, kept, &cancel, late, summary));
  CHECK(summary.status == dnafill::data::run_status::cancelled);
  CHECK(kept.designs.size() == 1);
}
