// What the benchmarks' command lines share: --help prints the usage, an unknown option or a missing
// value ends the program with one line and exit status 2 (a typo must not start a long default run).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dnafill::bench {

// Prints `usage` and exits 0 when argv holds --help or -h.
inline void exit_on_help(int argc, char** argv, const char* usage) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(usage, stdout);
      std::exit(0);
    }
}

[[noreturn]] inline void refuse_option(const char* program, const std::string& option, const char* why) {
  std::fprintf(stderr, "%s: %s: %s (see %s --help)\n", program, option.c_str(), why, program);
  std::exit(2);
}

// The value after argv[i], or the end of the program when there is none.
inline std::string value_of(int argc, char** argv, int& i, const char* program) {
  if (i + 1 >= argc) refuse_option(program, argv[i], "needs a value");
  return argv[++i];
}

}  // namespace dnafill::bench
