// Design jobs as recorded runs: items (the holes of a record, or one region of it) designed one after
// another and delivered to sinks (data/sink.h) as they finish. infill, generate and batch all run
// through run_job; the CLI and the GUI only pick the items and the sinks. Torch-free header.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bio/mask.h"
#include "bio/status.h"
#include "core/checkpoint.h"
#include "core/design.h"
#include "data/records.h"
#include "data/sink.h"

namespace dnafill::core {

// One unit of work: K variants of the holes of `bases`, delivered to the sinks together.
struct job_item {
  data::item_key key;
  std::string record;                // the input record's name
  std::string_view bases;            // what the model sees, as read (case, IUPAC): the record or a piece of it
  std::int64_t offset = 0;           // where `bases` starts in the record (batch cuts long records)
  std::vector<bio::interval> holes;  // what to design, in `bases` coordinates: merged, non-empty
  std::uint64_t seed = 1;            // the sampler seed of this item: its designs are a function of it
};

struct job_totals {
  std::int64_t records = 0, items = 0, designs = 0;
};

// Where a job's items come from, in a fixed order (a resumed run must meet them in the same order).
class item_source {
 public:
  virtual ~item_source() = default;
  // The next item; its views stay valid until the next call. False at the end or on error.
  virtual bool next(job_item& item) = 0;
  virtual const status& error() const = 0;  // after next() returned false: ok at the end
  virtual job_totals totals() const = 0;    // known before the first item
  // Whether the same command could take the run up again where it stopped: not once the input has
  // changed under it (its content, which keys the run, is another).
  virtual bool resumable() const { return true; }
};

// Items held by the caller (infill: one per record with holes; generate: one), in the given order.
// It does not own what the items' `bases` view: the caller keeps those strings alive until run_job
// returns.
class item_list : public item_source {
 public:
  item_list(std::vector<job_item> items, std::int64_t records, int variants);
  bool next(job_item& item) override;
  const status& error() const override { return ok_; }
  job_totals totals() const override { return totals_; }

 private:
  std::vector<job_item> items_;
  std::size_t next_ = 0;
  job_totals totals_;
  status ok_;
};

struct job_progress {
  job_totals totals;
  std::int64_t record_index = 0;                  // of the item in hand
  std::int64_t items_done = 0, designs_done = 0;  // including those found done (resumed)
  std::int64_t designs_resumed = 0;               // found done in a sink, not designed again
  double item_fraction = 0.0;                     // windows of the item in hand that are done
  double seconds = 0.0;                           // since the job started
};
using job_callback = std::function<void(const job_progress&)>;

// The share of the job's designs that is done, the item in hand counted by its windows: 0..1, and
// below 0.999 until every design is done (the last item's are scored and checked after its windows).
double fraction_done(const job_progress& p);

// "records 3/10  designs 24/80 (12 resumed)  0.52/s  ETA 35s": the CLI's progress bar and the studio's
// batch dialog show this line.
std::string describe_progress(const job_progress& p);

// A finished job's count: "52 designs of 26 regions in 12 records (52 found done)", "1 design of 1
// region in 1 record". The CLI's batch summary and the studio's batch dialog say this.
std::string describe_done(const job_progress& p);

// "1h02m", "3m05s", "12s"
std::string format_duration(double seconds);

// The seed infill designs record `record_index` (0-based, in file order) from: derive_seed(seed,
// record_index), so that records alike (two alleles, a file of one construct's copies) get designs
// of their own, not the same ones; the first record draws from `seed` itself, as every record did
// before 2026-12-03, so a file of one record designs as it did. The studio seeds the record it
// designs the same way: its design of record r of a file opened whole is the command line's.
std::uint64_t record_seed(std::uint64_t seed, std::int64_t record_index);

struct job_summary {
  data::run_status status = data::run_status::running;  // done, failed or cancelled once run_job returns
  std::string error;
  job_progress progress;
};

// The run a job records: the kind, the design options and the JSON object `extra` (sorted keys),
// the model (SHA-256 of its file, config) and the input file (by content; none when `input` is
// empty), and the resume key, a hash of all four: the same command on the same bytes has the same key.
status make_run_record(const mdm_model& model, const std::string& kind, const design_options& options,
                       const nlohmann::json& extra, const std::string& input, data::run_record& run);

// The longest sequence one generate makes (--length, the studio's New sequence): the record, its K
// designs and their tokens are held in memory, ~15 bytes a base, so 10^8 bases is ~1.5 GB. Longer
// sequence is generated in pieces, each continuing the last (--prefix).
constexpr std::int64_t longest_generated = 100'000'000;

// Designs every item of `items` in order and puts each item's K designs into `sink` as one item.
// Items the sink already holds are skipped (a resumed run). Between items, a set `*cancel` stops
// the job: the item in hand is finished first. A set `*stop_now` (the GUI's Cancel) also stops the
// item in hand at its next network call; that item's designs are dropped, what was put stays. The
// sink is started and always finished, with the outcome in `summary`. Returns ok when the run is
// done or cancelled, the error when it failed. `cancel` and `stop_now` may be set from any thread (a
// signal handler, the GUI); `progress` and the sinks run on the calling thread and are not owned.
status run_job(const mdm_model& model, item_source& items, const design_options& options, const data::run_record& run,
               data::design_sink& sink, const std::atomic<bool>* cancel, const job_callback& progress,
               job_summary& summary, const std::atomic<bool>* stop_now = nullptr);

// The store's record of a design of `item` (infilled with the item's offset): the region from the
// first to the last hole, in record coordinates, its bases as designed (in the case of the original
// there, the original elsewhere).
data::design_record design_to_record(const job_item& item, const design& d);

// A design's constraint check as the store keeps it (design_record.constraint_report, written by
// run_job), read back: the violations (positions 0-based, in record coordinates) and the designed
// holes (0-based half-open). Empty lists when the report holds none or is not one.
struct design_check {
  std::vector<bio::constraint_violation> violations;
  std::vector<bio::interval> holes;
};
design_check read_design_check(const data::design_record& d);

// How a job's designs fared against the constraints they were checked with, from what the store
// keeps of each check (design_record.constraints_ok and constraint_report).
struct constraint_summary {
  std::size_t designs = 0, failed = 0;
  std::string first_failure;  // "chrA variant 1: avoid BsaI: ..." of the first failed design; empty: none

  void add(const data::design_record& d);
  bool all_failed() const { return designs > 0 && failed == designs; }
};

// A sink that only tallies how the designs put into it met their constraints (a batch's closing
// line). It holds no item, so a resumed run hands it the designs found done too: the tally is the
// whole run's, as in an uninterrupted run.
class constraint_tally : public data::design_sink {
 public:
  status start(data::run_record&) override { return {}; }
  status put(const data::item_designs& item) override {
    for (const auto& d : item.designs) summary.add(d);
    return {};
  }
  status finish(data::run_status, const std::string&) override { return {}; }

  constraint_summary summary;
};

// The whole record with a design's region written in: what infill and generate print as FASTA.
std::string apply_design(const std::string& original, const data::design_record& d);
// The same as the pieces it is made of, viewing `original` and `d`: the bases before the region, the
// region, the bases after it. For a design of `original` (its region begins inside it or at its end),
// written out without a copy of the record.
std::vector<std::string_view> design_pieces(std::string_view original, const data::design_record& d);

}  // namespace dnafill::core
