// bench_sha256: how fast the store hashes an input file, with the CPU's SHA extensions and with the
// portable code, in one run on one machine. Every run recorded in a store (--db, and every design in
// the studio) hashes its whole input, so a genome's hash is paid once per run.
//
// usage: bench_sha256 [FILE]    (without a file: 512 MB of varied bytes in memory)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "data/sha256.h"

using namespace dnafill;

namespace {

struct timing {
  std::string hex;
  double seconds = 0.0;
  std::int64_t bytes = 0;
};

bool hash(const std::string& path, const std::string& bytes, timing& t) {
  const auto start = std::chrono::steady_clock::now();
  if (path.empty()) {
    t.hex = data::sha256_hex(bytes);
    t.bytes = static_cast<std::int64_t>(bytes.size());
  } else if (auto s = data::sha256_file(path, t.hex, t.bytes); !s) {
    std::fprintf(stderr, "bench_sha256: %s\n", s.message().c_str());
    return false;
  }
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: bench_sha256 [FILE]\n");
    return 2;
  }
  const std::string path = argc == 2 ? argv[1] : "";
  std::string bytes;
  if (path.empty()) {
    bytes.resize(std::size_t{512} << 20);
    std::uint32_t x = 1;
    for (auto& c : bytes) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  } else {
    timing warm;  // the file into the page cache, so that both codes read it from memory
    data::set_sha256_cpu_extensions(false);
    if (!hash(path, bytes, warm)) return 1;
  }
  timing with, without;
  data::set_sha256_cpu_extensions(true);
  const bool extensions = data::sha256_uses_cpu_extensions();
  if (!hash(path, bytes, with)) return 1;
  data::set_sha256_cpu_extensions(false);
  if (!hash(path, bytes, without)) return 1;
  const auto rate = [](const timing& t) { return static_cast<double>(t.bytes) / t.seconds / 1e6; };
  std::printf("%s: %lld bytes\n", path.empty() ? "512 MB in memory" : path.c_str(), static_cast<long long>(with.bytes));
  std::printf("  SHA extensions %-9s %7.2f s  %7.0f MB/s\n", extensions ? "(SHA-NI)" : "(absent)", with.seconds, rate(with));
  std::printf("  portable code            %7.2f s  %7.0f MB/s\n", without.seconds, rate(without));
  std::printf("  ratio %.2fx, digests %s\n", without.seconds / with.seconds, with.hex == without.hex ? "equal" : "DIFFER");
  return with.hex == without.hex ? 0 : 1;
}
