// SHA-256 of bytes and of files: how the store knows a model and an input file by content.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bio/status.h"

namespace dnafill::data {

// Incremental SHA-256 (FIPS 180-4). Not thread-safe; cheap to copy.
class sha256 {
 public:
  sha256();
  void update(const void* data, std::size_t size);
  std::string hex_digest();  // 64 lowercase hex digits; ends the hash (call once)

 private:
  void blocks(const unsigned char* p, std::size_t count);  // of 64 bytes each
  std::uint32_t h_[8];
  unsigned char buffer_[64];
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

std::string sha256_hex(std::string_view bytes);

// Whether blocks are hashed with the CPU's SHA extensions (x86 SHA-NI), which are used where the CPU
// has them: a 3 GB genome in a few seconds rather than about 25. Tests turn them off to check the
// portable code too; turning them on where the CPU lacks them changes nothing.
bool sha256_uses_cpu_extensions();
void set_sha256_cpu_extensions(bool on);

// Hashes a whole file, streaming. Errors: "PATH: cannot read: reason".
status sha256_file(const std::string& path, std::string& hex, std::int64_t& size);

// The same, remembered for the life of the process while the file's device, inode, size, modification
// and change times stay: the studio records a run for every design, and hashed the whole of a 3 GB
// genome for each region designed from it. A file that changes while it is hashed is
// not remembered. (Where a change must be caught whatever its times, as batch's check that its
// input is still the file it began with, sha256_file.)
status sha256_file_remembered(const std::string& path, std::string& hex, std::int64_t& size);

}  // namespace dnafill::data
