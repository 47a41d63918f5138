// `dnafill view`: prints what dnafill reads from any supported file, as FASTA on stdout.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.h"
#include "app/common.h"
#include "bio/fasta_writer.h"
#include "bio/sequence_source.h"

namespace dnafill::app {
namespace {

struct view_params {
  std::string in;                 // FASTA, FASTQ, SAM, BAM or CRAM; "-" for stdin (FASTA/FASTQ)
  std::string region;             // samtools-style NAME[:START[-END]]
  bool primary = false;           // alignments: primary only
  int min_mapq = 0;               // alignments: minimum MAPQ
  std::string reference;          // CRAM reference FASTA
  std::size_t line_width = 60;    // 0: one line per sequence
};

int fail(const std::string& message) { return app::fail("view", message); }

int run_view(const view_params& p) {
  bio::source_options options;
  options.region = p.region;
  options.alignments.primary_only = p.primary;
  options.alignments.min_mapq = p.min_mapq;
  options.alignments.reference = p.reference;
  bio::sequence_source source;
  if (status s = source.open(p.in, options); !s) return fail(s.message());
  bio::fasta_writer out;
  if (status s = out.open("-", bio::fasta_writer_options{p.line_width}); !s) return fail(s.message());
  bio::sequence_record record;
  std::int64_t written = 0;
  while (source.next(record)) {
    if (status s = out.write(record); !s) return fail(s.message());
    written += 1;
  }
  // Flush what was read before reporting a later error: the output shows how far reading got.
  const status closed = out.close();
  if (!source.error().ok()) return fail(source.error().message());
  if (!closed.ok()) return fail(closed.message());
  warn_if_cut_short("view", p.in);  // after a clean read only: an error is one line
  if (const auto index = source.older_index(); !index.empty())
    std::fprintf(stderr, "dnafill view: warning: %s is older than %s and may be of an earlier version of it: the "
                 "region was read through the whole file (rebuild the index with samtools index, or touch it if it "
                 "is current)\n", index.c_str(), p.in.c_str());
  // As samtools view, nothing is not an error; but filters that drop every read are said, not left
  // to a blank screen (batch, which would design nothing, refuses them). A region without a read is
  // no filter's doing.
  if (written == 0 && source.filtered_out() > 0)
    std::fprintf(stderr, "dnafill view: warning: no read of %s%s passes %s\n", p.in.c_str(),
                 p.region.empty() ? "" : (" in " + p.region).c_str(), bio::filter_options_text(options.alignments).c_str());
  return 0;
}

}  // namespace

command_runner add_view_command(CLI::App& cli) {
  auto params = std::make_shared<view_params>();
  CLI::App* view = cli.add_subcommand("view", "Print the sequences dnafill reads from a file, as FASTA on stdout");
  view->add_option("--in", params->in, "FASTA/FASTQ (plain, gzip, bgzip), SAM, BAM or CRAM; - for stdin")->required();
  view->add_option("--region", params->region, "NAME:START-END, 1-based inclusive (samtools syntax)");
  view->add_flag("--primary", params->primary, "SAM/BAM/CRAM: primary alignments only");
  check_range(view->add_option("--min-mapq", params->min_mapq, "SAM/BAM/CRAM: minimum mapping quality"), 0, 255);
  view->add_option("--reference", params->reference, "CRAM: reference FASTA (else embedded or REF_PATH)");
  check_range(view->add_option("--line-width", params->line_width, "bases per output line, 0 for one line"), 0, 1e9)
      ->capture_default_str();
  return [params] { return run_view(*params); };  // an empty --region is the command line's error (main)
}

}  // namespace dnafill::app
