// Where CLI11's defaults are corrected: mistyped commands named, help before any check, whole numbers
// read as decimal and in range, values checked for the slips of a shell line, and refusals in our words.
#include "app/cli_parsing.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace dnafill::app {
namespace {

// How far argv's leading words go down the command tree: the command they reach, its path ("dnafill
// db"), and the first word that names none of that command's subcommands (null when none did).
struct command_words {
  CLI::App* command;
  std::string path;
  const char* unknown = nullptr;
};

command_words follow_command_words(CLI::App& cli, int argc, char** argv) {
  command_words w{&cli, "dnafill"};
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    const auto commands = w.command->get_subcommands([](CLI::App*) { return true; });
    if (commands.empty()) break;  // a positional argument of a leaf command
    const auto it = std::find_if(commands.begin(), commands.end(), [&](CLI::App* c) { return c->get_name() == argv[i]; });
    if (it == commands.end()) {
      w.unknown = argv[i];
      break;
    }
    w.command = *it;
    w.path += " " + w.command->get_name();
  }
  return w;
}

// CLI11 reads whole numbers with base 0 and without a range check: "010" was the octal 8, "0x10" 16,
// digits past 64 bits the largest number (--steps 99999999999999999999 trained on), and "-1" an
// unsigned 2^64-1. A whole number here is decimal and fits in 64 bits. (32-bit options: CLI11 itself
// refuses what does not fit; seeds, typed UINT:SEED, have check_seed.)
// Returns CLI11's error text: empty when the value is fine.
std::string whole_number_problem(const std::string& value, bool is_unsigned) {
  const std::size_t sign = !value.empty() && (value[0] == '-' || value[0] == '+') ? 1 : 0;
  if (value.size() == sign || value.find_first_not_of("0123456789", sign) != std::string::npos)
    return "'" + value + "' is not a whole number";
  errno = 0;
  if (is_unsigned) (void)std::strtoull(value.c_str() + sign, nullptr, 10);
  else (void)std::strtoll(value.c_str(), nullptr, 10);
  if (errno == ERANGE || (is_unsigned && value[0] == '-' && value.find_first_not_of('0', 1) != std::string::npos))
    return "'" + value + "' is out of range";
  return {};
}

// Leading zeros of decimal digits dropped, so that CLI11 reads "010" as 10. Returns CLI11's error
// text, empty: never an error.
std::string without_leading_zeros(std::string& value) {
  const std::size_t sign = !value.empty() && (value[0] == '-' || value[0] == '+') ? 1 : 0;
  if (value.size() > sign + 1 && value.find_first_not_of("0123456789", sign) == std::string::npos) {
    const std::size_t first = value.find_first_not_of('0', sign);
    value.erase(sign, (first == std::string::npos ? value.size() - 1 : first) - sign);
  }
  return {};
}

// "a whole number" or "a number", from the type CLI11 gave the option (or positional) called name in
// the command at hand: INT, UINT, FLOAT...
std::string number_kind(CLI::App& cli, int argc, char** argv, const std::string& name) {
  const CLI::App* command = follow_command_words(cli, argc, argv).command;
  for (const CLI::Option* option : command->get_options()) {
    if (option->get_name() != name && !option->check_name(name)) continue;
    const std::string type = option->get_type_name();
    return type.find("INT") != std::string::npos ? "a whole number" : "a number";
  }
  return "a number";
}

}  // namespace

std::string command_path(CLI::App& cli, int argc, char** argv) { return follow_command_words(cli, argc, argv).path; }

int check_command_words(CLI::App& cli, int argc, char** argv) {
  const auto w = follow_command_words(cli, argc, argv);
  if (!w.unknown) return 0;
  std::string names;
  for (const auto* c : w.command->get_subcommands([](CLI::App*) { return true; }))
    names += (names.empty() ? "" : ", ") + c->get_name();
  std::cerr << w.path << ": unknown command '" << w.unknown << "' (" << names << "; see " << w.path << " --help)"
            << std::endl;
  return 2;
}

bool print_help_if_asked(CLI::App& cli, int argc, char** argv) {
  std::vector<char*> words;
  bool asked = false, value_next = false;  // the word after an option that takes one is its value
  for (int i = 0; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    const bool is_value = value_next;
    value_next = false;
    if (i > 0 && !is_value && (word == "-h" || word == "--help")) {
      asked = true;
      continue;
    }
    words.push_back(argv[i]);
    if (!is_value && word.size() > 1 && word[0] == '-' && word.find('=') == std::string::npos) {
      const CLI::App* command = follow_command_words(cli, static_cast<int>(words.size()), words.data()).command;
      for (; command && !value_next; command = command->get_parent())
        for (const CLI::Option* option : command->get_options())
          if (option->check_name(word) && option->get_type_size() != 0) value_next = true;
    }
  }
  if (!asked) return false;
  const auto w = follow_command_words(cli, static_cast<int>(words.size()), words.data());
  // "Usage: PROGRAM db export [OPTIONS]", as CLI11 writes it after a parse: the program, then the words
  // before the command.
  if (cli.get_name().empty()) cli.name(argv[0]);
  std::string before = cli.get_name();
  for (const CLI::App* c = w.command->get_parent(); c && c != &cli; c = c->get_parent()) before.insert(cli.get_name().size(), " " + c->get_name());
  std::cout << (w.command == &cli ? cli.help() : w.command->help(before));
  return true;
}

