// dnafill: the command line. Parses, dispatches to one subcommand, turns every failure into one line.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "app/commands.h"
#include "core/runtime.h"

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
  // CLI11 says only "A subcommand is required" for a mistyped one; name it, and the choices.
  if (argc > 1 && argv[1][0] != '-' && runners.count(argv[1]) == 0) {
    std::cerr << "dnafill: unknown command '" << argv[1]
              << "' (info, train, score, view, infill, generate, batch, db; see dnafill --help)" << std::endl;
    return 2;
  }
  const std::set<std::string> db_commands = {"list", "show", "export", "migrate"};
  if (argc > 2 && std::string(argv[1]) == "db" && argv[2][0] != '-' && db_commands.count(argv[2]) == 0) {
    std::cerr << "dnafill db: unknown command '" << argv[2] << "' (list, show, export, migrate)" << std::endl;
    return 2;
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 would add a second line ("Run with --help ..."); errors here are one line.
    std::cerr << "dnafill: " << e.what() << " (see dnafill --help)" << std::endl;
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
