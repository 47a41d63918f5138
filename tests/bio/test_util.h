// Helpers for the bio tests: a scratch folder removed at the end, and small file writers.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace dnafill::bio::test {

// A fresh folder under the system temp dir, deleted with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dnafill-bio-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();  // test environment broken, not input
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Writes `content` byte for byte and returns the path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string data_file(const std::string& name) { return std::string(DNAFILL_TEST_DATA) + "/" + name; }

}  // namespace dnafill::bio::test
