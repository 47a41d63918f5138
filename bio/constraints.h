// Design constraints for synthesis and cloning, and their independent check: forbidden motifs (IUPAC
// strings or enzyme names, both strands), homopolymer limits, GC bounds over the designed region and
// over sliding windows inside it, repeated k-mers. The check is what every design is verified with
// after decoding; core/constraint_mask.h enforces the same rules while decoding.
// Plain data and pure functions: thread-safe, no torch.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bio/mask.h"
#include "bio/status.h"

namespace dnafill::bio {

// A site that must not occur on either strand. Any occurrence that overlaps a designed region counts,
// so sites across the junctions with the fixed flanks are covered; sites wholly in a flank are not ours.
struct forbidden_motif {
  std::string name;  // "BsaI" (the table's spelling) or the IUPAC motif as given, upper case
  std::string site;  // IUPAC, upper case; matched as bio::find_motif does (an N in a flank matches only N)
};

// GC fraction in [min, max] over every window of `window` bases inside a designed region; window 0 (or
// a region no longer than the window) means the region as a whole. Fractions turn into whole counts
// with gc_count_bounds, the same in the check and in decoding.
struct gc_rule {
  double min = 0.0;
  double max = 1.0;
  int window = 0;
};

struct constraint_set {
  std::vector<forbidden_motif> motifs;
  std::array<int, 4> max_run{};  // longest homopolymer allowed, per base A C G T; 0 = no limit
  std::vector<gc_rule> gc;
  int repeat_k = 0;              // no k-mer of this length twice (either strand) in the design and its
                                 // flanks; 0 = off
  int repeat_flank = 1000;       // bases of each flank the repeat rule sees (a whole chromosome would not fit)

  bool empty() const { return motifs.empty() && max_run == std::array<int, 4>{} && gc.empty() && repeat_k == 0; }
  // Names the bad option: "--gc: MIN 0.8 is above MAX 0.2".
  status validate() const;
  // The longest stretch around a base that a motif, run or repeat rule looks at: how far a dead end's
  // neighbourhood reaches.
  int local_span() const;
  // How far from a designed base the rules look: local_span, or the repeat rule's flank and a k-mer.
  std::int64_t reach() const;
};

struct constraint_violation {
  std::string constraint;  // a name from constraint_names(): "avoid BsaI", "max-homopolymer 6", ...
  std::int64_t position = 0;  // 0-based start of the offending site, run, window or k-mer
  std::string detail;      // one line: what and where, in 1-based coordinates
};

// The rules of `set` by name, in report order: "avoid <name>" per motif, "max-homopolymer <H>" (or
// per base where the limits differ: "max-homopolymer A/T 12 C/G 5"),
// "gc <min>-<max>" (whole region), "gc <min>-<max> per <W> bp", "avoid-repeats <K>", and "unfilled"
// (a designed base that is not A, C, G or T) which every check includes.
std::vector<std::string> constraint_names(const constraint_set& set);

// Every violation in `seq` of `set`, for the designed intervals `designed` (merged, inside seq), sorted
// by constraint then position. Consecutive out-of-bounds GC windows (or repeated k-mers) are one
// violation. Case is ignored. A GC window passes only if it passes whatever its unknown bases (N, IUPAC
// codes) are. `seq` may be the piece of a record that begins at its base `origin`, holding the reach
// of the rules around `designed` (core::design_span): `designed` is in the piece's coordinates, the
// violations' positions and details in the record's. A design of a chromosome is checked so, not in
// a copy of the chromosome.
std::vector<constraint_violation> check_constraints(std::string_view seq, const std::vector<interval>& designed,
                                                    const constraint_set& set, std::int64_t origin = 0);

// How many of `n` bases may be G or C under `rule`: [lo, hi], lo > hi when no count works (e.g. 1 base
// between 40% and 60%). A small tolerance keeps 0.3 * 50 = 15 exact.
void gc_count_bounds(const gc_rule& rule, std::int64_t n, std::int64_t& lo, std::int64_t& hi);

// The k-mer of `k` (<= 32) bases at `at` as 2 bits per base, the smaller code of its two strands, so a
// k-mer and its reverse complement share a key. False when it holds anything but A/C/G/T (either case).
bool canonical_kmer(std::string_view seq, std::int64_t at, int k, std::uint64_t& key);

// --gc MIN-MAX: fractions ("0.3-0.7") or percentages ("30-70", "30%-70%": taken as such when MAX > 1).
status parse_gc_range(std::string_view text, double& min, double& max);

// The names of an option's comma-separated list (--avoid, --constraints; --train's files too), blanks
// around each dropped ("BsaI, EcoRI"), added to `names`. An empty name (",", "BsaI,", "BsaI,,EcoRI")
// is an error naming `option` and the list; so is an empty list.
status split_name_list(std::string_view option, std::string_view list, std::vector<std::string>& names);
// What split_name_list would refuse in `list` ("an empty name in 'BsaI,'"), or "" (the command line
// checks its lists with it as it parses).
std::string name_list_problem(std::string_view list);

// --avoid: adds an enzyme (by name, case ignored) or an IUPAC motif. Error names the option.
status add_forbidden(std::string_view name_or_motif, constraint_set& set);

// --max-homopolymer: the longest run allowed of each base A C G T (0 = no limit from this call); a
// tighter limit already in `set` stays.
void limit_homopolymers(const std::array<int, 4>& limits, constraint_set& set);

// --gc MIN-MAX [--gc-window W]: the GC range over each designed region as a whole and, when window > 0,
// over every window of that many bases inside it too. 0-100% adds nothing (it restricts nothing).
void add_gc_range(double min, double max, int window, constraint_set& set);

// --constraints: twist | idt | golden-gate, adding their rules to `set` (docs/constraints.md gives each
// rule's source). Error lists the presets.
status add_preset(std::string_view name, constraint_set& set);
const std::vector<std::string>& constraint_presets();

// The ranges of the numeric constraint options, one definition for every front end (the CLI's option
// checks, the studio's command line and form) and for constraint_set::validate.
constexpr int longest_homopolymer_limit = 1000000;  // --max-homopolymer 1..this; 0 = no limit
constexpr int longest_gc_window = 1000000;          // --gc-window 1..this; 0 = the whole region only
constexpr int shortest_repeat_k = 4, longest_repeat_k = 32;  // --avoid-repeats K (2 bits a base in 64)

// The rules as a user asks for them, in the command line's words; the CLI's options and the studio's
// form both fill one, so a design meets the same rules whichever asked for it.
struct constraint_request {
  std::vector<std::string> avoid;    // --avoid: enzyme names or IUPAC motifs
  int max_homopolymer = 0;           // --max-homopolymer; 0 = no limit
  double gc_min = 0.0, gc_max = 1.0; // --gc, fractions
  int gc_window = 0;                 // --gc-window; 0 = the whole region only
  int repeat_k = 0;                  // --avoid-repeats; 0 = off
  std::vector<std::string> presets;  // --constraints: their rules added (the tighter limit wins)
};

// `set` = the rules of `request`, validated. Errors name the option.
status build_constraints(const constraint_request& request, constraint_set& set);

}  // namespace dnafill::bio
