// The design constraints as the studio's form asks for them: a synthesis preset (bio's, the same as
// `--constraints`), a GC range and window, a homopolymer limit, motifs and enzymes to avoid. resolve()
// turns them into bio's constraint_set through bio::build_constraints, as the command line does, so a design
// made in the studio meets the same rules as `dnafill infill` with the same options.
#pragma once

#include <string>
#include <vector>

#include "bio/constraints.h"
#include "bio/status.h"

namespace dnafill::ui {

struct ConstraintSettings {
  std::string preset;       // one of bio::constraint_presets(), its rules added to those below; empty = none
  double gcMin = 0.0;       // GC fraction bounds, 0..1, over the design and (gcWindow > 0) every window
  double gcMax = 1.0;
  int gcWindow = 0;         // sliding window for the GC bounds, bases; 0 = the whole design only
  int maxHomopolymer = 0;   // longest run of one base allowed; 0 = no limit
  int avoidRepeats = 0;     // no k-mer of this length (4..32) twice, either strand, flanks included; 0 = off
  std::vector<std::string> avoid;  // enzyme names (EcoRI, BsaI) or IUPAC motifs, on both strands

  // Names the bad field: "GC range: 70%-60% is not a range ...", "avoid: 'XYZ' is neither ...".
  status validate() const;
  // The rules as core enforces them (after validate()); errors name the field.
  status resolve(bio::constraint_set& set) const;
  bool operator==(const ConstraintSettings& o) const {
    return preset == o.preset && gcMin == o.gcMin && gcMax == o.gcMax && gcWindow == o.gcWindow &&
           maxHomopolymer == o.maxHomopolymer && avoidRepeats == o.avoidRepeats && avoid == o.avoid;
  }
};

// The rules of `set` in the words of the constraints report, comma-separated: "avoid BsaI, max-homopolymer,
// gc 25-65%, ..." (the check's own "unfilled" left out); empty when there is none.
std::string describeRules(const bio::constraint_set& set);

// The rules a preset adds, as describeRules says them. Empty for an unknown name.
std::string describePreset(const std::string& name);

// The panel's avoid field as typed: "EcoRI, BsaI ,GAATTC" -> {"EcoRI", "BsaI", "GAATTC"} (commas,
// semicolons or blanks between names; empty parts dropped, as a field is mid-edit). The --avoid
// option takes bio::split_name_list's stricter form, as the CLI does.
std::vector<std::string> splitMotifList(const std::string& text);

}  // namespace dnafill::ui
