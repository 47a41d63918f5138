// Tests of core/constraint_mask.h (torch-free): which bases a position may take given what is decided,
// GC feasibility against brute force, and re-masking at dead ends.
#include <catch2/catch.hpp>

#include <random>

#include "bio/constraints.h"
#include "core/constraint_mask.h"

using namespace dnafill;
using namespace dnafill::core;

namespace {

constexpr unsigned A = 1, C = 2, G = 4, T = 8;

bio::constraint_set avoiding(std::initializer_list<const char*> names) {
  bio::constraint_set set;
  for (const char* name : names) REQUIRE(bio::add_forbidden(name, set));
  return set;
}

// The guard of one design of `text` whose hole is the lowercase stretch.
constraint_guard guard_for(const bio::constraint_set& set, const std::string& text, int rows = 1) {
  std::vector<bio::interval> holes = bio::lowercase_mask(text);
  REQUIRE(holes.size() == 1);
  return constraint_guard(set, gc_tilt{}, text, holes, rows);
}

// Every 0/1 sequence of n bases (bit i = base i is GC) that meets the rules.
std::vector<int> brute_force_solutions(int n, const std::vector<bio::gc_rule>& rules) {
  std::vector<int> solutions;
  for (int bits = 0; bits < (1 << n); ++bits) {
    bool ok = true;
    for (const auto& rule : rules) {
      const int w = rule.window == 0 || rule.window >= n ? n : rule.window;
      std::int64_t lo = 0, hi = 0;
      bio::gc_count_bounds(rule, w, lo, hi);
      for (int s = 0; s + w <= n && ok; ++s) {
        int gc = 0;
        for (int i = s; i < s + w; ++i) gc += (bits >> i) & 1;
        ok = gc >= lo && gc <= hi;
      }
    }
    if (ok) solutions.push_back(bits);
  }
  return solutions;
}

// Is there a solution that extends `state` (-1 free, else 0 AT / 1 GC)?
bool extends(const std::vector<int>& solutions, const std::vector<int>& state) {
  int fixed = 0, values = 0;
  for (std::size_t i = 0; i < state.size(); ++i)
    if (state[i] >= 0) {
      fixed |= 1 << i;
      values |= state[i] << i;
    }
  for (int bits : solutions)
    if ((bits & fixed) == values) return true;
  return false;
}

}  // namespace

TEST_CASE("constraint mask: a base that completes a site on either strand is not allowed", "[constraints]") {
  // GGTCT + ? : C would complete BsaI's GGTCTC on the forward strand.
  auto g = guard_for(avoiding({"BsaI"}), "AAGGTCTnAAAA");
  CHECK(g.allowed(0, 7) == (A | G | T));
  // ? + AGACC: G would complete GAGACC, BsaI on the reverse strand.
  auto r = guard_for(avoiding({"BsaI"}), "TTnAGACCTT");
  CHECK(r.allowed(0, 2) == (A | C | T));
  // An IUPAC motif: HinfI GANTC between GA and TC leaves no base at all.
  auto h = guard_for(avoiding({"HinfI"}), "CCGAnTCCC");
  CHECK(h.allowed(0, 4) == 0);
  // Undecided neighbours complete nothing yet.
  auto u = guard_for(avoiding({"BsaI"}), "AAGGTnnnAAAA");
  CHECK(u.allowed(0, 5) == (A | C | G | T));
  u.commit(0, 6, 2, false);  // GGT?G?: still nothing completes...
  u.commit(0, 5, 2, false);  // ...GGTGG
  CHECK(u.allowed(0, 7) == (A | C | G | T));
}

TEST_CASE("constraint mask: homopolymer limits count the runs on both sides", "[constraints]") {
  bio::constraint_set set;
  set.max_run = {5, 5, 5, 5};
  auto g = guard_for(set, "CAAAnAACC");  // 3 A + ? + 2 A: an A makes 6
  CHECK(g.allowed(0, 4) == (C | G | T));
  auto ok = guard_for(set, "CAAnAACC");  // 2 + 1 + 2 = 5: allowed
  CHECK(ok.allowed(0, 3) == (A | C | G | T));
  auto rna = guard_for(set, "GCUUUUTnG");  // U is T: 5 T + ? makes 6 with a T
  CHECK(rna.allowed(0, 7) == (A | C | G));
}

TEST_CASE("constraint mask: GC bounds are kept reachable, exactly", "[constraints]") {
  bio::constraint_set set;
  set.gc.push_back({0.5, 0.5, 0});
  auto g = guard_for(set, "AAnnnnAA");  // 4 designed bases, exactly 2 GC
  g.commit(0, 2, 2, false);              // G
  CHECK(g.allowed(0, 3) == (A | C | G | T));
  g.commit(0, 3, 1, false);              // C: two GC, the rest must be AT
  CHECK(g.allowed(0, 4) == (A | T));
  CHECK(g.allowed(0, 5) == (A | T));
}

