// Tokens: the alphabet, unknown bases as MASK, complements.
#include <catch2/catch.hpp>

#include "core/tokens.h"

using namespace dnafill::core;

TEST_CASE("bases encode as A=0 C=1 G=2 T=3 in either case, U as T", "[tokens]") {
  CHECK(encode("ACGTacgtUu") == std::vector<token>{0, 1, 2, 3, 0, 1, 2, 3, 3, 3});
}

TEST_CASE("N and IUPAC ambiguity codes enter as MASK", "[tokens]") {
  for (char c : std::string("NnRYSWKMBDHV-.*X")) CHECK(encode_base(c) == mask_token);
  CHECK(decode(encode("ACNGT")) == "ACNGT");
}

TEST_CASE("reverse complement of tokens keeps MASK in place of its mirror", "[tokens]") {
  auto t = encode("AACGN");
  reverse_complement(t);
  CHECK(decode(t) == "NCGTT");
}
