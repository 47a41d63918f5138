// Tokens of the model: A=0 C=1 G=2 T=3, MASK=4; N and other IUPAC codes enter as MASK.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnafill::core {

using token = std::uint8_t;

constexpr token token_a = 0;
constexpr token token_c = 1;
constexpr token token_g = 2;
constexpr token token_t = 3;
constexpr token mask_token = 4;
constexpr int num_bases = 4;     // the output head predicts these only (MDLM's SUBS: no mass on MASK)
constexpr int base_vocab = 5;    // bases + MASK; label tokens, when a model has them, come after

// A, C, G, T (either case; U counts as T) map to 0..3. Every other letter, N and IUPAC ambiguity codes
// included, is an unknown base: it enters the model as MASK and is never a loss target.
token encode_base(char base);
std::vector<token> encode(std::string_view bases);

// MASK decodes to 'N'.
char decode_token(token t);
std::string decode(const std::vector<token>& tokens);

inline bool is_base(token t) { return t < num_bases; }

// Complement of a base token (A<->T, C<->G); MASK stays MASK. Works because the order is A C G T.
inline token complement(token t) { return is_base(t) ? static_cast<token>(3 - t) : t; }
void reverse_complement(std::vector<token>& tokens);
void reverse_complement(token* tokens, std::size_t length);

}  // namespace dnafill::core
