// dnafill: the command line. Parses, dispatches to one subcommand, turns every failure into one line.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <algorithm>
#include <map>
#include <string>

#include "app/commands.h"
#include "core/runtime.h"

namespace {

// CLI11 says only "A subcommand is required" for a mistyped one (dnafill frob, dnafill db frob): name
// it, and the choices, read from the command tree itself. 2 then, else 0.
int check_command_words(CLI::App& cli, int argc, char** argv) {
  CLI::App* app = &cli;
  std::string path = "dnafill";
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    const auto commands = app->get_subcommands([](CLI::App*) { return true; });
    if (commands.empty()) return 0;  // a positional argument of a leaf command
    const auto it = std::find_if(commands.begin(), commands.end(), [&](CLI::App* c) { return c->get_name() == argv[i]; });
    if (it == commands.end()) {
      std::string names;
      for (const auto* c : commands) names += (names.empty() ? "" : ", ") + c->get_name();
      std::cerr << path << ": unknown command '" << argv[i] << "' (" << names << "; see " << path << " --help)"
                << std::endl;
      return 2;
    }
    app = *it;
    path += " " + app->get_name();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dnafill::app;
  dnafill::core::keep_allocations_in_heap();
  CLI::App cli{"dnafill: design DNA with a masked diffusion model"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", DNAFILL_VERSION);
  std::map<std::string, command_runner> runners = {
      {"info", add_info_command(cli)},
      {"train", add_train_command(cli)},
      {"score", add_score_command(cli)},
      {"view", add_view_command(cli)},
      {"infill", add_infill_command(cli)},
      {"generate", add_generate_command(cli)},
      {"batch", add_batch_command(cli)},
      {"db", add_db_command(cli)},
  };
  if (const int code = check_command_words(cli, argc, argv); code != 0) return code;
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks required options before unknown ones, so a mistyped --in reads "--in is required":
    // name the argument it could not place instead. One line (CLI11 would add "Run with --help ...").
    const auto unplaced = cli.remaining(true);
    const bool required = dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
                          std::string(e.what()).find("subcommand") == std::string::npos;
    std::cerr << "dnafill: "
              << (required && !unplaced.empty() ? "The following argument was not expected: " + unplaced.front()
                                                : std::string(e.what()))
              << " (see dnafill --help)" << std::endl;
    return 2;
  }
  const std::string name = cli.get_subcommands().front()->get_name();
  try {
    return runners.at(name)();
  } catch (const std::exception& e) {
    std::string message = e.what();
    message = message.substr(0, message.find('\n'));  // LibTorch errors carry a backtrace
    std::cerr << "dnafill " << name << ": " << message << std::endl;
    return 1;
  }
}
