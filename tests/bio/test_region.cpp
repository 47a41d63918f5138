// Tests of bio/region.h: samtools-style region parsing and its edge cases.
#include <catch2/catch.hpp>

#include <map>

#include "bio/region.h"

using namespace dnafill::bio;

namespace {

region parsed(const std::string& text) {
  region r;
  const dnafill::status s = parse_region(text, r);
  INFO(s.message());
  REQUIRE(s.ok());
  return r;
}

std::string error_of(const std::string& text) {
  region r;
  const dnafill::status s = parse_region(text, r);
  REQUIRE_FALSE(s.ok());
  return s.message();
}

// Contigs of a made-up file, including samtools' awkward names with ':' in them.
const std::map<std::string, std::int64_t> contigs = {
    {"chr1", 1000}, {"HLA-A*01:01:01:01", 3503}, {"chrUn:1-5", 50}, {"chrUn", 60}};

std::int64_t lookup(std::string_view name) {
  const auto it = contigs.find(std::string(name));
  return it == contigs.end() ? -1 : it->second;
}

dnafill::status parse_known(const std::string& text, region& r) { return parse_region(text, lookup, r); }

}  // namespace

TEST_CASE("regions are 1-based inclusive in text and 0-based half-open inside", "[bio][region]") {
  region r = parsed("chr1:11-20");
  CHECK(r.contig == "chr1");
  CHECK(r.start == 10);
  CHECK(r.end == 20);
  CHECK(r.length() == 10);
  r = parsed("chr1:5-5");  // one base
  CHECK(r.start == 4);
  CHECK(r.end == 5);
  r = parsed("chr1");
  CHECK(r.whole_contig());
  r = parsed("chr1:100");  // samtools: from 100 to the end
  CHECK(r.start == 99);
  CHECK(r.end == region::to_end);
  r = parsed("chr1:100-");
  CHECK(r.start == 99);
  CHECK(r.end == region::to_end);
  r = parsed("chr1:1,000-2,000");
  CHECK(r.start == 999);
  CHECK(r.end == 2000);
}

TEST_CASE("bad region syntax is refused with the reason", "[bio][region]") {
  CHECK(error_of("") == "region '': empty region");
  CHECK(error_of("chr1:20-10") == "region 'chr1:20-10': END 10 is before START 20");
  CHECK(error_of("chr1:0-10") == "region 'chr1:0-10': positions are 1-based, START must be at least 1");
  CHECK(error_of(":1-10") == "region ':1-10': empty contig name");
  CHECK(error_of("chr1:-10") == "region 'chr1:-10': missing position (START)");
  CHECK(error_of("chr1:1-2-3") == "region 'chr1:1-2-3': unexpected text after END");
  CHECK(error_of("chr1:99999999999999999999") == "region 'chr1:99999999999999999999': position too large (START)");
  CHECK(error_of("{chr1:1-5") == "region '{chr1:1-5': '{' without a closing '}'");
  CHECK(error_of("{}:1-5") == "region '{}:1-5': empty contig name");
  CHECK(error_of("{chr1}x") == "region '{chr1}x': expected ':START-END' after '}'");
}

TEST_CASE("without contigs a name is split at its last ':' only before a range", "[bio][region]") {
  region r = parsed("chrUn:abc");
  CHECK(r.contig == "chrUn:abc");
  CHECK(r.whole_contig());
  r = parsed("HLA-A*01:01:01:01");
  CHECK(r.contig == "HLA-A*01:01:01");  // read as NAME:START, from base 1 to the end
  CHECK(r.start == 0);
  CHECK(r.end == region::to_end);
  r = parsed("{HLA-A*01:01:01:01}:5-6");
  CHECK(r.contig == "HLA-A*01:01:01:01");
  CHECK(r.start == 4);
  CHECK(r.end == 6);
}

