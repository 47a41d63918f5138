// Where CLI11's defaults are corrected for the dnafill command line: a mistyped command is named with
// the choices, help is printed before any check, whole numbers are decimal and in range, values are
// checked for the slips of a shell line, and refusals read in our words.
#pragma once

#include <string>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace dnafill::app {

// The command argv's leading words name ("dnafill db export"), for error lines and help pointers.
std::string command_path(CLI::App& cli, int argc, char** argv);

// CLI11 says only "A subcommand is required" for a mistyped one (dnafill frob, dnafill db frob): name
// it, and the choices, read from the command tree itself. 2 then, else 0.
int check_command_words(CLI::App& cli, int argc, char** argv);

// With -h or --help anywhere before "--", the help of the command the other words name, and nothing
// else is looked at: CLI11 checked a command's required options first (`dnafill -h generate` said
// "--length is required") and a value before the help (`score -h --mc abc`). False: no help asked.
bool print_help_if_asked(CLI::App& cli, int argc, char** argv);

// Adds to every option of `app` and of its subcommands the checks of what it is given: no value may be
// one of two slips of a shell line, an empty one (an unset $VAR: --db '' recorded nothing, with exit
// 0) or a missing one whose place the next option took (--out --json wrote a file named --json); a
// whole number is decimal and fits in 64 bits; no number holds a blank.
void add_value_checks(CLI::App& app);

// One line for a command line CLI11 refused, in our words where its own are obscure.
std::string parse_problem(CLI::App& cli, int argc, char** argv, const CLI::ParseError& e);

}  // namespace dnafill::app
