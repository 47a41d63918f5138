// Sampler parameters: names of the choices and the validator (torch-free).
#include "core/sampler.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dnafill::core {
namespace {

template <typename E, std::size_t N>
status parse_choice(const std::string& option, const std::string& name, const char* const (&names)[N], E& out) {
  std::string allowed;
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) {
      out = static_cast<E>(i);
      return {};
    }
    allowed += (i ? "|" : "") + std::string(names[i]);
  }
  return status::fail(option + ": unknown value '" + name + "' (expected " + allowed + ")");
}

// Indexed by the enums' values.
constexpr const char* sampler_names[] = {"first-hit", "ancestral", "confidence"};
constexpr const char* precision_names[] = {"fp64", "fp32"};
constexpr const char* confidence_names[] = {"max-prob", "margin", "entropy"};
constexpr const char* schedule_names[] = {"linear", "cosine"};

// The shortest text that reads back as x: "%g" showed --top-p 1.0000001 as "got 1".
std::string number(double x) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, x);
    if (std::strtod(text, nullptr) == x) break;
  }
  return text;
}

}  // namespace

status parse_sampler_kind(const std::string& name, sampler_kind& out) {
  return parse_choice("--sampler", name, sampler_names, out);
}
status parse_precision(const std::string& name, draw_precision& out) {
  return parse_choice("--precision", name, precision_names, out);
}
status parse_confidence(const std::string& name, confidence_measure& out) {
  return parse_choice("--confidence", name, confidence_names, out);
}
status parse_schedule(const std::string& name, reveal_schedule& out) {
  return parse_choice("--schedule", name, schedule_names, out);
}
const char* sampler_name(sampler_kind kind) { return sampler_names[static_cast<int>(kind)]; }
const char* precision_name(draw_precision precision) { return precision_names[static_cast<int>(precision)]; }
const char* confidence_name(confidence_measure measure) { return confidence_names[static_cast<int>(measure)]; }
const char* schedule_name(reveal_schedule schedule) { return schedule_names[static_cast<int>(schedule)]; }

status sampler_params::validate() const {
  if (steps < 1 || steps > 1000000) return status::fail("--steps: must be in 1..1000000, got " + std::to_string(steps));
  // Below 1e-6 the draw is already the most likely base; far below, 1/T overflows (all A, silently).
  if (!(temperature >= min_temperature) || !std::isfinite(temperature))
    return status::fail("--temperature: must be a finite number >= 1e-6 (1e-6 already takes the most likely base), got " +
                        number(temperature));
  if (!(top_p > 0.0 && top_p <= 1.0)) return status::fail("--top-p: must be in (0, 1], got " + number(top_p));
  if (!std::isfinite(guidance) || guidance < 0.0 || guidance > 100.0)
    return status::fail("--guidance: must be in [0, 100], got " + number(guidance));
  return {};
}

}  // namespace dnafill::core