TEST_CASE("with known contigs names containing ':' parse as samtools does", "[bio][region]") {
  region r;
  REQUIRE(parse_known("HLA-A*01:01:01:01", r).ok());
  CHECK(r.contig == "HLA-A*01:01:01:01");
  CHECK(r.start == 0);
  CHECK(r.end == 3503);  // resolved
  REQUIRE(parse_known("HLA-A*01:01:01:01:100-200", r).ok());
  CHECK(r.contig == "HLA-A*01:01:01:01");
  CHECK(r.start == 99);
  CHECK(r.end == 200);
  // "chrUn:1-5" is both a contig and a range of "chrUn": samtools refuses it.
  dnafill::status s = parse_known("chrUn:1-5", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("ambiguous") != std::string::npos);
  REQUIRE(parse_known("{chrUn:1-5}", r).ok());
  CHECK(r.contig == "chrUn:1-5");
  CHECK(r.end == 50);
  REQUIRE(parse_known("{chrUn}:1-5", r).ok());
  CHECK(r.contig == "chrUn");
  CHECK(r.end == 5);
}

TEST_CASE("regions are checked against the contig length", "[bio][region]") {
  region r;
  REQUIRE(parse_known("chr1:1000-1000", r).ok());  // the last base
  CHECK(r.start == 999);
  CHECK(r.end == 1000);
  REQUIRE(parse_known("chr1:1-1000", r).ok());
  dnafill::status s = parse_known("chr1:1-1001", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr1:1-1001': END 1001 is beyond the end of contig 'chr1' (length 1000)");
  s = parse_known("chr1:1001", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr1:1001-': START 1001 is beyond the end of contig 'chr1' (length 1000)");
  s = parse_known("chr2:1-10", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr2:1-10': unknown contig 'chr2'");
  // A known contig with a range that is not one: the range is named, not the whole as a contig.
  s = parse_known("chr1:5-x", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr1:5-x': malformed range '5-x' of contig 'chr1' (expected START, START-END or START-)");
  // All after the contig is the range: the part that is wrong, not only the part that reads as one.
  s = parse_known("chr1:1-10:5", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr1:1-10:5': malformed range '1-10:5' of contig 'chr1' (expected START, START-END or START-)");
  s = parse_known("{chr1:5}", r);  // braces: a name as written, here an unknown one
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region '{chr1:5}': unknown contig 'chr1:5'");
  s = parse_known("chr1:10-9", r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "region 'chr1:10-9': END 9 is before START 10");
}

TEST_CASE("format_region writes what parse_region reads", "[bio][region]") {
  CHECK(format_region(region{"chr1", 10, 20}) == "chr1:11-20");
  CHECK(format_region(region{"chr1", 0, region::to_end}) == "chr1");
  CHECK(format_region(region{"chr1", 9, region::to_end}) == "chr1:10-");
  for (const char* text : {"chr1:11-20", "chr1:10-", "x:1-1"}) CHECK(format_region(parsed(text)) == text);
}

TEST_CASE("region_text braces a name holding ':', so that it reads back with the contigs known", "[bio][region]") {
  CHECK(region_text(region{"chr1", 10, 20}) == "chr1:11-20");
  CHECK(region_text(region{"HLA-A*01:01", 0, 100}) == "{HLA-A*01:01}:1-100");
  CHECK(region_text(region{"x:1-5", 0, region::to_end}) == "{x:1-5}");
  // Contigs "x" and "x:1-5": the name alone is ambiguous, the braced text is the contig.
  const contig_length_lookup lookup = [](std::string_view name) -> std::int64_t {
    return name == "x" || name == "x:1-5" ? 10 : -1;
  };
  region r;
  CHECK_FALSE(parse_region("x:1-5", lookup, r));
  REQUIRE(parse_region(region_text(region{"x:1-5", 0, region::to_end}), lookup, r));
  CHECK(r.contig == "x:1-5");
  CHECK(r.length() == 10);
}
