// Encoding of bases to model tokens and back.
#include "core/tokens.h"

#include <algorithm>
#include <array>

namespace dnafill::core {
namespace {

std::array<token, 256> make_encode_table() {
  std::array<token, 256> table;
  table.fill(mask_token);
  const std::string_view upper = "ACGT", lower = "acgt";
  for (int i = 0; i < num_bases; ++i) {
    table[static_cast<unsigned char>(upper[i])] = static_cast<token>(i);
    table[static_cast<unsigned char>(lower[i])] = static_cast<token>(i);
  }
  table['U'] = table['u'] = token_t;
  return table;
}

const std::array<token, 256> encode_table = make_encode_table();

}  // namespace

token encode_base(char base) { return encode_table[static_cast<unsigned char>(base)]; }

std::vector<token> encode(std::string_view bases) {
  std::vector<token> tokens(bases.size());
  std::transform(bases.begin(), bases.end(), tokens.begin(), encode_base);
  return tokens;
}

char decode_token(token t) { return is_base(t) ? "ACGT"[t] : 'N'; }

std::string decode(const std::vector<token>& tokens) {
  std::string bases(tokens.size(), 'N');
  std::transform(tokens.begin(), tokens.end(), bases.begin(), decode_token);
  return bases;
}

void reverse_complement(token* tokens, std::size_t length) {
  std::reverse(tokens, tokens + length);
  std::transform(tokens, tokens + length, tokens, complement);
}

void reverse_complement(std::vector<token>& tokens) { reverse_complement(tokens.data(), tokens.size()); }

}  // namespace dnafill::core
