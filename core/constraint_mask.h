// Hard constraints enforced while decoding: which of the four bases a masked position may take given
// what is already decided, a feasibility check for GC bounds, and re-masking at dead ends. The
// samplers (core/sampling.h) see only the draw_constraints interface (core/draw_constraints.h,
// with the GC tilt and the counts a design reports). Torch-free.
//
// A masked diffusion model reveals positions in any order, so a base "completes a violation" when,
// together with the bases already decided around it (fixed flanks or committed designs), it forms a
// forbidden site, an over-long run or a repeated k-mer. Such bases get probability zero. GC bounds are
// global over windows, so they are checked for feasibility: a base is allowed only if every window can
// still reach its bounds with the bases left masked (exactly, across overlapping windows). When no base
// is allowed (a dead end), a neighbourhood is re-masked and decoding goes on, a bounded number of times;
// after that a base is forced and the final check reports the violation.
//
// Not thread-safe: one guard per job, used by one sampler at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bio/constraints.h"
#include "bio/mask.h"
#include "core/draw_constraints.h"

namespace dnafill::core {

// Can the GC rules of one designed interval of n bases still be met, given which bases are decided GC,
// decided AT or free? The rules are difference constraints on the prefix counts S_0..S_n: per base
// S_{i+1} - S_i in [0, 1] (or fixed), per window S_{i+W} - S_i in [lo, hi]. They can be met iff the
// constraint graph has no negative cycle. A solution is kept as potentials, so each question is one
// propagation from the base it is about, which stops as soon as the old solution fits again
// (incremental negative-cycle detection, as in Cotton & Maler 2006).
class gc_feasibility {
 public:
  // Starts with every base free. False when no sequence of n bases meets the rules (the object then
  // allows everything: enforcing an impossible rule would only make every base a dead end).
  bool reset(std::int64_t n, const std::vector<bio::gc_rule>& rules);
  bool feasible() const { return feasible_; }
  // Could base i be decided GC (or AT) with the other bases as they are? The state does not change.
  bool allows(std::int64_t i, bool gc);
  // Decides base i. False, with the state unchanged, when that makes the rules impossible.
  bool decide(std::int64_t i, bool gc);
  void release(std::int64_t i);  // base i is free again (always keeps the rules feasible)
  // Stops enforcing (a base was forced against the rules): every question is answered yes from now on.
  void abandon() { feasible_ = false; }

 private:
  enum : std::int8_t { free_base = -1, at_base = 0, gc_base = 1 };
  struct window_rule {
    std::int64_t width, lo, hi;
  };
  template <typename Visit>
  void for_each_edge(std::int64_t j, Visit visit) const;
  bool add_edge(std::int64_t from, std::int64_t to, std::int64_t weight, bool keep);
  bool initial_solution();

  std::int64_t n_ = 0;
  bool feasible_ = false;
  std::vector<window_rule> rules_;
  std::vector<std::int8_t> state_;        // per base: free, AT or GC
  std::vector<std::int64_t> potential_;   // S_0..S_n of a solution
  std::vector<std::pair<std::int64_t, std::int64_t>> undo_;  // (node, old potential) of a propagation
  std::vector<std::int64_t> queue_;
  std::vector<char> queued_;
};

// The state of K designs of one record: every decided base, the GC systems of each hole, the counts
// of k-mers, in record coordinates. Positions outside the holes are fixed.
class constraint_guard {
 public:
  // `text` is the record (fixed bases as read; the holes' content is ignored); `holes` merged, inside.
  constraint_guard(const bio::constraint_set& set, const gc_tilt& tilt, std::string_view text,
                   const std::vector<bio::interval>& holes, int rows, int max_dead_ends = 256);

  unsigned allowed(int row, std::int64_t pos);
  void tilt(int row, std::int64_t pos, double* log_weights) const;
  void commit(int row, std::int64_t pos, int base, bool forced);
  // Re-masks decided designed bases near `pos` inside [lo, hi) (the positions the current sampler run
  // may redraw); returns them. See draw_constraints::dead_end.
  std::vector<std::int64_t> dead_end(int row, std::int64_t pos, std::int64_t lo, std::int64_t hi);
  const guard_stats& stats() const { return stats_; }

  // The guard seen by a sampler running on the window [window_start, ...) of the record that may commit
  // (and re-mask) positions in [commit_start, commit_end).
  class window_view : public draw_constraints {
   public:
    window_view(constraint_guard& g, std::int64_t window_start, std::int64_t commit_start, std::int64_t commit_end)
        : guard_(g), offset_(window_start), lo_(commit_start), hi_(commit_end) {}
    unsigned allowed(std::int64_t row, std::int64_t pos) override;
    void tilt(std::int64_t row, std::int64_t pos, double* log_weights) override;
    void commit(std::int64_t row, std::int64_t pos, int base, bool forced) override;
    std::vector<std::int64_t> dead_end(std::int64_t row, std::int64_t pos) override;

   private:
    constraint_guard& guard_;
    std::int64_t offset_, lo_, hi_;
  };

 private:
  struct row_state {
    std::string bases;  // the scope, upper case; '.' = masked
    std::vector<gc_feasibility> gc;  // per hole
    std::unordered_map<std::uint64_t, int> kmers;  // complete canonical k-mers in the repeat scope
    std::int64_t dead_ends = 0;
    std::unordered_map<std::int64_t, int> tries;  // dead ends per position
  };
  bool completes_motif(const std::string& s, std::int64_t at) const;
  bool run_too_long(const std::string& s, std::int64_t at, int base) const;
  bool repeats_kmer(const row_state& r, std::int64_t at) const;
  void count_kmers(row_state& r, std::int64_t at, int delta) const;
  bool kmer_at(const std::string& s, std::int64_t start, std::uint64_t& key) const;

  bio::constraint_set set_;
  gc_tilt tilt_;
  std::vector<std::string> patterns_;  // each motif and, unless palindromic, its reverse complement
  std::vector<bio::interval> holes_;   // in scope coordinates
  std::vector<int> hole_of_;           // per scope position: hole index, -1 if fixed
  std::int64_t scope_start_ = 0;       // record position of scope index 0
  std::int64_t repeat_from_ = 0, repeat_to_ = 0;  // k-mers counted inside [from, to), scope coordinates
  int max_dead_ends_;
  std::vector<row_state> rows_;
  guard_stats stats_;
};

}  // namespace dnafill::core
