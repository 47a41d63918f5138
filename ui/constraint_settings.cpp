// Constraint settings: validation through bio's motif table, and the rules through bio's builders.
#include "ui/constraint_settings.h"

#include <algorithm>
#include <cstdio>

#include "bio/enzymes.h"

namespace dnafill::ui {

status ConstraintSettings::validate() const {
  if (gcMin < 0.0 || gcMax > 1.0 || gcMin > gcMax) {
    char text[96];
    std::snprintf(text, sizeof text, "GC range: %.0f%%-%.0f%% is not a range within 0-100%%", gcMin * 100, gcMax * 100);
    return status::fail(text);
  }
  if (gcWindow < 0) return status::fail("GC window: must be >= 0, got " + std::to_string(gcWindow));
  if (maxHomopolymer < 0) return status::fail("homopolymer limit: must be >= 0, got " + std::to_string(maxHomopolymer));
  if (avoidRepeats != 0 && (avoidRepeats < bio::shortest_repeat_k || avoidRepeats > bio::longest_repeat_k))
    return status::fail("repeats: the k-mer length must be " + std::to_string(bio::shortest_repeat_k) + ".." +
                        std::to_string(bio::longest_repeat_k) + " (0 = off), got " + std::to_string(avoidRepeats));
  const auto& presets = bio::constraint_presets();
  if (!preset.empty() && std::find(presets.begin(), presets.end(), preset) == presets.end())
    return status::fail("preset: unknown '" + preset + "'");
  for (const auto& motif : avoid) {
    std::string site;
    if (auto s = bio::resolve_motif(motif, site); !s) return status::fail("avoid: " + s.message());
  }
  return {};
}

status ConstraintSettings::resolve(bio::constraint_set& set) const {
  set = {};
  if (auto s = validate(); !s) return s;
  bio::constraint_request request;
  request.avoid = avoid;
  request.max_homopolymer = maxHomopolymer;
  request.gc_min = gcMin;
  request.gc_max = gcMax;
  request.gc_window = gcWindow;
  request.repeat_k = avoidRepeats;
  if (!preset.empty()) request.presets = {preset};
  return bio::build_constraints(request, set);
}

std::string describeRules(const bio::constraint_set& set) {
  std::string text;
  for (const auto& rule : bio::constraint_names(set))
    if (rule != "unfilled") text += (text.empty() ? "" : ", ") + rule;
  return text;
}

std::string describePreset(const std::string& name) {
  bio::constraint_set set;
  return bio::add_preset(name, set) ? describeRules(set) : std::string();
}

std::vector<std::string> splitMotifList(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text + ",") {
    if (c == ',' || c == ' ' || c == '\t' || c == ';') {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return parts;
}

}  // namespace dnafill::ui
