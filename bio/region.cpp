// Region parsing as samtools does it (hts_parse_region's rules), with errors instead of guesses.
#include "bio/region.h"

namespace dnafill::bio {
namespace {

std::string quoted(std::string_view text) { return "region '" + std::string(text) + "'"; }

// True when `s` could only be meant as a range: digits, ',' and '-', with at least one digit.
bool looks_like_range(std::string_view s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != ',' && c != '-') {
      return false;
    }
  }
  return digit;
}

// Parses a 1-based position with optional ',' separators at s[i...]; advances i.
bool parse_position(std::string_view s, std::size_t& i, std::int64_t& value, std::string& problem) {
  value = 0;
  bool any = false;
  for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','); ++i) {
    if (s[i] == ',') continue;
    any = true;
    value = value * 10 + (s[i] - '0');
    if (value > max_region_position) {
      problem = "position too large";
      return false;
    }
  }
  if (!any) problem = "missing position";
  return any;
}

// "START", "START-" or "START-END" (1-based inclusive) into out.start/out.end (0-based half-open).
status parse_range(std::string_view text, std::string_view range, region& out) {
  std::size_t i = 0;
  std::int64_t start = 0;
  std::string problem;
  if (!parse_position(range, i, start, problem)) return status::fail(quoted(text) + ": " + problem + " (START)");
  if (start < 1) return status::fail(quoted(text) + ": positions are 1-based, START must be at least 1");
  out.start = start - 1;
  out.end = region::to_end;
  if (i == range.size()) return status();
  if (range[i] != '-') return status::fail(quoted(text) + ": expected '-' after START");
  ++i;
  if (i == range.size()) return status();
  std::int64_t end = 0;
  if (!parse_position(range, i, end, problem)) return status::fail(quoted(text) + ": " + problem + " (END)");
  if (i != range.size()) return status::fail(quoted(text) + ": unexpected text after END");
  if (end < start) {
    return status::fail(quoted(text) + ": END " + std::to_string(end) + " is before START " + std::to_string(start));
  }
  out.end = end;
  return status();
}

// "{NAME}" or "{NAME}:RANGE": the braces protect names that contain ':'.
status parse_braced(std::string_view text, region& out) {
  const std::size_t close = text.find('}');
  if (close == std::string_view::npos) return status::fail(quoted(text) + ": '{' without a closing '}'");
  out.contig = std::string(text.substr(1, close - 1));
  if (out.contig.empty()) return status::fail(quoted(text) + ": empty contig name");
  out.start = 0;
  out.end = region::to_end;
  const std::string_view rest = text.substr(close + 1);
  if (rest.empty()) return status();
  if (rest[0] != ':' || rest.size() == 1) return status::fail(quoted(text) + ": expected ':START-END' after '}'");
  return parse_range(text, rest.substr(1), out);
}

}  // namespace

status parse_region(std::string_view text, region& out) {
  out = region{};
  if (text.empty()) return status::fail("region '': empty region");
  if (text[0] == '{') return parse_braced(text, out);
  const std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && looks_like_range(text.substr(colon + 1))) {
    out.contig = std::string(text.substr(0, colon));
    if (out.contig.empty()) return status::fail(quoted(text) + ": empty contig name");
    return parse_range(text, text.substr(colon + 1), out);
  }
  out.contig = std::string(text);
  return status();
}

status parse_region(std::string_view text, const contig_length_lookup& lookup, region& out) {
  out = region{};
  if (text.empty()) return status::fail("region '': empty region");
  if (text[0] == '{') {
    if (status s = parse_braced(text, out); !s) return s;
  } else {
    const bool whole_is_contig = lookup(text) >= 0;
    const std::size_t colon = text.rfind(':');
    const bool has_range = colon != std::string_view::npos && looks_like_range(text.substr(colon + 1));
    const bool prefix_is_contig = has_range && lookup(text.substr(0, colon)) >= 0;
    if (whole_is_contig && prefix_is_contig) {
      return status::fail(quoted(text) + ": ambiguous, both a contig and a range of '" +
                          std::string(text.substr(0, colon)) + "'; write {NAME} or {NAME}:START-END");
    }
    if (whole_is_contig) {
      out.contig = std::string(text);
    } else if (has_range) {
      out.contig = std::string(text.substr(0, colon));
      if (out.contig.empty()) return status::fail(quoted(text) + ": empty contig name");
      if (status s = parse_range(text, text.substr(colon + 1), out); !s) return s;
    } else {
      out.contig = std::string(text);
    }
  }
  const std::int64_t length = lookup(out.contig);
  if (length < 0) {
    // "chr2:5-x", "chr2:1-10:5": no contig of that name, but a part before a colon is one (the longest,
    // as names hold colons), and all after it is the range ({...} is a name as written).
    for (std::size_t colon = text.rfind(':'); text[0] != '{' && colon != std::string_view::npos && colon > 0;
         colon = text.rfind(':', colon - 1))
      if (lookup(text.substr(0, colon)) >= 0)
        return status::fail(quoted(text) + ": malformed range '" + std::string(text.substr(colon + 1)) + "' of contig '" +
                            std::string(text.substr(0, colon)) + "' (expected START, START-END or START-)");
    return status::fail(quoted(text) + ": unknown contig '" + out.contig + "'");
  }
  return check_region(out, length);
}

status check_region(region& r, std::int64_t contig_length) {
  const std::string text = quoted(format_region(r));
  if (r.start >= contig_length) {
    return status::fail(text + ": START " + std::to_string(r.start + 1) + " is beyond the end of contig '" +
                        r.contig + "' (length " + std::to_string(contig_length) + ")");
  }
  if (r.end == region::to_end) {
    r.end = contig_length;
  } else if (r.end > contig_length) {
    return status::fail(text + ": END " + std::to_string(r.end) + " is beyond the end of contig '" + r.contig +
                        "' (length " + std::to_string(contig_length) + ")");
  }
  if (r.end <= r.start) return status::fail(text + ": END is before START");
  return status();
}

std::string region_text(const region& r) {
  if (r.contig.find(':') == std::string::npos) return format_region(r);
  region braced = r;
  braced.contig = "{" + r.contig + "}";
  return format_region(braced);
}

std::string format_region(const region& r) {
  if (r.whole_contig()) return r.contig;
  std::string out = r.contig + ":" + std::to_string(r.start + 1) + "-";
  if (r.end != region::to_end) out += std::to_string(r.end);
  return out;
}

}  // namespace dnafill::bio
