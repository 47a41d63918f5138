// Helpers shared by the core tests: a scratch directory and small FASTA files written on the fly.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace dnafill::test {

// A fresh directory under /tmp, removed at exit of the object.
class scratch_dir {
 public:
  scratch_dir() {
    char pattern[] = "/tmp/dnafill-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~scratch_dir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::vector<std::string> listing() const {  // the names in it, sorted
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

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