TEST_CASE("constraint mask: GC feasibility agrees with brute force on random small cases", "[constraints]") {
  std::mt19937 rng(7);
  int checked = 0, infeasible_starts = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 12);
    std::vector<bio::gc_rule> rules;
    for (int r = 0, count = 1 + static_cast<int>(rng() % 2); r < count; ++r) {
      const double a = (rng() % 11) / 10.0, b = (rng() % 11) / 10.0;
      rules.push_back({std::min(a, b), std::max(a, b), static_cast<int>(rng() % (n + 2))});
    }
    gc_feasibility f;
    std::vector<int> state(n, -1);
    const auto solutions = brute_force_solutions(n, rules);
    const bool feasible = f.reset(n, rules);
    REQUIRE(feasible == !solutions.empty());
    if (!feasible) {
      ++infeasible_starts;
      continue;
    }
    // Decide bases in random order, each time comparing every question with brute force.
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (int i : order) {
      for (int j = 0; j < n; ++j) {
        if (state[j] >= 0) continue;
        for (int v = 0; v < 2; ++v) {
          auto with = state;
          with[j] = v;
          REQUIRE(f.allows(j, v == 1) == extends(solutions, with));
          ++checked;
        }
      }
      const bool gc = rng() % 2 == 1;
      auto with = state;
      with[i] = gc;
      const bool possible = extends(solutions, with);
      REQUIRE(f.decide(i, gc) == possible);
      if (possible) state[i] = gc;
      else {
        REQUIRE(f.decide(i, !gc));  // the state was feasible, so the other choice is
        state[i] = !gc;
      }
      // Releasing and deciding again changes nothing.
      if (rng() % 4 == 0) {
        f.release(i);
        REQUIRE(f.decide(i, state[i] == 1));
      }
    }
  }
  CHECK(checked > 5000);
  CHECK(infeasible_starts > 0);  // the generator makes impossible rules too
}

TEST_CASE("constraint mask: k-mers may not repeat the flanks or each other", "[constraints]") {
  bio::constraint_set set;
  set.repeat_k = 4;
  // ACGA in the left flank: ACG? with A would repeat it.
  auto g = guard_for(set, "ACGATTTTCCACGnCC");
  CHECK((g.allowed(0, 13) & A) == 0);
  // Its reverse complement TCGT counts too: ?CGT... here T would make TCGT.
  auto r = guard_for(set, "ACGATTTTCCnCGTCC");
  CHECK((r.allowed(0, 10) & T) == 0);
  // A run longer than k repeats itself: AAAA then one more A is AAAA twice.
  auto run = guard_for(set, "CCCGAAAAnGGG");
  CHECK((run.allowed(0, 8) & A) == 0);
  // U is T: UCGU in the flank is TCGT, whose reverse complement ACGA an A would make.
  auto rna = guard_for(set, "UCGUCCACGnCC");
  CHECK((rna.allowed(0, 9) & A) == 0);
}

TEST_CASE("constraint mask: a dead end re-masks its neighbourhood, boundedly", "[constraints]") {
  const auto set = avoiding({"HinfI"});  // GANTC
  auto g = constraint_guard(set, gc_tilt{}, "CCCCCCnnnnnnCCCCCC", {{6, 12}}, 1, /*max_dead_ends=*/2);
  g.commit(0, 6, 2, false);  // G
  g.commit(0, 7, 0, false);  // A
  g.commit(0, 9, 3, false);  // T
  g.commit(0, 10, 1, false); // C: GA?TC leaves no base at 8
  REQUIRE(g.allowed(0, 8) == 0);
  auto freed = g.dead_end(0, 8, 6, 12);
  CHECK(freed == std::vector<std::int64_t>{6, 7, 9, 10});
  CHECK(g.allowed(0, 8) == (A | C | G | T));
  CHECK(g.stats().dead_ends == 1);
  CHECK(g.stats().remasked == 4);
  // Only positions the sampler may redraw are freed; with none, the answer is empty (force a base).
  g.commit(0, 6, 2, false);
  g.commit(0, 7, 0, false);
  g.commit(0, 9, 3, false);
  g.commit(0, 10, 1, false);
  CHECK(g.dead_end(0, 8, 8, 9).empty());
  CHECK(g.dead_end(0, 8, 6, 12).size() == 4);  // the second and last allowed retry
  g.commit(0, 6, 2, false);
  g.commit(0, 7, 0, false);
  g.commit(0, 9, 3, false);
  g.commit(0, 10, 1, false);
  CHECK(g.dead_end(0, 8, 6, 12).empty());  // retries spent
  g.commit(0, 8, 0, true);
  CHECK(g.stats().forced == 1);
}

TEST_CASE("constraint mask: the GC tilt pushes towards the target by what is decided nearby", "[constraints]") {
  constraint_guard g(bio::constraint_set{}, gc_tilt{0.8, 10.0}, "AAnnnnnnAA", {{2, 8}}, 1);
  double w[4] = {0, 0, 0, 0};
  g.tilt(0, 5, w);
  CHECK(w[1] == 0.0);  // nothing decided yet: no tilt
  g.commit(0, 2, 0, false);
  g.commit(0, 3, 3, false);  // two AT: GC 0 so far, 0.8 below the target
  g.tilt(0, 5, w);
  CHECK(w[0] == 0.0);
  CHECK(w[1] == Approx(8.0));
  CHECK(w[2] == Approx(8.0));
  CHECK(w[3] == 0.0);
}
