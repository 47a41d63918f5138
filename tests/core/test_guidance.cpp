// Constrained decoding and guidance end to end: no violation over 200 seeds per sampler with a tiny
// model, dead-end recovery on a nearly infeasible case, an infeasible request reported quickly, the GC
// tilt, and label conditioning trained with null-label dropout.
#include "tests/core/catch_torch.h"

#include <chrono>
#include <cmath>

#include "bio/constraints.h"
#include "core/constraint_mask.h"
#include "core/design.h"
#include "core/model_internal.h"
#include "core/sampling.h"
#include "core/trainer.h"
#include "tests/core/test_util.h"
#include "tests/core/tiny_model.h"

using namespace dnafill;
using namespace dnafill::core;
using dnafill::test::tiny_model;

namespace {

// The flanks are chosen to tempt: a BsaI half-site, an EcoRI half-site and a run of A at the junctions.
const std::string left_flank = "ACGTTGCAGTCCATGCAATGGGTCT";
const std::string right_flank = "AATTCCAGTGAGACGTTACCCATTGCAAGCT";

bio::constraint_set hard_rules() {
  bio::constraint_set set;
  for (const char* enzyme : {"BsaI", "BsmBI", "EcoRI", "GANTC"}) REQUIRE(bio::add_forbidden(enzyme, set));
  set.max_run = {3, 3, 3, 3};
  set.gc.push_back({0.3, 0.7, 0});
  set.gc.push_back({0.3, 0.7, 20});
  set.repeat_k = 10;
  return set;
}

// The same probabilities of A, C, G, T at every position, whatever the context.
struct fixed_bases : denoiser {
  explicit fixed_bases(std::vector<double> p) : p(std::move(p)) {}
  torch::Tensor logits(const torch::Tensor& tokens) override {
    auto l = torch::log(torch::tensor(p, torch::kFloat64)).to(torch::kFloat32);
    return l.view({1, 1, 4}).expand({tokens.size(0), tokens.size(1), 4}).clone();
  }
  std::vector<double> p;
};

const std::vector<double> prefers_at = {0.45, 0.05, 0.05, 0.45};  // A and T nine times likelier than C and G

// `rows` copies of `text`, whose bases 6..45 are N, filled by the model `p` under `set`.
struct hole_run {
  guard_stats guard;
  sampling_stats sampler;
  std::vector<std::string> rows;
};
hole_run fill_hole(const bio::constraint_set& set, const std::string& text, int rows, const sampler_params& params,
                   std::uint64_t seed, int max_dead_ends, const std::vector<double>& p = prefers_at) {
  const std::vector<bio::interval> holes = {{6, 46}};
  fixed_bases net(p);
  constraint_guard guard(set, gc_tilt{}, text, holes, rows, max_dead_ends);
  constraint_guard::window_view view(guard, 0, 6, 46);
  const auto encoded = encode(text);
  auto tokens = torch::tensor(std::vector<std::int64_t>(encoded.begin(), encoded.end()), torch::kInt64)
                    .view({1, -1})
                    .expand({rows, -1})
                    .contiguous();
  auto free = tokens.eq(static_cast<std::int64_t>(mask_token));
  std::mt19937_64 rng(seed);
  hole_run run;
  REQUIRE(sample(net, tokens, free, params, rng, {}, &run.sampler, &view));
  run.guard = guard.stats();
  for (int row = 0; row < rows; ++row) {
    std::vector<token> t(tokens.size(1));
    for (std::int64_t i = 0; i < tokens.size(1); ++i) t[i] = static_cast<token>(tokens[row][i].item<std::int64_t>());
    run.rows.push_back(decode(t));
  }
  return run;
}

double mean_gc(const std::vector<design>& designs) {
  double sum = 0;
  for (const auto& d : designs) sum += d.gc;
  return sum / designs.size();
}

}  // namespace

