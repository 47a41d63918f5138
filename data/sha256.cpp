// SHA-256 as FIPS 180-4 gives it; checked against the standard's test vectors (tests/store).
#include "data/sha256.h"

#include <sys/stat.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define DNAFILL_SHA_NI 1
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

namespace dnafill::data {
namespace {

constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

sha256::sha256()
    : h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

namespace {

// One 64-byte block into the state, as FIPS 180-4 writes it.
void portable_block(std::uint32_t state[8], const unsigned char* p) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = std::uint32_t(p[4 * i]) << 24 | std::uint32_t(p[4 * i + 1]) << 16 | std::uint32_t(p[4 * i + 2]) << 8 |
           std::uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    const auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; ++i) {
    const auto t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + round_constants[i] + w[i];
    const auto t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a, state[1] += b, state[2] += c, state[3] += d, state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

#ifdef DNAFILL_SHA_NI
bool cpu_has_sha_ni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1)) return false;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

// The same blocks with the SHA extensions. The state is kept as the instructions want it, the words
// (a, b, e, f) in one register and (c, d, g, h) in the other; each step of the loop does four rounds,
// and from the fifth on first makes the next four words of the message schedule from the last
// sixteen (msg1 and msg2 compute the sigma terms, the alignr the W[t-7] term).
__attribute__((target("sha,sse4.1,ssse3"))) void sha_ni_blocks(std::uint32_t h[8], const unsigned char* p,
                                                                std::size_t count) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  const __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)), 0xB1);  // c d a b
  const __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4)), 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);
  __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xF0);
  for (; count > 0; --count, p += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    __m128i w[4];  // w[i % 4]: message words 4i..4i+3
    for (int j = 0; j < 4; ++j)
      w[j] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * j)), byte_swap);
    for (int i = 0; i < 16; ++i) {
      if (i >= 4) {  // words 4i.. from those of steps i-4 (in w[i % 4]), i-3, i-2 and i-1
        const __m128i sigma0 = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
        const __m128i t7 = _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4);
        w[i % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(sigma0, t7), w[(i + 3) % 4]);
      }
      __m128i wk = _mm_add_epi32(w[i % 4], _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_constants + 4 * i)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      wk = _mm_shuffle_epi32(wk, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

const bool cpu_extensions_present = cpu_has_sha_ni();
#else
const bool cpu_extensions_present = false;
#endif

std::atomic<bool> cpu_extensions_on{true};

}  // namespace

bool sha256_uses_cpu_extensions() { return cpu_extensions_present && cpu_extensions_on; }
void set_sha256_cpu_extensions(bool on) { cpu_extensions_on = on; }

void sha256::blocks(const unsigned char* p, std::size_t count) {
#ifdef DNAFILL_SHA_NI
  if (sha256_uses_cpu_extensions()) return sha_ni_blocks(h_, p, count);
#endif
  for (; count > 0; --count, p += 64) portable_block(h_, p);
}

void sha256::update(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  length_ += size;
  if (buffered_ > 0) {
    const std::size_t take = std::min(size, sizeof buffer_ - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take, p += take, size -= take;
    if (buffered_ < sizeof buffer_) return;
    blocks(buffer_, 1);
    buffered_ = 0;
  }
  blocks(p, size / 64);
  p += size / 64 * 64;
  size %= 64;
  std::memcpy(buffer_, p, size);
  buffered_ = size;
}

std::string sha256::hex_digest() {
  const std::uint64_t bits = length_ * 8;
  const unsigned char one = 0x80, zero = 0;
  update(&one, 1);
  while (buffered_ != 56) update(&zero, 1);
  unsigned char tail[8];
  for (int i = 0; i < 8; ++i) tail[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  update(tail, 8);
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (auto word : h_)
    for (int shift = 28; shift >= 0; shift -= 4) hex += digits[(word >> shift) & 0xf];
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hex_digest();
}

status sha256_file(const std::string& path, std::string& hex, std::int64_t& size) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return status::fail(path + ": cannot read: " + std::strerror(errno ? errno : EIO));
  sha256 h;
  std::vector<char> buffer(1 << 20);
  size = 0;
  for (;;) {
    const auto n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    h.update(buffer.data(), n);
    size += static_cast<std::int64_t>(n);
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get())) return status::fail(path + ": cannot read: " + std::strerror(errno ? errno : EIO));
  hex = h.hex_digest();
  return {};
}

namespace {

// What says a file is the one hashed before: its identity, size and times to the nanosecond.
using file_stamp = std::array<std::int64_t, 7>;

bool stamp_of(const std::string& path, file_stamp& stamp) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  stamp = {static_cast<std::int64_t>(st.st_dev), static_cast<std::int64_t>(st.st_ino), st.st_size,
           st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
  return true;
}

}  // namespace

status sha256_file_remembered(const std::string& path, std::string& hex, std::int64_t& size) {
  static std::mutex guard;
  static std::map<file_stamp, std::pair<std::string, std::int64_t>> known;
  file_stamp before{}, after{};
  if (!stamp_of(path, before)) return sha256_file(path, hex, size);  // a stream, or the error to say
  {
    std::lock_guard<std::mutex> lock(guard);
    if (const auto it = known.find(before); it != known.end()) {
      std::tie(hex, size) = it->second;
      return {};
    }
  }
  if (auto s = sha256_file(path, hex, size); !s) return s;
  if (stamp_of(path, after) && after == before) {
    std::lock_guard<std::mutex> lock(guard);
    known[before] = {hex, size};
  }
  return {};
}

}  // namespace dnafill::data
