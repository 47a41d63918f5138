// The zip's end-of-central-directory record (zip64 where the sizes need it), its central directory,
// then each stored member's bytes through zlib's crc32.
#include "core/zip_check.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <vector>

namespace dnafill::core {
namespace {

std::uint64_t little(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

bool read_at(std::ifstream& in, std::uint64_t offset, std::size_t size, std::vector<unsigned char>& out) {
  out.resize(size);
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  return static_cast<bool>(in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size)));
}

struct member {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t size = 0, header = 0;
  int method = 0;
};

// The central directory: where it is and how many entries, from the (zip64) end record.
bool find_directory(std::ifstream& in, std::uint64_t file_size, std::uint64_t& offset, std::uint64_t& entries) {
  const std::uint64_t tail = std::min<std::uint64_t>(file_size, 65536 + 22);
  std::vector<unsigned char> b;
  if (!read_at(in, file_size - tail, tail, b)) return false;
  for (std::size_t at = b.size() >= 22 ? b.size() - 22 : 0; at + 22 <= b.size(); --at) {
    if (little(&b[at], 4) == 0x06054b50) {
      entries = little(&b[at + 10], 2);
      offset = little(&b[at + 16], 4);
      if ((entries == 0xffff || offset == 0xffffffff) && at >= 20 && little(&b[at - 20], 4) == 0x07064b50) {
        std::vector<unsigned char> z;
        if (!read_at(in, little(&b[at - 20 + 8], 8), 56, z) || little(&z[0], 4) != 0x06064b50) return false;
        entries = little(&z[32], 8);
        offset = little(&z[48], 8);
      }
      return offset < file_size;
    }
    if (at == 0) break;
  }
  return false;
}

bool read_directory(std::ifstream& in, std::uint64_t offset, std::uint64_t entries, std::vector<member>& out) {
  std::vector<unsigned char> h, rest;
  for (std::uint64_t i = 0; i < entries; ++i) {
    if (!read_at(in, offset, 46, h) || little(&h[0], 4) != 0x02014b50) return false;
    member m;
    m.method = static_cast<int>(little(&h[10], 2));
    m.crc = static_cast<std::uint32_t>(little(&h[16], 4));
    m.size = little(&h[20], 4);
    m.header = little(&h[42], 4);
    const auto name = little(&h[28], 2), extra = little(&h[30], 2), comment = little(&h[32], 2);
    if (!read_at(in, offset + 46, name + extra, rest)) return false;
    m.name.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(name));
    // Zip64: the sizes and offset that did not fit 32 bits, in this order, in extra field 0x0001.
    for (std::size_t at = name; at + 4 <= rest.size();) {
      const auto id = little(&rest[at], 2), length = little(&rest[at + 2], 2);
      if (id == 0x0001) {
        std::size_t field = at + 4;
        if (little(&h[24], 4) == 0xffffffff) field += 8;  // the uncompressed size comes first
        if (m.size == 0xffffffff && field + 8 <= rest.size()) m.size = little(&rest[field], 8), field += 8;
        if (m.header == 0xffffffff && field + 8 <= rest.size()) m.header = little(&rest[field], 8);
      }
      at += 4 + length;
    }
    out.push_back(std::move(m));
    offset += 46 + name + extra + comment;
  }
  return true;
}

}  // namespace

std::string zip_crc_mismatch(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  std::uint64_t offset = 0, entries = 0;
  std::vector<member> members;
  if (!find_directory(in, file_size, offset, entries) || !read_directory(in, offset, entries, members)) return {};
  std::vector<unsigned char> h, chunk;
  for (const auto& m : members) {
    if (m.method != 0) continue;
    if (!read_at(in, m.header, 30, h) || little(&h[0], 4) != 0x04034b50) return {};
    std::uint64_t at = m.header + 30 + little(&h[26], 2) + little(&h[28], 2), left = m.size;
    if (at + left > file_size) return m.name;
    uLong crc = crc32(0L, Z_NULL, 0);
    while (left > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 20));
      if (!read_at(in, at, n, chunk)) return m.name;
      crc = crc32(crc, chunk.data(), static_cast<uInt>(n));
      at += n;
      left -= n;
    }
    if (static_cast<std::uint32_t>(crc) != m.crc) return m.name;
  }
  return {};
}

}  // namespace dnafill::core
