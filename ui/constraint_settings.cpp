// Constraint settings: validation through bio's motif table, and the synthesis presets.
#include "ui/constraint_settings.h"

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
  for (const auto& motif : avoid) {
    std::string site;
    if (auto s = bio::resolve_motif(motif, site); !s) return status::fail("avoid: " + s.message());
  }
  return {};
}

bool constraintPreset(const std::string& name, ConstraintSettings& out) {
  ConstraintSettings c;
  if (name == "twist") {  // gene fragments: GC 25-65% overall and in 50-base windows, no run of 10
    c.gcMin = 0.25, c.gcMax = 0.65, c.gcWindow = 50, c.maxHomopolymer = 9;
  } else if (name == "idt") {  // gBlocks: GC 25-75%, no run of 10 (of G: fewer still), a 100-base window
    c.gcMin = 0.25, c.gcMax = 0.75, c.gcWindow = 100, c.maxHomopolymer = 8;
  } else if (name == "golden-gate") {  // the type IIS sites of Golden Gate assembly must not occur inside
    c.gcMin = 0.25, c.gcMax = 0.65, c.gcWindow = 50, c.maxHomopolymer = 6, c.avoid = {"BsaI", "BsmBI", "BbsI"};
  } else {
    return false;
  }
  out = c;
  return true;
}

std::vector<std::string> constraintPresetNames() { return {"twist", "idt", "golden-gate"}; }

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