TEST_CASE("constrained decoding never emits a violation over 200 seeds, with every sampler", "[guidance]") {
  const auto model = tiny_model(true);
  const std::string text = left_flank + std::string(60, 'N') + right_flank;
  const bio::interval hole{static_cast<std::int64_t>(left_flank.size()), static_cast<std::int64_t>(left_flank.size()) + 60};
  infill_request request{"rec", encode(text), {hole}, text};
  for (auto kind : {sampler_kind::ancestral, sampler_kind::confidence, sampler_kind::first_hit}) {
    design_options options;
    options.sampler.kind = kind;
    options.sampler.steps = 4;
    options.score_draws = 0;
    options.constraints = hard_rules();
    int designs_made = 0, unconstrained_violations = 0;
    guard_stats totals;
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
      options.sampler.seed = seed;
      std::vector<design> designs;
      design_stats stats;
      REQUIRE(infill(model, request, options, designs, {}, &stats));
      for (const auto& d : designs) {
        ++designs_made;
        INFO(sampler_name(kind) << " seed " << seed << ": " << decode(d.tokens));
        CHECK(d.constraints_ok);
        CHECK(d.violations.empty());
        // The independent check again, here, on the text a user would get.
        std::string out = text;
        for (auto i = hole.start; i < hole.end; ++i) out[i] = decode_token(d.tokens[i - d.region_start]);
        CHECK(bio::check_constraints(out, {hole}, options.constraints).empty());
      }
      totals.dead_ends += stats.constraints.dead_ends;
      totals.forced += stats.constraints.forced;
    }
    CHECK(designs_made == 200);
    CHECK(totals.forced == 0);
    // The same model without the constraints breaks them, so the test could fail.
    options.constraints = {};
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      options.sampler.seed = seed;
      std::vector<design> designs;
      REQUIRE(infill(model, request, options, designs));
      std::string out = text;
      for (auto i = hole.start; i < hole.end; ++i) out[i] = decode_token(designs[0].tokens[i - designs[0].region_start]);
      unconstrained_violations += !bio::check_constraints(out, {hole}, hard_rules()).empty();
    }
    CHECK(unconstrained_violations >= 15);
  }
}

TEST_CASE("dead ends are recovered by re-masking: a nearly infeasible case", "[guidance]") {
  // ANT is forbidden (A, any base, T), and the model wants A or T nine times in ten: in random order,
  // a base between an A and a T is often left with no choice at all.
  bio::constraint_set set;
  REQUIRE(bio::add_forbidden("ANT", set));
  for (auto kind : {sampler_kind::first_hit, sampler_kind::ancestral, sampler_kind::confidence}) {
    sampler_params params;
    params.kind = kind;
    params.steps = 5;
    const auto run = fill_hole(set, "CCCCCC" + std::string(40, 'N') + "CCCCCC", 8, params, 11, 8);
    INFO(sampler_name(kind));
    // Confidence ties go left to right, so the base after a position is never decided before it and
    // no dead end arises; the random orders of first-hit and ancestral meet them.
    if (kind != sampler_kind::confidence) CHECK(run.guard.dead_ends > 0);
    CHECK(run.guard.forced == 0);
    for (const auto& row : run.rows) CHECK(bio::check_constraints(row, {{6, 46}}, set).empty());
  }
}

TEST_CASE("first-hit meets rules that need an order (G and C alternating), one base per network call",
          "[guidance]") {
  // 100% GC and no run of 2: the hole must alternate G and C, which a random order of reveals keeps
  // breaking (G.C leaves nothing for the dot). A row that met a dead end goes on left to right.
  bio::constraint_set set;
  set.max_run = {1, 1, 1, 1};
  set.gc.push_back({1.0, 1.0, 0});
  sampler_params params;
  params.kind = sampler_kind::first_hit;
  for (int rows : {1, 4}) {
    const auto run = fill_hole(set, "AAAAAT" + std::string(40, 'N') + "TAAAAA", rows, params, 5, 256);
    INFO(rows << " rows: network calls " << run.sampler.network_calls << ", dead ends " << run.guard.dead_ends
              << ", re-masked " << run.guard.remasked);
    CHECK(run.guard.dead_ends > 0);
    CHECK(run.guard.forced == 0);
    // Each call commits one base of the row or meets a dead end, which puts its position back: no
    // base is drawn beside another from the same call, independently of it.
    if (rows == 1) CHECK(run.sampler.network_calls == 40 + run.guard.remasked + run.guard.dead_ends);
    CHECK(run.sampler.network_calls <= 100);  // 40 reveals and the repairs (thousands in random order)
    for (const auto& row : run.rows) CHECK(bio::check_constraints(row, {{6, 46}}, set).empty());
  }
}

TEST_CASE("top-p trims what the constraints allow, not the model's distribution before them", "[guidance]") {
  // p = (.05, .5, .3, .15) with no G or C allowed: A and T hold (.25, .75) of the allowed mass. Top-p
  // 0.7 keeps T alone; 0.8 keeps both, at those odds. Top-p first would keep C and G, cut both allowed
  // bases, and draw A and T equally likely.
  bio::constraint_set set;
  set.gc.push_back({0.0, 0.0, 0});
  for (auto kind : {sampler_kind::first_hit, sampler_kind::ancestral, sampler_kind::confidence})
    for (double top_p : {0.7, 0.8}) {
      sampler_params params;
      params.kind = kind;
      params.steps = 5;
      params.top_p = top_p;
      const auto run = fill_hole(set, "CCCCCC" + std::string(40, 'N') + "CCCCCC", 50, params, 3, 8, {0.05, 0.5, 0.3, 0.15});
      std::int64_t a = 0, t = 0;
      for (const auto& row : run.rows)
        for (std::size_t i = 6; i < 46; ++i) {
          a += row[i] == 'A';
          t += row[i] == 'T';
        }
      INFO(sampler_name(kind) << ", top-p " << top_p << ": A " << a << ", T " << t);
      CHECK(a + t == 50 * 40);
      if (top_p == 0.7) CHECK(a == 0);
      else CHECK(std::abs(static_cast<double>(a) / (a + t) - 0.25) < 0.04);  // 4 standard deviations
    }
}

