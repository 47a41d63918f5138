// Helpers shared by the core tests: small FASTA files written on the fly (and tests/test_util.h).
#pragma once

#include <fstream>
#include <random>
#include <string>

#include "tests/test_util.h"

namespace dnafill::test {

inline std::string write_fasta(const std::string& path, const std::string& name, const std::string& bases) {
  std::ofstream out(path);
  out << ">" << name << "\n";
  for (std::size_t i = 0; i < bases.size(); i += 60) out << bases.substr(i, 60) << "\n";
  return path;
}

// Bases from a first-order Markov chain that prefers to repeat the last base: learnable structure.
inline std::string markov_bases(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  char last = 'A';
  for (std::size_t i = 0; i < n; ++i) {
    last = (rng() % 4 == 0) ? "ACGT"[rng() % 4] : last;
    s += last;
  }
  return s;
}

}  // namespace dnafill::test
