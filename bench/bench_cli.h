// What the benchmarks' command lines share: --help prints the usage, an unknown option or a missing
// value ends the program with one line and exit status 2 (a typo must not start a long default run).
#pragma once

#include <cerrno>
#include <cmath>
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

// A whole number in [lo, hi], written in decimal digits (a '-' before negatives) and nothing else, or
// the end of the program: atoi read "abc" as 0 and "3x" as 3, and std::stoi threw (an abort) on "abc".
inline long long whole_number(const char* program, const std::string& option, const std::string& text, long long lo,
                              long long hi) {
  const std::size_t first = !text.empty() && text[0] == '-' ? 1 : 0;
  bool ok = text.size() > first && text.find_first_not_of("0123456789", first) == std::string::npos;
  long long value = 0;
  if (ok) {
    errno = 0;
    value = std::strtoll(text.c_str(), nullptr, 10);
    ok = errno == 0 && value >= lo && value <= hi;
  }
  if (!ok)
    refuse_option(program, option,
                  ("must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + text + "'").c_str());
  return value;
}

// A finite decimal number in (lo, hi] (or [lo, hi] when lo is taken), or the end of the program: no
// hex, inf or nan, which atof took.
inline double real_number(const char* program, const std::string& option, const std::string& text, double lo, double hi,
                          bool lo_taken) {
  bool ok = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  double value = 0;
  if (ok) {
    char* end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    ok = errno == 0 && end == text.c_str() + text.size() && std::isfinite(value) && (lo_taken ? value >= lo : value > lo) &&
         value <= hi;
  }
  if (!ok) {
    char range[96];
    std::snprintf(range, sizeof range, "must be a number in %s%g, %g], got '", lo_taken ? "[" : "(", lo, hi);
    refuse_option(program, option, (range + text + "'").c_str());
  }
  return value;
}

}  // namespace dnafill::bench
