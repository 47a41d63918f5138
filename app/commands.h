// The subcommands of the `dnafill` command line, one file each; main.cpp wires them into CLI11.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace dnafill::app {

// Each add_* registers one subcommand on `cli` and returns the function that runs it after parsing;
// that function returns the process exit status (0 ok, 1 bad input or failure, 130/143 a recorded run
// cancelled by SIGINT/SIGTERM).
using command_runner = std::function<int()>;

command_runner add_info_command(CLI::App& cli);
command_runner add_train_command(CLI::App& cli);
command_runner add_score_command(CLI::App& cli);
command_runner add_view_command(CLI::App& cli);
command_runner add_infill_command(CLI::App& cli);
command_runner add_generate_command(CLI::App& cli);
command_runner add_batch_command(CLI::App& cli);
command_runner add_db_command(CLI::App& cli);

}  // namespace dnafill::app
