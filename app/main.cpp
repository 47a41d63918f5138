// dnafill: the command line. Parses, dispatches to one subcommand, turns every failure into one line.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "app/cli_parsing.h"
#include "app/commands.h"
#include "app/standard_streams.h"
#include "core/runtime.h"

namespace {

// `code`, or 1 when a command that succeeded could not write all of standard output: a full disk or a
// broken file behind it must not lose the results (or the help) without a word. (std::cout shares
// stdio's buffer: one flush tells for both.)
int output_written(CLI::App& cli, int argc, char** argv, int code) {
  errno = 0;
  std::cout.flush();
  if (code == 0 && (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout)) {
    const int error = errno;
    std::cerr << dnafill::app::command_path(cli, argc, argv) << ": standard output: cannot write: "
              << (error ? std::strerror(error) : "a write failed; the output is incomplete") << std::endl;
    return 1;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dnafill::app;
  hold_closed_standard_streams();
  // Over a file-size limit (ulimit -f) the kernel killed the process without a word (exit 153), its
  // temporary file left behind; ignored, the write fails with EFBIG and says so in one line.
  std::signal(SIGXFSZ, SIG_IGN);
  dnafill::core::choose_blas_kernels();
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
  add_value_checks(cli);
  if (const int code = check_command_words(cli, argc, argv); code != 0) return code;
  if (print_help_if_asked(cli, argc, argv)) return output_written(cli, argc, argv, 0);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return output_written(cli, argc, argv, cli.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return output_written(cli, argc, argv, cli.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return output_written(cli, argc, argv, cli.exit(e));
  } catch (const CLI::ParseError& e) {
    // One line (CLI11 would add "Run with --help ..."), pointing to the help of the command at hand.
    std::cerr << "dnafill: " << parse_problem(cli, argc, argv, e) << " (see " << command_path(cli, argc, argv) << " --help)"
              << std::endl;
    return 2;
  }
  const std::string name = cli.get_subcommands().front()->get_name();
  try {
    return output_written(cli, argc, argv, runners.at(name)());
  } catch (const std::exception& e) {
    std::cerr << "dnafill " << name << ": " << dnafill::core::describe_exception(e) << std::endl;
    return 1;
  }
}
