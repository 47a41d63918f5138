#include "core/run_parameters.h"

#include <algorithm>
#include <cstdlib>

namespace dnafill::core {
namespace {

// A whole number in digits only (no sign, blank or exponent), below 10^18; false for anything else.
bool digits_number(const std::string& text, std::int64_t& value) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  value = std::strtoll(text.c_str(), nullptr, 10);
  return true;
}

// "201-300,651-770" as 0-based half-open holes; false for anything else (a store edited by hand).
bool parse_holes(const std::string& text, std::vector<bio::interval>& holes) {
  holes.clear();
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string range = text.substr(at, comma - at);
    const std::size_t dash = range.find('-');
    std::int64_t start = 0, end = 0;
    if (dash == std::string::npos || !digits_number(range.substr(0, dash), start) ||
        !digits_number(range.substr(dash + 1), end) || start < 1 || end < start)
      return false;
    holes.push_back({start - 1, end});
    at = comma + 1;
  }
  return !holes.empty();
}

}  // namespace

nlohmann::json generate_parameters(std::int64_t length, const std::string& name) {
  return {{"length", length}, {"name", name}};
}

std::string format_holes(const std::vector<bio::interval>& holes) {
  std::string text;
  for (const auto& h : holes) text += (text.empty() ? "" : ",") + std::to_string(h.start + 1) + "-" + std::to_string(h.end);
  return text;
}

nlohmann::json studio_design_parameters(const std::string& record, const std::vector<bio::interval>& holes,
                                        const std::string& read_region) {
  nlohmann::json json = {{"record", record}, {"holes", format_holes(holes)}, {"studio", true}};
  if (!read_region.empty()) json["read_region"] = read_region;
  return json;
}

bool read_run_parameters(const std::string& json, run_parameters& p) {
  p = {};
  const auto object = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return false;
  const auto text = [&](const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto number = [&](const char* key, double absent) {
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : absent;
  };
  const auto whole = [&](const char* key) -> std::optional<std::int64_t> {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  p.sampler = text("sampler");
  p.steps = whole("steps");
  p.temperature = number("temperature", 1.0);
  p.top_p = number("top_p", 1.0);
  p.guidance = number("guidance", 0.0);
  p.rc_ensemble = object.value("rc_ensemble", nlohmann::json()) == true;
  if (const auto it = object.find("seed"); it != object.end() && it->is_number_unsigned()) p.seed = it->get<std::uint64_t>();
  if (const auto it = object.find("constraints"); it != object.end() && it->is_array())
    for (const auto& name : *it)
      if (name.is_string()) p.constraints.push_back(name.get<std::string>());
  p.region = text("region");
  p.mask = text("mask");
  p.length = whole("length");
  // generate's length was a string in stores written before 2026-12-02.
  if (std::int64_t old = 0; !p.length && digits_number(text("length"), old)) p.length = old;
  p.reference = text("reference");
  p.read_region = text("read_region");
  p.record = text("record");
  if (!parse_holes(text("holes"), p.holes)) p.holes.clear();
  return true;
}

}  // namespace dnafill::core
