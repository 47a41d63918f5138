// Helpers every test program shares: a scratch folder removed at the end, reading and writing a file
// whole, and the path of a file in tests/data (DNAFILL_TEST_DATA, which each test program defines).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace dnafill::test {

// A fresh folder under the system temp dir, deleted with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dnafill-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();  // test environment broken, not input
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Writes `content` byte for byte and returns the path.
  std::string write(const std::string& name, const std::string& content) const;

  std::vector<std::string> listing() const {  // the names in it, sorted
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

// The file's bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `content` byte for byte over whatever `path` held; returns the path.
inline std::string write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

inline std::string temp_dir::write(const std::string& name, const std::string& content) const {
  return write_file(file(name), content);
}

inline std::string data_file(const std::string& name) { return std::string(DNAFILL_TEST_DATA) + "/" + name; }

}  // namespace dnafill::test
