// What a sampler and a design see of the hard constraints while decoding: the interface a sampler
// asks which bases it may draw (core/constraint_mask.h implements it), the soft GC objective, and the
// counts of what enforcing the rules took. Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace dnafill::core {

// What a sampler asks while it decodes, in its own coordinates (row of the batch, position in its
// window). Bases are 0..3 = A C G T.
class draw_constraints {
 public:
  virtual ~draw_constraints() = default;
  // Bit b set: base b may be drawn at (row, pos) now. 0 is a dead end.
  virtual unsigned allowed(std::int64_t row, std::int64_t pos) = 0;
  // Soft objectives: added to the four log-weights of (row, pos) before the draw.
  virtual void tilt(std::int64_t row, std::int64_t pos, double* log_weights) = 0;
  // The sampler committed `base`; `forced` when it was not allowed (retries spent).
  virtual void commit(std::int64_t row, std::int64_t pos, int base, bool forced) = 0;
  // A dead end at (row, pos): the positions re-masked to make room (already undone here; the sampler
  // masks them again). Empty: nothing can be re-masked or the retries are spent, so force a base.
  virtual std::vector<std::int64_t> dead_end(std::int64_t row, std::int64_t pos) = 0;
};

// The soft objective of a target GC fraction: a tilt of weight * (target - GC of the decided designed
// bases within 50 of the position) on the log-weights of C and G.
struct gc_tilt {
  double target = -1.0;  // < 0: off
  double weight = 10.0;
};

// What enforcing the rules took (a design job reports them).
struct guard_stats {
  std::int64_t dead_ends = 0;  // dead ends met (each re-masked a neighbourhood)
  std::int64_t remasked = 0;   // decided bases masked again
  std::int64_t forced = 0;     // bases committed although not allowed (retries spent or nothing to re-mask)
};

}  // namespace dnafill::core
