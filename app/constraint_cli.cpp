// Constraint and guidance options of the design commands, and the reports of what each design meets.
#include "app/constraint_cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "app/common.h"
#include "app/design_cli.h"
#include "bio/output_file.h"
#include "core/job.h"

namespace dnafill::app {

status constraint_args::resolve(core::design_options& options) const {
  // Given values were checked while parsing (add_constraint_options); -1 and NaN are "not given".
  bio::constraint_request request;
  // The commas are split here, not by CLI11: it drops the empty names of "--avoid ," and then takes
  // the next option as the value.
  for (const auto& list : avoid)
    if (auto s = bio::split_name_list("--avoid", list, request.avoid); !s) return s;
  for (const auto& list : presets)
    if (auto s = bio::split_name_list("--constraints", list, request.presets); !s) return s;
  request.max_homopolymer = std::max(max_homopolymer, 0);
  if (gc_window != -1 && gc.empty()) return status::fail("--gc-window: needs --gc MIN-MAX");
  if (!gc.empty())
    if (auto s = bio::parse_gc_range(gc, request.gc_min, request.gc_max); !s) return s;
  request.gc_window = std::max(gc_window, 0);
  request.repeat_k = std::max(avoid_repeats, 0);
  if (auto s = bio::build_constraints(request, options.constraints); !s) return s;
  if (!std::isnan(gc_weight) && std::isnan(gc_target)) return status::fail("--gc-weight: needs --gc-target");
  if (!std::isnan(gc_target)) options.gc_target = {gc_target, std::isnan(gc_weight) ? 10.0 : gc_weight};
  options.label = label;
  return {};
}

void add_constraint_options(CLI::App& sub, constraint_args& a) {
  const std::string group = "Constraints and guidance (docs/constraints.md)";
  check_name_list(sub.add_option("--avoid", a.avoid, "Sites to keep out of the design, both strands: enzyme names or IUPAC motifs"))
      ->group(group);
  // -1, the default of the integers below, means "not given"; a value typed is checked as typed.
  check_range(sub.add_option("--max-homopolymer", a.max_homopolymer, "Longest run of one base allowed"), 1,
              bio::longest_homopolymer_limit)
      ->group(group);
  sub.add_option("--gc", a.gc, "GC bounds MIN-MAX (0.3-0.7 or 30-70) of the designed region")->group(group);
  check_range(sub.add_option("--gc-window", a.gc_window, "Also hold --gc in every window of this many designed bases"), 1,
              bio::longest_gc_window)
      ->group(group);
  check_range(sub.add_option("--avoid-repeats", a.avoid_repeats, "No k-mer of this length twice in the design and its flanks"),
              bio::shortest_repeat_k, bio::longest_repeat_k)
      ->group(group);
  check_name_list(sub.add_option("--constraints", a.presets, "Rule presets: twist | idt | golden-gate (comma-separated)"))
      ->group(group);
  check_range(sub.add_option("--gc-target", a.gc_target, "Soft objective: steer the GC fraction towards this"), 0, 1)
      ->group(group);
  check_range(sub.add_option("--gc-weight", a.gc_weight, "Weight of --gc-target (logit tilt per unit of GC gap); default 10"),
              0, 1000)
      ->group(group);
  sub.add_option("--label", a.label, "Condition on this label of the model (trained with train --labels)")->group(group);
  sub.add_option("--report", a.report, "TSV: per design and constraint, violations before and after")->group(group);
}

nlohmann::json violations_json(const design_output& d) {
  auto out = nlohmann::json::array();
  for (const auto& v : core::read_design_check(d.design).violations)
    out.push_back({{"constraint", v.constraint}, {"position", v.position + 1}, {"detail", v.detail}});
  return out;
}

nlohmann::json holes_json(const design_output& d) {
  auto out = nlohmann::json::array();
  for (const auto& h : core::read_design_check(d.design).holes) out.push_back({h.start + 1, h.end});
  return out;
}

namespace {

std::map<std::string, int> count_by_name(const std::vector<bio::constraint_violation>& violations) {
  std::map<std::string, int> counts;
  for (const auto& v : violations) ++counts[v.constraint];
  return counts;
}

// The original as a design input saw it: NA when the holes were not all in it (generate's new bases).
bool has_original(const design_output& d, const std::vector<bio::interval>& holes) {
  return d.original && !holes.empty() && static_cast<std::int64_t>(d.original->size()) >= holes.back().end;
}

}  // namespace

status write_constraint_report(const std::string& path, const std::vector<design_output>& designs,
                               const bio::constraint_set& set) {
  bio::output_file file;  // a report that fails half-way leaves what PATH held
  if (auto s = file.begin(path); !s) return status::fail("--report: " + s.message());
  std::ofstream out(file.name());
  if (!out) return status::fail("--report: " + path + ": cannot open for writing: " + std::strerror(errno));
  out << "record\tvariant\tregion\tconstraint\tbefore\tafter\tfirst_violation_after\n";
  const auto names = bio::constraint_names(set);
  for (const auto& d : designs) {
    const auto check = core::read_design_check(d.design);
    const bool original = has_original(d, check.holes);
    std::map<std::string, int> before;
    if (original) before = count_by_name(bio::check_constraints(*d.original, check.holes, set));
    const auto after = count_by_name(check.violations);
    const std::string region = std::to_string(d.design.region_start + 1) + "-" + std::to_string(d.design.region_end);
    for (const auto& name : names) {
      std::string first;
      for (const auto& v : check.violations)
        if (v.constraint == name && first.empty()) first = v.detail;
      auto count = [&](const std::map<std::string, int>& counts) {
        const auto it = counts.find(name);
        return it == counts.end() ? 0 : it->second;
      };
      out << d.design.record << '\t' << d.design.variant << '\t' << region << '\t' << name << '\t'
          << (original ? std::to_string(count(before)) : "NA") << '\t' << count(after) << '\t' << first << '\n';
    }
  }
  errno = 0;
  out.close();
  if (!out) return status::fail("--report: " + path + ": cannot write: " + std::strerror(errno ? errno : EIO) + file.staging_note());
  if (auto s = file.commit(); !s) return status::fail("--report: " + s.message());
  return {};
}

status constraint_outcome(const std::vector<design_output>& designs) {
  core::constraint_summary summary;
  for (const auto& d : designs) summary.add(d.design);
  return constraint_outcome(summary);
}

status constraint_outcome(const core::constraint_summary& summary) {
  if (summary.failed == 0) return {};
  if (summary.all_failed())
    return status::fail("no design meets the constraints (" + std::to_string(summary.failed) + " of " +
                        std::to_string(summary.designs) + " violate them; first: " + summary.first_failure + ")");
  std::cerr << "dnafill: warning: " << summary.failed << " of " << summary.designs
            << " designs violate the constraints (constraints_ok false; first: " << summary.first_failure << ")"
            << std::endl;
  return {};
}

}  // namespace dnafill::app
