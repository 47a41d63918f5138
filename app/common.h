// What the subcommands share: one-line errors, loading the model option, a terminal progress bar.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bio/output_file.h"
#include "core/checkpoint.h"

namespace CLI {
class App;
class Option;
}

namespace dnafill::app {

// Prints "dnafill <command>: <message>" as one line on stderr and returns the exit status 1.
int fail(const std::string& command, const std::string& message);

// A file a command names, with the option that names it (for the error line). An output whose
// `not_stdout` is set cannot be standard output: check_paths refuses "-" with that reason.
struct named_path {
  std::string option, path;
  std::string not_stdout = {};
  bio::output_kind kind = bio::output_kind::unchecked;  // a file of another kind there is not replaced
};

// A FASTA output and, for a .gz path, the .fai and .gzi index files written beside it (named by the
// option with "'s index"), so that check_paths also keeps the index from overwriting another file.
std::vector<named_path> fasta_output(const std::string& option, const std::string& path);

// A SQLite store and the files SQLite keeps beside it (PATH-wal, -shm, -journal: named by the option
// with "'s WAL" and so on), so that check_paths keeps an output off them: the WAL holds the designs
// not yet checkpointed, and SQLite deletes it when the store closes.
std::vector<named_path> store_files(const std::string& option, const std::string& path);

// "-" for a name of this process's standard output (/dev/stdout, /dev/fd/1, /proc/self/fd/1), else
// `path`: opened again, standard output redirected to a file is written from its start, over what
// the command prints there itself.
std::string as_standard_output(const std::string& path);

// The index files that reading a sequence input by region makes or reads beside it (PATH.fai, .gzi,
// .bai, .csi, .crai; named by the option with "'s index"), there or not yet, as inputs: an output onto
// one would be taken for the index. None for "-" and an empty path.
std::vector<named_path> index_inputs(const std::string& option, const std::string& path);

// The BED file of --mask bed:FILE as an input path ({"--mask", FILE}); none for other masks.
named_path mask_file(const std::string& mask);

// Checked before any work, so that nothing is computed for an output that cannot be written and no
// output destroys another file: each output (empty: none; "-": standard output, unless its
// `not_stdout` refuses it) can be created (its folder exists, it is not a folder), and no path names
// the same file as another one (an --out onto the --db store
// or onto the --in file would overwrite it), and none replaces a file of another kind (replaceable).
// Errors name both options.
status check_paths(const std::vector<named_path>& outputs, const std::vector<named_path>& inputs);

// One warning line on stderr when a BAM or CRAM input lacks its end-of-file marker (bio::lacks_eof_marker):
// the reads are all used, but the file may have been cut short.
void warn_if_cut_short(const std::string& command, const std::string& path);

// --model (or the shipped default), moved to --device ("cpu", "cuda" or "auto"), its network run in
// --net-precision ("fp32", "bf16", or "auto": bf16 on a GPU) when it samples and scores.
status load_model_option(const std::string& path, core::mdm_model& model, const std::string& device = "cpu",
                         const std::string& net_precision = "fp32");
void add_net_precision_option(CLI::App& sub, std::string& net_precision);

// Checks of a given value that CLI11's conversions lack (a value not given keeps its default, so
// defaults such as 0 = "the model's context" stay possible). Each returns `option`.
// A seed: a whole number 0..2^64-1 (CLI11 alone turns "-1" into 2^64-1 and caps larger numbers).
CLI::Option* check_seed(CLI::Option* option);
// A number in [min, max], not NaN (CLI11's ranges let NaN through); an end that is `open` is not in
// it ((0, 1) for a learning rate).
enum class range_end { closed, open };
CLI::Option* check_range(CLI::Option* option, double min, double max, range_end min_end = range_end::closed,
                         range_end max_end = range_end::closed);
// --threads: 0 (the cores this process may use) to core::max_threads_option; more than the cores is
// taken as the cores (core::set_threads).
CLI::Option* check_threads(CLI::Option* option);
// A comma-separated list of names (--train, --avoid, --constraints) holds no empty one ("BsaI,"):
// refused as the line is parsed (bio::name_list_problem); the command splits it afterwards.
CLI::Option* check_name_list(CLI::Option* option);


// A one-line progress bar on stderr, drawn only when stderr is a terminal, at most 10 times a second.
class progress_bar {
 public:
  explicit progress_bar(std::string label);
  ~progress_bar();
  void update(double fraction, const std::string& detail);
  void finish();  // ends the line

 private:
  std::string label_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace dnafill::app
