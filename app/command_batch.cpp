// dnafill batch: every masked region of every record of a file, K variants each, into a store (and a
// FASTA); the same command on the same store resumes an interrupted run.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/constraint_cli.h"
#include "app/design_cli.h"
#include "app/job_cli.h"
#include "core/batch.h"
#include "core/runtime.h"
#include "data/text_sinks.h"

namespace dnafill::app {
namespace {

struct batch_args : design_args {
  std::string in, mask;
  bool primary = false;
  int min_mapq = 0;
  std::string reference;  // CRAM: the reference FASTA
};

void print_outcome(std::FILE* to, const job_cli& job, const std::string& db) {
  const auto& p = job.summary.progress;
  std::fprintf(to, "run %lld in %s: %s, %s, %s\n", static_cast<long long>(job.run_id), db.c_str(),
              job.resumed ? "resumed and done" : "done", core::describe_done(p).c_str(),
              core::format_duration(p.seconds).c_str());
}

int run_batch(batch_args& args) {
  if (auto s = args.resolve({{"--in", args.in}, mask_file(args.mask), {"--reference", args.reference}}); !s) return fail("batch", s.message());
  core::set_threads(args.threads);
  job_cli job{"batch", args.db, /*resume=*/true};
  if (auto s = job.open_store(); !s) return fail("batch", s.message());
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model, args.device, args.net_precision); !s) return fail("batch", s.message());

  core::batch_request request{args.in, args.mask, {}};
  request.source.alignments.primary_only = args.primary;
  request.source.alignments.min_mapq = args.min_mapq;
  request.source.alignments.reference = args.reference;
  core::batch_items items;
  data::run_record run;
  if (auto s = core::prepare_batch(model, request, args.options, items, run); !s) return fail("batch", s.message());
  warn_if_cut_short("batch", args.in);  // the whole file was read without an error

  core::constraint_tally tally;
  job.sinks.push_back(&tally);
  std::unique_ptr<data::design_sink> fasta, json;
  if (!args.out.empty()) job.sinks.push_back((fasta = std::make_unique<data::fasta_sink>(args.out)).get());
  if (args.json) job.sinks.push_back((json = std::make_unique<data::jsonl_sink>("-")).get());
  if (const int code = job.run(model, items, args.options, run); code != 0) return code;
  print_outcome(args.designs_on_stdout() ? stderr : stdout, job, args.db);  // not into the designs
  if (auto s = constraint_outcome(tally.summary); !s) return fail("batch", s.message());
  return 0;
}

}  // namespace

command_runner add_batch_command(CLI::App& cli) {
  auto args = std::make_shared<batch_args>();
  auto* sub = cli.add_subcommand("batch", "Design every masked region of every record of a file into a store; resumable");
  sub->add_option("--in", args->in, "FASTA/FASTQ (plain, gzip, bgzip), SAM, BAM or CRAM file")->required();
  sub->add_option("--mask", args->mask, "The regions: lowercase | N | bed:FILE")->required();
  sub->add_flag("--primary", args->primary, "SAM/BAM/CRAM: skip secondary and supplementary alignments");
  check_range(sub->add_option("--min-mapq", args->min_mapq, "SAM/BAM/CRAM: skip alignments with a lower MAPQ"), 0, 255);
  sub->add_option("--reference", args->reference, "CRAM: reference FASTA (else embedded or REF_PATH)");
  add_design_options(*sub, *args);
  sub->get_option("--num")->description("Variants per masked region");
  sub->get_option("--db")->required();
  // The store keeps every design's constraint report (db export --format jsonl); the --report TSV
  // compares designs with their originals, which a batch streams past and does not keep.
  sub->remove_option(sub->get_option("--report"));
  sub->get_option("--out")->description("FASTA of the designed regions (.gz: bgzip + index)");
  sub->get_option("--json")->description("One JSON object per design on stdout (the designed region)");
  return [args] { return run_batch(*args); };
}

}  // namespace dnafill::app
