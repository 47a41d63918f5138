// Sequence utilities: IUPAC codes, reverse complement, GC fraction, homopolymer runs.
#include "bio/sequence.h"

#include <algorithm>
#include <cstdio>
#include <array>

namespace dnafill::bio {
namespace {

constexpr std::uint8_t A = 1, C = 2, G = 4, T = 8;

// One table lookup per character: decoding sits in every reader's inner loop.
constexpr std::array<std::uint8_t, 256> make_base_table() {
  std::array<std::uint8_t, 256> t{};
  const struct {
    char code;
    std::uint8_t bases;
  } codes[] = {{'A', A},         {'C', C},         {'G', G},         {'T', T},
               {'U', T},         {'R', A | G},     {'Y', C | T},     {'S', C | G},
               {'W', A | T},     {'K', G | T},     {'M', A | C},     {'B', C | G | T},
               {'D', A | G | T}, {'H', A | C | T}, {'V', A | C | G}, {'N', A | C | G | T}};
  for (const auto& code : codes) {
    t[static_cast<unsigned char>(code.code)] = code.bases;
    t[static_cast<unsigned char>(code.code - 'A' + 'a')] = code.bases;
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> base_table = make_base_table();

constexpr std::array<char, 256> make_complement_table() {
  std::array<char, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<char>(i);
  const char pairs[][2] = {{'A', 'T'}, {'C', 'G'}, {'R', 'Y'}, {'K', 'M'}, {'B', 'V'}, {'D', 'H'}};
  for (const auto& p : pairs) {
    for (int lower = 0; lower < 2; ++lower) {
      const char shift = lower ? 'a' - 'A' : 0;
      t[static_cast<unsigned char>(p[0] + shift)] = static_cast<char>(p[1] + shift);
      t[static_cast<unsigned char>(p[1] + shift)] = static_cast<char>(p[0] + shift);
    }
  }
  t['U'] = 'A';
  t['u'] = 'a';
  return t;
}
constexpr std::array<char, 256> complement_table = make_complement_table();

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

char concrete_base(char c) {
  const char u = upper(c);
  if (u == 'U') return 'T';
  return u == 'A' || u == 'C' || u == 'G' || u == 'T' ? u : 0;
}

bool same_concrete_base(char a, char b) { return concrete_base(a) != 0 && concrete_base(a) == concrete_base(b); }

void widen_through_runs(std::string_view text, std::int64_t& from, std::int64_t& to) {
  const auto n = static_cast<std::int64_t>(text.size());
  while (from > 0 && from < n && same_concrete_base(text[from - 1], text[from])) --from;
  while (to < n && to > 0 && same_concrete_base(text[to], text[to - 1])) ++to;
}

std::uint8_t iupac_bases(char c) { return base_table[static_cast<unsigned char>(c)]; }

bool is_iupac_base(char c) { return iupac_bases(c) != 0; }

bool iupac_covers(char pattern, char base) {
  const std::uint8_t p = iupac_bases(pattern);
  const std::uint8_t b = iupac_bases(base);
  return b != 0 && (b & p) == b;
}

char complement_base(char c) { return complement_table[static_cast<unsigned char>(c)]; }

std::string reverse_complement(std::string_view seq) {
  std::string out(seq);
  reverse_complement_in_place(out);
  return out;
}

void reverse_complement_in_place(std::string& seq) {
  std::reverse(seq.begin(), seq.end());
  for (char& c : seq) c = complement_base(c);
}

std::string to_upper_bases(std::string_view seq) {
  std::string out(seq);
  for (char& c : out) c = upper(c);
  return out;
}

double gc_counts::fraction() const {
  const std::size_t known = gc + at;
  return known == 0 ? 0.0 : static_cast<double>(gc) / static_cast<double>(known);
}

gc_class classify_gc(char base) {
  const std::uint8_t b = iupac_bases(base);
  if (b == C || b == G || b == (C | G)) return gc_class::gc;
  if (b == A || b == T || b == (A | T)) return gc_class::at;
  return gc_class::unknown;
}

gc_counts count_gc(std::string_view seq) {
  gc_counts counts;
  for (char c : seq) {
    const gc_class k = classify_gc(c);
    counts.gc += k == gc_class::gc ? 1 : 0;
    counts.at += k == gc_class::at ? 1 : 0;
  }
  return counts;
}

double gc_fraction(std::string_view seq) { return count_gc(seq).fraction(); }

std::vector<homopolymer_run> homopolymer_runs(std::string_view seq, std::size_t min_length) {
  std::vector<homopolymer_run> runs;
  min_length = std::max<std::size_t>(min_length, 1);
  std::size_t i = 0;
  while (i < seq.size()) {
    const char base = concrete_base(seq[i]);
    std::size_t j = i + 1;
    while (j < seq.size() && base != 0 && concrete_base(seq[j]) == base) ++j;
    if (base != 0 && j - i >= min_length) runs.push_back({i, j - i, base});
    i = j;
  }
  return runs;
}

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buf[32];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", u);
  return buf;
}

}  // namespace dnafill::bio
