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

// Every record of a FASTA file, in memory. Fails on a missing, unreadable or empty file.
status read_records(const std::string& path, std::vector<bio::sequence_record>& records);

// The holes of each record from --region NAME:START-END or --mask lowercase|N|bed:FILE (exactly one
// of them) over `records`, read from the file `in`: holes[i] belongs to records[i], possibly empty.
// Errors name the option and the problem (unknown record, a region outside its record, nothing
// masked at all).
status select_holes(const std::string& region, const std::string& mask, const std::string& in,
                    const std::vector<bio::sequence_record>& records,
                    std::vector<std::vector<bio::interval>>& holes);

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
