// Design jobs: infilling the holes of a record (K variants) and generating sequence of any length by
// semi-autoregressive blocks. Plain structs in and out; torch-free. The CLI and the GUI reach these
// through run_job (core/job.h), which records and fans out what they make.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bio/constraints.h"
#include "bio/mask.h"
#include "bio/status.h"
#include "core/checkpoint.h"
#include "core/draw_constraints.h"
#include "core/sampler.h"
#include "core/tokens.h"

namespace dnafill::core {

// How a span longer than one window is filled: blocks of `stride` new bases, each seeing `overlap`
// bases of what is already written before it. The last block of a span is centred in a whole window,
// so it also sees the right flank, and with a right flank it may see fewer than `overlap` bases on its
// left (half of what the window has beside its new bases).
struct block_options {
  int window = 0;    // tokens per network call; 0 = the model's context length
  int overlap = -1;  // bases of left context every block but a centred last one keeps; -1 = window/2
  int stride = 0;    // new bases per block; 0 = window - overlap

  // Resolves the zeros against the model; names the bad option (--window, --overlap, --stride).
  status resolve(const model_config& config, block_options& out) const;
};

struct design_options {
  sampler_params sampler;
  block_options blocks;
  int variants = 1;     // K designs per record (--num)
  int score_draws = 2;  // Monte-Carlo draws for each design's bits/base; 0 = do not score
  bio::constraint_set constraints;  // hard rules: enforced while decoding, every design checked after
  gc_tilt gc_target;                // soft objective: steer GC towards a target (--gc-target, --gc-weight)
  std::string label;                // condition on this label of the model (--label); empty = none
  int max_dead_ends = 256;          // per design, plus one per designed base: dead ends re-masked before a base is forced
  bool rc_ensemble = false;         // every network call averages both strands (--rc-ensemble): twice the cost

  status validate(const model_config& config) const;
  // validate(the model's config), and `label` is one of the model's labels: a job would find out at
  // its first item, after its run was recorded. Names the labels it has.
  status validate(const mdm_model& model) const;
};

// One record to infill: its tokens (N as MASK) and the holes to regenerate (0-based half-open). Only
// the part a design reads (design_span) is worked on and kept: a hole of a chromosome costs its span.
struct infill_request {
  std::string record;
  std::vector<token> tokens;         // may be empty when `text` is given: then the span of it is encoded
  std::vector<bio::interval> holes;  // merged, non-empty, inside the record
  std::string_view text{};           // the record as read, for the constraints' view of the fixed bases
                                     // (IUPAC codes kept); empty = the tokens decoded (N for unknown).
                                     // A view: the caller keeps it through the call
  std::int64_t offset = 0;           // where these bases begin in the whole record (a batch item is a
                                     // piece of it): designs and their violations are numbered from it
};

struct design {
  std::string record;
  int variant = 0;                 // 1..K
  std::int64_t region_start = 0;   // 0-based, inclusive: the first designed base, in the whole record
  std::int64_t region_end = 0;     // 0-based, exclusive: after the last designed base
  std::vector<token> tokens;       // the region [region_start, region_end): holes filled, bases between
                                   // holes as they were (with_design puts it back in its record)
  std::int64_t designed_bases = 0;
  double gc = 0.0;                 // GC fraction of the designed bases
  double bits_per_base = 0.0;      // the model's conditional bits/base of the designed bases (NaN: not scored)
  bool constraints_ok = true;      // no violation below
  std::vector<bio::constraint_violation> violations;  // the independent check (bio::check_constraints),
                                                      // numbered in the whole record
};

// `record` (the whole record) with `d`'s region in it.
std::vector<token> with_design(std::vector<token> record, const design& d);

// Progress of a job: windows done of windows in all, and network calls so far. Return false to cancel.
struct design_event {
  std::int64_t windows_done = 0, windows = 0, network_calls = 0;
};
using design_callback = std::function<bool(const design_event&)>;

struct design_stats {
  std::int64_t network_calls = 0;
  std::int64_t windows = 0;
  guard_stats constraints;  // dead ends, re-masked and forced bases of the whole job
};

// Fills every hole of `request`, K variants at once (one batch of K rows per window). Holes that fit
// in a window together are filled together, the window centred on them so they get both flanks; a
// hole longer than a window is filled block by block, left to right. Block i draws from the stream
// derive_seed(seed, i): the same seed and options give identical output on the same build.
status infill(const mdm_model& model, const infill_request& request, const design_options& options,
              std::vector<design>& out, const design_callback& callback = {}, design_stats* stats = nullptr);

// Writes `length` new bases after `prefix` (which may be empty), block by block: the designs' region
// is the new part.
status generate(const mdm_model& model, const std::string& record, const std::vector<token>& prefix,
                std::int64_t length, const design_options& options, std::vector<design>& out,
                const design_callback& callback = {}, design_stats* stats = nullptr);

// The windows a span [start, end) of a record of `record_length` bases is filled in, as (window start,
// window end, commit start, commit end). infill and score_holes both use it, so a design is scored
// piece by piece as it was made.
struct block_plan {
  std::int64_t window_start, window_end, commit_start, commit_end;
};
std::vector<block_plan> plan_blocks(std::int64_t start, std::int64_t end, std::int64_t record_length,
                                    const block_options& resolved);

// The part of a record that a design of `holes` (merged, sorted) reads, which infill works on alone:
// a window each side (every block of the sampler and of the scoring lies within one window of a
// hole), the reach of the constraints (a motif, a run limit, the repeat rule's flank), and, under a
// homopolymer limit, a run that crosses an edge and goes on to a hole, followed to its end (the guard
// and the check count whole runs).
bio::interval design_span(std::string_view text, const std::vector<bio::interval>& holes, std::int64_t window,
                          const bio::constraint_set& constraints);

}  // namespace dnafill::core
