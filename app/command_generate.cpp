// dnafill generate: new sequence of any length, block by block, optionally continuing a given prefix.
#include <CLI/CLI.hpp>

#include <map>
#include <memory>

#include "app/commands.h"
#include "app/common.h"
#include "app/design_cli.h"
#include "app/job_cli.h"
#include "bio/fasta.h"
#include "bio/region.h"
#include "core/job.h"
#include "core/run_parameters.h"
#include "core/runtime.h"
#include "data/text_sinks.h"

namespace dnafill::app {
namespace {

struct generate_args : design_args {
  std::int64_t length = 0;
  std::string prefix, name = "generated";
};

// `text` as one word of a shell command line: in single quotes, a quote in it written '\''. Bytes
// as they are (a name in UTF-8 stays the file's name); control bytes as \xNN, to keep one line.
std::string shell_word(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += "'\\''";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += printable(std::string(1, c));
    else out += c;
  }
  return out + "'";
}

// The bases of --prefix, a FASTA file of one record. A second record is refused (which one to continue
// is not for us to guess) as soon as it is read, not after a genome's worth of records.
status read_prefix(const std::string& path, std::string& bases) {
  bio::fasta_reader reader;
  if (auto s = reader.open(path); !s) return s;
  bio::sequence_record first, second;
  if (!reader.next(first)) return reader.error();
  if (reader.next(second)) {
    // The way out is shown only where it works: a region cannot name a record whose name is used twice.
    const std::string way_out = first.name == second.name ? "" : " (dnafill view --in " + shell_word(path) + " --region " +
                                                                   shell_word(bio::region_text({first.name})) +
                                                                   " > one.fa writes the first)";
    return status::fail(path + " holds more than one record ('" + printable(first.name) + "', '" + printable(second.name) +
                        "', ...); generate continues one: give a file of one record" + way_out);
  }
  if (!reader.error()) return reader.error();
  bases = std::move(first.bases);
  return {};
}

int run_generate(generate_args& args) {
  if (auto s = args.resolve({{"--prefix", args.prefix}}); !s) return fail("generate", s.message());
  // Guidance contrasts the model with and without what is given: the prefix's bases, or the label.
  if (args.options.sampler.guidance > 0 && args.prefix.empty() && args.options.label.empty())
    return fail("generate", "--guidance: contrasts the model with and without the given bases (--prefix) or --label, "
                            "and this run has neither: it would change nothing");
  if (args.length < 1 || args.length > core::longest_generated)
    return fail("generate", "--length: must be in 1.." + std::to_string(core::longest_generated) +
                                " (longer: continue a piece with --prefix), got " + std::to_string(args.length));
  if (!data::is_new_record_name(args.name))
    return fail("generate", "--name: must be one word of printable characters without '|' or '>'");
  core::set_threads(args.threads);
  job_cli job{"generate", args.db};
  if (auto s = job.open_store(); !s) return fail("generate", s.message());
  core::mdm_model model;
  if (auto s = load_model_option(args.model, model, args.device, args.net_precision); !s) return fail("generate", s.message());
  if (auto s = args.options.validate(model); !s) return fail("generate", s.message());
  std::string prefix;
  if (!args.prefix.empty())
    if (auto s = read_prefix(args.prefix, prefix); !s) return fail("generate", "--prefix: " + s.message());

  // The record is the prefix followed by `length` unknown bases: generating is infilling its tail.
  const std::string record = prefix + std::string(static_cast<std::size_t>(args.length), 'N');
  const auto start = static_cast<std::int64_t>(prefix.size());
  core::item_list items({{{0, 0}, args.name, record, 0, {{start, start + args.length}}, args.options.sampler.seed}}, 1,
                        args.options.variants);
  data::run_record run;
  if (!args.db.empty())
    if (auto s = core::make_run_record(model, "generate", args.options, core::generate_parameters(args.length, args.name),
                                       args.prefix, run);
        !s)
      return fail("generate", s.message());
  data::memory_sink designs;
  job.sinks = {&designs};
  if (const int code = job.run(model, items, args.options, run); code != 0) return code;
  std::vector<design_output> outputs;
  for (auto& d : designs.designs) outputs.push_back({std::move(d), &prefix});
  if (auto s = write_designs(args, outputs, model.path()); !s) return fail("generate", s.message() + job.kept_note(false));
  return 0;
}

}  // namespace

command_runner add_generate_command(CLI::App& cli) {
  auto args = std::make_shared<generate_args>();
  auto* sub = cli.add_subcommand("generate", "Generate new sequence of any length with the model");
  sub->add_option("--length", args->length, "Bases to generate")->required();
  sub->add_option("--prefix", args->prefix, "FASTA file of one record, which the new bases continue");
  sub->add_option("--name", args->name, "Record name of the designs")->capture_default_str();
  add_design_options(*sub, *args);
  return [args] { return run_generate(*args); };
}

}  // namespace dnafill::app
