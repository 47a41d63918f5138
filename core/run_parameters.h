// A run's parameters: the JSON object make_run_record keeps in the store beside the run (the design
// options, then the keys each command adds). Written here for generate and the studio, and read here
// for whoever reads a run back (the studio's history and re-opened runs, db export), so that a key is
// spelled in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bio/mask.h"

namespace dnafill::core {

// What a generate run records beside its design options (make_run_record's `extra`): the command line
// and the studio record the same keys, so that the same request is the same run. The length is a
// JSON number, so that SQL compares it as one (json_extract(parameters, '$.length') > 500).
nlohmann::json generate_parameters(std::int64_t length, const std::string& name);

// What a studio design records beside its design options: the record, its holes, and the region of
// the file the record was read from (empty: the whole file). The holes are kept as a person reads
// them, "201-300,651-770" (1-based inclusive).
nlohmann::json studio_design_parameters(const std::string& record, const std::vector<bio::interval>& holes,
                                        const std::string& read_region);

// "201-300,651-770" for the 0-based half-open holes [200, 300) and [650, 770).
std::string format_holes(const std::vector<bio::interval>& holes);

// The parameters read back. Each key is optional: a store written by an older version lacks the later
// ones, a command-line run the studio's, and a value of another type is taken as absent.
struct run_parameters {
  // How: the sampler, with its steps (none for first-hit), and what moves it off the model's own draw.
  std::string sampler;
  std::optional<std::int64_t> steps;
  double temperature = 1.0, top_p = 1.0, guidance = 0.0;
  bool rc_ensemble = false;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> constraints;  // the checks' names; every run with constraints has "unfilled"
  // What was designed: infill's --region or --mask, a batch's --mask, generate's length.
  std::string region, mask;
  std::optional<std::int64_t> length;
  std::string reference;  // a CRAM input's reference (absolute)
  // A studio design's record, its holes (none when "holes" does not read as ranges: a store edited by
  // hand), and the region of its file the record was read from.
  std::string record;
  std::vector<bio::interval> holes;
  std::string read_region;
};

// False when `json` is not a JSON object (`p` is then all defaults).
bool read_run_parameters(const std::string& json, run_parameters& p);

}  // namespace dnafill::core
