// dnafill infill: regenerate the holes of FASTA records (--region or --mask), K variants each.
#include <CLI/CLI.hpp>

#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/design_cli.h"
#include "core/runtime.h"

namespace dnafill::app {
namespace {

struct infill_args : design_args {
  std::string in, region, mask;
};

int run_infill(infill_args& args) {
  if (auto s = args.resolve(); !s) return fail("infill", s.message());
  core::set_threads(args.threads);
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model); !s) return fail("infill", s.message());
  if (auto s = args.options.validate(model.config()); !s) return fail("infill", s.message());
  std::vector<bio::sequence_record> records;
  if (auto s = read_records(args.in, records); !s) return fail("infill", s.message());
  std::vector<std::vector<bio::interval>> holes;
  if (auto s = select_holes(args.region, args.mask, records, holes); !s) return fail("infill", s.message());

  progress_bar bar("infill");
  std::vector<design_output> outputs;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (holes[i].empty()) continue;
    core::infill_request request{records[i].name, core::encode(records[i].bases), holes[i], records[i].bases};
    auto progress = [&](const core::design_event& e) {
      bar.update(static_cast<double>(e.windows_done) / std::max<std::int64_t>(1, e.windows),
                 records[i].name + " " + std::to_string(e.network_calls) + " calls");
      return true;
    };
    std::vector<core::design> designs;
    if (auto s = core::infill(model, request, args.options, designs, progress); !s)
      return fail("infill", args.in + ": " + s.message());
    for (auto& d : designs) outputs.push_back({std::move(d), records[i].bases, holes[i]});
  }
  bar.finish();
  if (auto s = write_designs(args, outputs, model.path()); !s) return fail("infill", s.message());
  return 0;
}

}  // namespace

command_runner add_infill_command(CLI::App& cli) {
  auto args = std::make_shared<infill_args>();
  auto* sub = cli.add_subcommand("infill", "Regenerate masked regions of FASTA records with the model");
  sub->add_option("--in", args->in, "FASTA file (plain, gzip or bgzip)")->required();
  sub->add_option("--region", args->region, "The hole: NAME:START-END (1-based inclusive)");
  sub->add_option("--mask", args->mask, "The holes: lowercase | N | bed:FILE");
  add_design_options(*sub, *args);
  return [args] { return run_infill(*args); };
}

}  // namespace dnafill::app
