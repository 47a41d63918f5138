// What infill, generate and batch share on the command line: the sampler options, and writing designs
// as FASTA and JSON lines.
#pragma once

#include <string>
#include <vector>

#include "app/common.h"
#include "app/constraint_cli.h"
#include "bio/fasta.h"
#include "bio/mask.h"
#include "bio/status.h"
#include "core/design.h"
#include "data/records.h"

namespace CLI {
class App;
class Option;
}

namespace dnafill::app {

// The options as typed; resolve() turns them into core::design_options, naming the bad option.
struct design_args {
  std::string model, sampler = core::sampler_name(core::sampler_params{}.kind), precision = "fp64";
  std::string confidence = "max-prob", schedule = "linear";
  bool no_cache = false;
  // Knobs of one sampler, to tell when one was typed for another sampler (it would change nothing).
  const CLI::Option *confidence_option = nullptr, *schedule_option = nullptr, *no_cache_option = nullptr;
  core::design_options options;
  std::string out;  // FASTA path; empty = stdout unless --json
  std::string db;   // SQLite store recording the run and its designs; empty = none
  bool json = false;
  int threads = 0;
  std::string device = "auto";  // where the network runs; the sampler's bookkeeping stays on the host
  std::string net_precision = "auto";  // the network's arithmetic: fp32 | bf16 (autocast) | auto (bf16 on a GPU)
  constraint_args constraints;

  // Checks the options and turns them into `options`; then check_paths on --out, --report and --db
  // against each other, the command's input files (`inputs`, e.g. {"--in", path}) and --model.
  status resolve(std::vector<named_path> inputs = {});
  // Whether the designs go to standard output (--json, --out -): nothing else may be printed there.
  bool designs_on_stdout() const { return json || out == "-"; }
};

void add_design_options(CLI::App& sub, design_args& args);

// The records a run designs (infill) or scores, and their holes.
struct masked_records {
  std::vector<bio::sequence_record> records;
  std::vector<std::vector<bio::interval>> holes;  // holes[i] belongs to records[i], possibly empty
  std::vector<std::int64_t> numbers;              // records[i] is record numbers[i] of the file, from 0
  std::int64_t in_file = 0;                        // records in the file

  // Where record number `number` of the file is in `records` (it must be there).
  const bio::sequence_record& record(std::int64_t number) const;
};

// The holes from --region NAME:START-END or --mask lowercase|N|bed:FILE (exactly one of them) in the
// FASTA file `in`. With --mask every record is read; with --region only the named record when the file
// has its faidx index beside it already (a genome is not read whole for one hole; none is started here,
// one that does not fit is built anew) and the record fetches cleanly, else every record. Errors name
// the option or file and the problem (an unreadable file, an unknown record, a region outside its
// record, nothing masked at all), in the same words either way.
status read_masked_records(const std::string& region, const std::string& mask, const std::string& in,
                           masked_records& out);

// One output record: a design as the store keeps it, and the record it was made in as read (the
// prefix for generate), which the FASTA and JSON output write in whole.
struct design_output {
  data::design_record design;
  const std::string* original = nullptr;
};

// A table of the designs on stdout: record, variant, region (1-based), GC, bits/base, constraints.
void print_design_table(const std::vector<design_output>& designs);

// FASTA records named "<record>|variant=<k>|region=<start>-<end>" (1-based inclusive) to --out (or
// stdout without --json), and with --json one JSON object per design on stdout; the --report before them.
// Fails when every design violates the constraints (they are written all the same).
status write_designs(const design_args& args, const std::vector<design_output>& designs, const std::string& model_path);

}  // namespace dnafill::app
