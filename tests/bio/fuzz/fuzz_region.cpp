// libFuzzer target: region parsing never crashes, and what it accepts is well formed and round-trips.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bio/region.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using dnafill::bio::region;
  region r;
  if (dnafill::bio::parse_region(text, r).ok()) {
    if (r.contig.empty() || r.start < 0 || r.end <= r.start) std::abort();
    if (r.end != region::to_end && r.end > dnafill::bio::max_region_position) std::abort();
  }
  // Against a made-up file with a name holding ':' and a short contig.
  const auto lookup = [](std::string_view name) -> std::int64_t {
    if (name == "chr1") return 1000;
    if (name == "a:1-5") return 7;
    if (name == "a") return 3;
    return -1;
  };
  region known;
  if (dnafill::bio::parse_region(text, lookup, known).ok()) {
    const std::int64_t length = lookup(known.contig);
    if (length < 0 || known.start < 0 || known.end > length || known.end <= known.start) std::abort();
    // The formatted region reads back to the same coordinates (when not ambiguous).
    region again;
    if (dnafill::bio::parse_region(dnafill::bio::format_region(known), lookup, again).ok() &&
        (again.contig != known.contig || again.start != known.start || again.end != known.end)) {
      std::abort();
    }
  }
  return 0;
}
