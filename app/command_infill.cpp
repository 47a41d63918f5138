// dnafill infill: regenerate the holes of FASTA records (--region or --mask), K variants each.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/design_cli.h"
#include "app/job_cli.h"
#include "core/runtime.h"

namespace dnafill::app {
namespace {

struct infill_args : design_args {
  std::string in, region, mask;
};

// One item per record with holes: all its holes designed together, as region 0 of that record, from
// the record's own seed (core::record_seed, by its number in the file).
std::vector<core::job_item> record_items(const masked_records& in, std::uint64_t seed) {
  std::vector<core::job_item> items;
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    if (in.holes[i].empty()) continue;
    const std::int64_t number = in.numbers[i];
    items.push_back({{number, 0}, in.records[i].name, in.records[i].bases, 0, in.holes[i], core::record_seed(seed, number)});
  }
  return items;
}

// The output holds designs only: a record --mask leaves no hole in is not in it, which a user
// expecting the whole file back is told. (--region names one record: the others go without saying.)
void note_records_without_holes(const infill_args& args, const masked_records& in) {
  if (args.mask.empty()) return;
  std::size_t without = 0, first = 0;
  for (std::size_t i = 0; i < in.records.size(); ++i)
    if (in.holes[i].empty() && without++ == 0) first = i;
  if (without == 0) return;
  std::cerr << "dnafill infill: note: " << without << " of " << in.records.size() << " records of " << args.in
            << " have no hole under --mask " << args.mask << " and are not in the output (the first: record "
            << first + 1 << ", '" << printable(in.records[first].name) << "')" << std::endl;
}

int run_infill(infill_args& args) {
  if (auto s = args.resolve({{"--in", args.in}, mask_file(args.mask)}); !s) return fail("infill", s.message());
  core::set_threads(args.threads);
  job_cli job{"infill", args.db};
  if (auto s = job.open_store(); !s) return fail("infill", s.message());
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model, args.device, args.net_precision); !s) return fail("infill", s.message());
  if (auto s = args.options.validate(model); !s) return fail("infill", s.message());
  masked_records input;
  if (auto s = read_masked_records(args.region, args.mask, args.in, input); !s) return fail("infill", s.message());
  note_records_without_holes(args, input);

  data::run_record run;
  const nlohmann::json extra = {{"region", args.region}, {"mask", args.mask}};
  if (!args.db.empty())
    if (auto s = core::make_run_record(model, "infill", args.options, extra, args.in, run); !s) return fail("infill", s.message());
  core::item_list items(record_items(input, args.options.sampler.seed), input.in_file, args.options.variants);
  data::memory_sink designs;
  job.sinks = {&designs};
  if (const int code = job.run(model, items, args.options, run); code != 0) return code;
  std::vector<design_output> outputs;
  for (auto& d : designs.designs) {
    const auto* original = &input.record(d.record_index).bases;
    outputs.push_back({std::move(d), original});
  }
  if (auto s = write_designs(args, outputs, model.path()); !s) return fail("infill", s.message() + job.kept_note(false));
  return 0;
}

}  // namespace

command_runner add_infill_command(CLI::App& cli) {
  auto args = std::make_shared<infill_args>();
  auto* sub = cli.add_subcommand("infill", "Regenerate masked regions of FASTA records with the model");
  sub->add_option("--in", args->in, "FASTA or FASTQ file (plain, gzip or bgzip)")->required();
  auto* region = sub->add_option("--region", args->region, "The hole: NAME:START-END (1-based inclusive)");
  region->excludes(sub->add_option("--mask", args->mask, "The holes: lowercase | N | bed:FILE"));
  add_design_options(*sub, *args);
  return [args] { return run_infill(*args); };
}

}  // namespace dnafill::app