TEST_CASE("an infeasible request ends quickly with a report, not a hang", "[guidance]") {
  const auto model = tiny_model(true);
  // One designed base between GA and TC: every base makes HinfI's GANTC. And 1 base cannot be 40-60% GC.
  const std::string text = "ACGTACGA" + std::string(1, 'N') + "TCACGTAC";
  infill_request request{"rec", encode(text), {{8, 9}}, text};
  design_options options;
  options.variants = 4;
  options.score_draws = 0;
  REQUIRE(bio::add_forbidden("HinfI", options.constraints));
  options.constraints.gc.push_back({0.4, 0.6, 0});
  std::vector<design> designs;
  design_stats stats;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(infill(model, request, options, designs, {}, &stats));
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 5.0);
  REQUIRE(designs.size() == 4);
  for (const auto& d : designs) {
    CHECK_FALSE(d.constraints_ok);
    REQUIRE(d.violations.size() == 2);
    CHECK(d.violations[0].constraint == "avoid HinfI");
    CHECK(d.violations[0].position == 6);
    CHECK(d.violations[1].constraint == "gc 40-60%");
  }
  CHECK(stats.constraints.forced == 4);
  CHECK(stats.constraints.dead_ends == 0);  // nothing could be re-masked: no retries wasted
}

TEST_CASE("the GC target tilts the draws towards it", "[guidance]") {
  const auto model = tiny_model(false);  // uniform: GC 0.5 on average
  design_options options;
  options.variants = 8;
  options.score_draws = 0;
  std::vector<design> plain, high, low;
  REQUIRE(generate(model, "g", {}, 200, options, plain));
  // The tilt settles where GC = sigmoid(weight * (target - GC)): about 0.74 here.
  options.gc_target = {0.8, 20.0};
  REQUIRE(generate(model, "g", {}, 200, options, high));
  options.gc_target = {0.2, 20.0};
  REQUIRE(generate(model, "g", {}, 200, options, low));
  CHECK(std::abs(mean_gc(plain) - 0.5) < 0.06);
  CHECK(mean_gc(high) > 0.7);
  CHECK(mean_gc(low) < 0.3);
  for (const auto& d : high) CHECK(d.constraints_ok);  // soft: never a violation
}

TEST_CASE("label rules: record-name patterns and a TSV", "[guidance][labels]") {
  label_rules rules;
  REQUIRE(parse_label_rules("human=chr*,ecoli=NC_000913*,human=hs?", rules));
  CHECK(rules.names == std::vector<std::string>{"human", "ecoli"});
  CHECK(rules.label_of("chrX") == 0);
  CHECK(rules.label_of("NC_000913.3") == 1);
  CHECK(rules.label_of("hs1") == 0);
  CHECK(rules.label_of("lambda") == -1);
  for (const char* bad : {"human", "=chr*", "human=", "a b=chr*", "x=1,,y=2"})
    CHECK(parse_label_rules(bad, rules).message().rfind("--labels", 0) == 0);
  // A control byte would come back raw in messages and in info: refused, and shown escaped.
  CHECK_THAT(parse_label_rules("hu\x01man=chr*", rules).message(), Catch::StartsWith("--labels: bad item 'hu\\x01man=chr*'"));
  // A label goes into the checkpoint's JSON: bytes that are not UTF-8 ended training with the JSON
  // library's own words, after step 1 had replaced the log. Stray, cut-off, overlong and surrogate forms.
  for (const char* bad : {"\xff=r0", "A\xc3=r0", "\xc0\xaf=r0", "\xed\xa0\x80=r0", "\xf4\x90\x80\x80=r0"})
    CHECK_THAT(parse_label_rules(bad, rules).message(), Catch::Contains("a NAME is one word of UTF-8"));
  REQUIRE(parse_label_rules("m\xc3\xa4use=mm*,\xe4\xba\xba=hs*,\xf0\x9f\xa7\xac=x*", rules));  // mäuse, 人, a 4-byte emoji
  CHECK(rules.names.size() == 3);
  dnafill::test::temp_dir dir;
  {
    std::ofstream tsv(dir.file("labels.tsv"));
    tsv << "# record\tlabel\nrecA\tgc_rich\nrecB\tat_rich\n";
  }
  REQUIRE(parse_label_rules(dir.file("labels.tsv"), rules));
  CHECK(rules.label_of("recB") == 1);
  {
    std::ofstream tsv(dir.file("bad.tsv"));
    tsv << "recA\tgc_rich\nrecB\n";
  }
  CHECK(parse_label_rules(dir.file("bad.tsv"), rules).message().find("line 2") != std::string::npos);
  {
    std::ofstream tsv(dir.file("control.tsv"));
    tsv << "recA\tgc\x7frich\n";
  }
  CHECK(parse_label_rules(dir.file("control.tsv"), rules).message().find("line 1") != std::string::npos);
  {
    std::ofstream tsv(dir.file("latin1.tsv"));
    tsv << "recA\tgc\nrecB\tm\xe4use\n";  // Latin-1, not UTF-8
  }
  CHECK_THAT(parse_label_rules(dir.file("latin1.tsv"), rules).message(), Catch::Contains("line 2: expected 'record<TAB>label' (a label is one word of UTF-8"));
  // A record under two labels was trained under the first without a word; twice under one is harmless.
  {
    std::ofstream tsv(dir.file("twice.tsv"));
    tsv << "recA\tx\nrecA\tx\nrecB\ty\nrecA\ty\n";
  }
  CHECK(parse_label_rules(dir.file("twice.tsv"), rules).message() ==
        "--labels: " + dir.file("twice.tsv") + ": line 4: record 'recA' is labelled 'y', and 'x' at line 1: a record takes one label");
  {
    std::ofstream tsv(dir.file("many.tsv"));
    for (int i = 0; i <= max_labels; ++i) tsv << "rec" << i << "\tlabel" << i << "\n";
  }
  CHECK_THAT(parse_label_rules(dir.file("many.tsv"), rules).message(), Catch::EndsWith("at most 1024 labels, found 1025"));
}

