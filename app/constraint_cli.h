// The constraint and guidance options of the design commands (--avoid, --max-homopolymer, --gc,
// --gc-window, --avoid-repeats, --constraints, --gc-target, --gc-weight, --label), the violations in
// the --json rows, and the --report TSV of each design's constraints before and after.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bio/status.h"
#include "core/design.h"
#include "core/job.h"

namespace CLI {
class App;
}

namespace dnafill::app {

struct design_output;

// The options as typed; -1 (NaN for fractions) = not given.
struct constraint_args {
  std::vector<std::string> avoid;    // enzyme names or IUPAC motifs
  int max_homopolymer = -1;
  std::string gc;                    // MIN-MAX
  int gc_window = -1;
  int avoid_repeats = -1;
  std::vector<std::string> presets;  // twist, idt, golden-gate
  double gc_target = std::nan("");
  double gc_weight = std::nan("");   // not given: 10 with --gc-target
  std::string label;
  std::string report;                // TSV path

  // Fills options.constraints, options.gc_target and options.label; errors name the option.
  status resolve(core::design_options& options) const;
};

void add_constraint_options(CLI::App& sub, constraint_args& args);

// The violations of a design for its --json row: [{constraint, position (1-based), detail}, ...].
nlohmann::json violations_json(const design_output& d);

// The designed intervals of a design, 1-based inclusive: [[start, end], ...]. region_start/end span them
// all, fixed stretches between holes included; a checker needs the holes themselves.
nlohmann::json holes_json(const design_output& d);

// Per design, per constraint: violations in the original (before; NA where there was none, as for
// generate) and in the design (after), with the first violation after.
status write_constraint_report(const std::string& path, const std::vector<design_output>& designs,
                               const bio::constraint_set& set);

// After the designs are written: a warning line on stderr when some violate the constraints, an error
// (the command exits 1) when every one does.
status constraint_outcome(const std::vector<design_output>& designs);
status constraint_outcome(const core::constraint_summary& summary);

}  // namespace dnafill::app
