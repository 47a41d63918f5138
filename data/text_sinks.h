// Designs as text: a FASTA file (one record per design, over bio's writer) and JSON lines. The same
// sinks serve `batch --out` and `db export`, so an export of a run equals the batch's FASTA.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "bio/fasta_writer.h"
#include "bio/output_file.h"
#include "bio/status.h"
#include "data/sink.h"

namespace dnafill::data {

class store;

// The FASTA name of a design: "<record>|variant=<k>|region=<start>-<end>" (1-based inclusive, as the
// infill output names its records). The comment carries run, GC, bits/base and the constraints.
std::string design_name(const design_record& d);
std::string design_comment(const design_record& d);

// The fields every JSON line of a design has (infill and generate --json, batch --json, db export):
// record, variant, region_start (1-based), region_end, designed_bases, gc, constraints_ok and
// bits_per_base (null when not scored). Each writer adds its own: the sequence, the run, the report.
nlohmann::json design_json(const design_record& d);

// A design's bits/base with `decimals` decimals, or "NA" when it was not scored (--score-draws 0).
std::string bits_text(double bits_per_base, int decimals);

// Whether `name` can name a new record (generate --name, the studio's new sequence): one word of
// printable bytes (no space, tab, newline or other control byte), and no '|' or '>', which would make
// design_name's fields or the FASTA header ambiguous.
bool is_new_record_name(const std::string& name);

// One FASTA record per design holding the designed region's bases. The file ("-": stdout; ".gz":
// bgzip + index) is started by start() and replaces the one there at finish() of a done run
// (bio::fasta_writer); a failed or cancelled run leaves the file there as it was (its designs are in
// the store). A resumed batch writes it whole, the items done before coming back from the store in
// input order.
class fasta_sink : public design_sink {
 public:
  explicit fasta_sink(std::string path) : path_(std::move(path)) {}
  status start(run_record& run) override;
  status put(const item_designs& item) override;
  status finish(run_status outcome, const std::string& error) override;

 private:
  std::string path_;
  bio::fasta_writer writer_;
  bool open_ = false;
};

// One JSON object per design and line: run, record, record_index, region_index, variant,
// region_start and region_end (1-based inclusive), sequence (the region), designed_bases, gc,
// bits_per_base (null: not scored), constraints_ok, constraint_report. A file replaces the one there
// at finish() of a done run, as the FASTA sink's does (bio::output_file).
class jsonl_sink : public design_sink {
 public:
  explicit jsonl_sink(std::string path) : path_(std::move(path)) {}
  ~jsonl_sink() override;
  status start(run_record& run) override;
  status put(const item_designs& item) override;
  status finish(run_status outcome, const std::string& error) override;

 private:
  status write_failed() const;
  std::string path_;
  bio::output_file output_;
  std::FILE* file_ = nullptr;
};

// Every design of one run (or of all runs), item by item in order, into `sink`: start, put, finish.
// None is an error, and the sink finishes as failed (an earlier file stays).
status export_designs(store& db, std::optional<std::int64_t> run_id, design_sink& sink);

}  // namespace dnafill::data