void add_value_checks(CLI::App& app) {
  for (CLI::Option* option : app.get_options([](CLI::Option* o) { return o->get_type_size_max() > 0; }))
    option->check(CLI::Validator(
        [](std::string& value) -> std::string {
          if (value.empty()) return "an empty value";
          if (value.rfind("--", 0) == 0) return "needs a value (the next option, " + value + ", took its place)";
          return {};
        },
        ""));
  for (CLI::Option* option : app.get_options([](CLI::Option* o) { return o->get_type_name() == "INT" || o->get_type_name() == "UINT"; }))
  {
    // The transform runs before the option's own checks, the check after them (a range said first).
    option->transform(CLI::Validator(without_leading_zeros, ""));
    option->check(CLI::Validator(
        [is_unsigned = option->get_type_name() == "UINT"](std::string& value) {
          return whole_number_problem(value, is_unsigned);
        },
        ""));
  }
  // CLI11 reads a real number with strtod, which skips leading blanks but not trailing ones: ' 0.5'
  // was taken and '0.5 ' refused, as out of range where the option has one. No number takes a blank;
  // a transform, so that it is said before any range.
  for (CLI::Option* option : app.get_options([](CLI::Option* o) {
         const std::string type = o->get_type_name();
         return type == "FLOAT" || type == "INT" || type == "UINT";
       })) {
    const std::string kind = option->get_type_name() == "FLOAT" ? "a number" : "a whole number";
    option->transform(CLI::Validator(
        [kind](std::string& value) -> std::string {
          if (value.find_first_of(" \t\n\v\f\r") != std::string::npos) return "'" + value + "' is not " + kind;
          return {};
        },
        ""));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) add_value_checks(*sub);
}

std::string parse_problem(CLI::App& cli, int argc, char** argv, const CLI::ParseError& e) {
  const std::string what = e.what();
  // CLI11 checks required options before unknown ones, so a mistyped --in reads "--in is required":
  // name the argument it could not place instead.
  const auto unplaced = cli.remaining(true);
  if (dynamic_cast<const CLI::RequiredError*>(&e) && what.find("subcommand") == std::string::npos && !unplaced.empty())
    return "The following argument was not expected: " + unplaced.front();
  // CLI11 lists the arguments it could not place last first ("1 --threads"): in the line's order here.
  if (dynamic_cast<const CLI::ExtrasError*>(&e) && !unplaced.empty()) {
    std::multiset<std::string> left(unplaced.begin(), unplaced.end());
    std::string listed;
    for (int i = 1; i < argc; ++i)
      if (const auto it = left.find(argv[i]); it != left.end()) {
        listed += (listed.empty() ? "" : " ") + *it;
        left.erase(it);
      }
    return std::string(unplaced.size() == 1 ? "The following argument was" : "The following arguments were") +
           " not expected: " + listed;
  }
  // "--num: At Most 1 required but received 2": an option given twice.
  const std::string twice = ": At Most 1 required but received ";
  if (const auto at = what.find(twice); dynamic_cast<const CLI::ArgumentMismatch*>(&e) && at != std::string::npos)
    return what.substr(0, at) + ": given " + what.substr(at + twice.size()) + " times; it takes one value";
  // "--in: 1 required TEXT missing": an option at the end of the line without its value.
  if (const auto at = what.find(": 1 required "); at != std::string::npos && what.size() > 8 &&
                                                  what.compare(what.size() - 8, 8, " missing") == 0)
    return what.substr(0, at) + ": needs a value";
  // "Could not convert: --num = 3.5": say what kind of number the option takes (INT or FLOAT in --help).
  const std::string convert = "Could not convert: ";
  if (const auto eq = what.find(" = "); dynamic_cast<const CLI::ConversionError*>(&e) && what.rfind(convert, 0) == 0 &&
                                       eq != std::string::npos) {
    const std::string name = what.substr(convert.size(), eq - convert.size()), value = what.substr(eq + 3);
    const std::string kind = number_kind(cli, argc, argv, name);
    // Digits that do not fit the option's type are a whole number, but out of its range.
    const std::size_t sign = !value.empty() && (value[0] == '-' || value[0] == '+') ? 1 : 0;
    if (kind == "a whole number" && value.size() > sign && value.find_first_not_of("0123456789", sign) == std::string::npos)
      return name + ": '" + value + "' is out of range";
    return name + ": '" + value + "' is not " + kind;
  }
  return what;
}

}  // namespace dnafill::app
