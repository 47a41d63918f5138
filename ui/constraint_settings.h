// The design constraints the studio asks for (GC range and window, homopolymer limit, motifs and
// enzymes to avoid) as one plain struct, and the synthesis presets that fill it. core/ does not accept
// constraints yet (they come with the constraints issue): the design panel shows them disabled and
// says so; this struct is what it will hand to core once core takes them.
#pragma once

#include <string>
#include <vector>

#include "bio/status.h"

namespace dnafill::ui {

struct ConstraintSettings {
  double gcMin = 0.0;       // GC fraction bounds, 0..1, over the design and over every window
  double gcMax = 1.0;
  int gcWindow = 0;         // sliding window for the GC bounds, bases; 0 = the whole design only
  int maxHomopolymer = 0;   // longest run of one base allowed; 0 = no limit
  std::vector<std::string> avoid;  // enzyme names (EcoRI, BsaI) or IUPAC motifs, on both strands

  bool any() const { return gcMin > 0.0 || gcMax < 1.0 || maxHomopolymer > 0 || !avoid.empty(); }
  // Names the bad field: "GC range: minimum 70% above maximum 60%", "avoid: 'XYZ' is neither ...".
  status validate() const;
  bool operator==(const ConstraintSettings& o) const {
    return gcMin == o.gcMin && gcMax == o.gcMax && gcWindow == o.gcWindow && maxHomopolymer == o.maxHomopolymer &&
           avoid == o.avoid;
  }
};

// Presets for common synthesis rules, approximations of what vendors publish (check their current
// rules before ordering): "twist", "idt", "golden-gate". False for an unknown name.
bool constraintPreset(const std::string& name, ConstraintSettings& out);
std::vector<std::string> constraintPresetNames();

// "EcoRI, BsaI ,GAATTC" -> {"EcoRI", "BsaI", "GAATTC"} (commas or spaces; empty parts dropped).
std::vector<std::string> splitMotifList(const std::string& text);

// False until core/design.h takes constraints: the UI shows the controls disabled, with a tooltip.
constexpr bool coreAcceptsConstraints = false;

}  // namespace dnafill::ui