TEST_CASE("label rules: a label no training base has is refused", "[guidance][labels]") {
  dnafill::test::temp_dir dir;
  corpus_options o;
  o.train_files = {dnafill::test::write_fasta(dir.file("a.fa"), "chr1", dnafill::test::markov_bases(1000, 2))};
  o.window = 64;
  REQUIRE(parse_label_rules("human=chr*,mouse=mm*", o.labels));
  training_corpus corpus;
  CHECK(training_corpus::load(o, corpus).message() ==
        "--labels: no training base has the label 'mouse' (no training record matches it, or only in its held-out part)");
  REQUIRE(parse_label_rules("human=chr*", o.labels));
  CHECK(training_corpus::load(o, corpus));
}

TEST_CASE("label conditioning: a model trained with labels follows the one it is given", "[guidance][labels]") {
  // Two kinds of record: GC-rich and AT-rich. Trained with 10% null-label dropout, the model must tell
  // them apart by the label alone when generating from nothing.
  dnafill::test::temp_dir dir;
  std::mt19937 rng(3);
  auto biased = [&](double gc, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += (rng() % 1000 < gc * 1000) ? "GC"[rng() % 2] : "AT"[rng() % 2];
    return s;
  };
  {
    std::ofstream fa(dir.file("train.fa"));
    for (int r = 0; r < 4; ++r) fa << ">gc_" << r << "\n" << biased(0.85, 3000) << "\n>at_" << r << "\n" << biased(0.15, 3000) << "\n";
  }
  train_options o;
  o.data.train_files = {dir.file("train.fa")};
  o.data.window = 128;
  o.data.valid_fraction = 0.0;
  o.out = dir.file("labelled.safetensors");
  o.preset = "tiny";
  o.steps = 200;
  o.batch = 8;
  o.lr = 3e-3;
  o.valid_every = 1000;
  o.labels = "rich=gc_*,poor=at_*";
  train_summary summary;
  REQUIRE(train(o, {}, summary));
  mdm_model model;
  REQUIRE(load_model(o.out, model));
  CHECK(model.config().num_labels == 2);
  CHECK(model_labels(model) == std::vector<std::string>{"rich", "poor"});

  design_options options;
  options.variants = 8;
  options.score_draws = 0;
  std::vector<design> rich, poor;
  options.label = "rich";
  REQUIRE(generate(model, "g", {}, 100, options, rich));
  options.label = "poor";
  options.sampler.guidance = 1.0;  // label CFG against the null label
  REQUIRE(generate(model, "g", {}, 100, options, poor));
  INFO("GC with label rich " << mean_gc(rich) << ", poor " << mean_gc(poor));
  CHECK(mean_gc(rich) > 0.65);
  CHECK(mean_gc(poor) < 0.35);

  options.label = "unknown";
  CHECK(generate(model, "g", {}, 10, options, rich).message().rfind("--label: the model has no label 'unknown'", 0) == 0);
  options.label = "rich";
  CHECK(generate(tiny_model(false), "g", {}, 10, options, rich).message().rfind("--label: the model was trained without", 0) == 0);
}
