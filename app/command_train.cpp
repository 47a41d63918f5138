// dnafill train: train an MDM on FASTA files, with a progress bar and a JSON-lines log.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/common.h"
#include "app/interrupt.h"
#include "bio/constraints.h"
#include "bio/output_file.h"
#include "core/job.h"
#include "core/runtime.h"
#include "core/trainer.h"
#include "core/whole_file.h"

namespace dnafill::app {
namespace {

struct train_args {
  core::train_options options;
  std::string objective = "continuous";
  std::string log;
  bool no_rc = false;
  int threads = 0;
  bool label_dropout_given = false;
};

// Options that are valid but do nothing, said before the run rather than found in its model.
void warn_of_idle_label_options(const train_args& args) {
  const auto& o = args.options;
  if (args.label_dropout_given && o.labels.empty())
    std::cerr << "dnafill train: warning: --label-dropout has no effect without --labels" << std::endl;
  if (!o.labels.empty() && o.label_dropout >= 1.0)
    std::cerr << "dnafill train: warning: --label-dropout 1 shows every window with the null label: the labels learn "
                 "nothing" << std::endl;
}

nlohmann::json log_line(const core::train_progress& p) {
  nlohmann::json j = {{"step", p.step},
                      {"loss_bits", std::round(p.loss_bits * 1e5) / 1e5},
                      {"lr", p.lr},
                      {"tokens_per_s", std::round(p.tokens_per_second)},
                      {"elapsed_s", std::round(p.wall_seconds * 10) / 10}};
  if (p.validated) j["valid_bits"] = p.valid_bits;
  return j;
}

// A file given twice to --train would weigh its windows double, and a --valid among them would not be
// held out.
status check_training_files(const core::corpus_options& data) {
  const auto& files = data.train_files;
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (bio::same_file(files[j], files[i]))
        return status::fail("--train " + files[i] + " names the same file as --train " + files[j] + ": give each file once");
    if (!data.valid_file.empty() && bio::same_file(files[i], data.valid_file))
      return status::fail("--valid " + data.valid_file + " is also a --train file: held-out data must not be trained on");
  }
  return {};
}

// /dev/stderr, /dev/stdout, /dev/fd/N (a shell's >(...)), /proc/self/fd/N: a descriptor the caller
// opened, onto whatever it leads to (a terminal, a pipe, a file opened with 2>>). Such a log is added
// to, never replaced, read or cut back: the file behind it holds what the caller put there.
bool names_descriptor(const std::string& path) {
  return path == "/dev/stdout" || path == "/dev/stderr" || path.rfind("/dev/fd/", 0) == 0 ||
         path.rfind("/proc/self/fd/", 0) == 0;
}

// The log, opened. A descriptor is written through a copy of itself, not opened again by its name:
// reopened, /dev/stderr is a second open file with its own offset, and behind a plain `2> file` the
// progress bar's writes and the log's would overwrite each other.
using log_stream = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;
log_stream open_log(const std::string& path, bool append) {
  // names_descriptor's paths: /dev/stdout, /dev/stderr, or a number after /dev/fd/ or /proc/self/fd/.
  const std::string number = path.substr(path.rfind('/') + 1);
  const bool digits = !number.empty() && number.size() < 9 && number.find_first_not_of("0123456789") == std::string::npos;
  const int descriptor = !names_descriptor(path) ? -1
                         : path == "/dev/stdout" ? 1
                         : path == "/dev/stderr" ? 2
                         : digits                ? std::stoi(number)
                                                 : -1;
  if (descriptor < 0) return {std::fopen(path.c_str(), append ? "a" : "w"), std::fclose};
  // "w" on a copy truncates nothing and, unlike "a", leaves the caller's descriptor without O_APPEND.
  const int copy = ::fcntl(descriptor, F_DUPFD_CLOEXEC, 0);
  std::FILE* file = copy < 0 ? nullptr : ::fdopen(copy, "w");
  if (!file && copy >= 0) ::close(copy);
  return {file, std::fclose};
}

// The checkpoint, its state and the log are checked before any work: each can be made, none lands on
// an input, and a file there of another kind (a store, a FASTA named by mistake) is not replaced.
status check_train_outputs(const core::train_options& o, const std::string& log_path) {
  std::vector<named_path> inputs = {{"--valid", o.data.valid_file}};
  for (const auto& file : o.data.train_files) inputs.push_back({"--train", file});
  // Their index files too: a checkpoint named x.fa.fai would be taken for x.fa's index.
  for (std::size_t i = 0, given = inputs.size(); i < given; ++i)
    for (auto& index : index_inputs(inputs[i].option, inputs[i].path)) inputs.push_back(std::move(index));
  if (auto s = check_training_files(o.data); !s) return s;
  // /dev/stdout redirected to a file took the checkpoint, and its state and log went to /dev.
  if (names_descriptor(o.out))
    return status::fail("--out " + o.out + " names a descriptor, not a file: a checkpoint has its state and log "
                        "beside it; give a file name");
  // A checkpoint (and its .state beside it) is a file; '-' would have made files named '-'.
  const named_path out_file = {"--out", o.out, "a checkpoint is a file; '-' (standard output) cannot hold one"};
  const named_path log_file = {"--log", log_path, "give a file; standard output shows the progress and the summary"};
  const named_path state_file = {"--out's state file", o.out + ".state"};  // written beside the checkpoint
  // Each is written into a temporary name beside it and renamed over it (core/whole_file.h): an input,
  // the log or --init under that name would be emptied and moved into place.
  const named_path out_temp = {"--out's temporary file", core::temporary_name(o.out)};
  const named_path state_temp = {"--out's state's temporary file", core::temporary_name(o.out + ".state")};
  if (auto s = check_paths({out_file, state_file, out_temp, state_temp, log_file}, inputs); !s) return s;
  // --init and a --labels TSV are read before the log is written. --out may be --init (a checkpoint is
  // replaced whole, once the run is done: fine-tuning in place), the log may not.
  std::vector<named_path> read_first = {{"--init", o.init}};
  if (o.labels.find('=') == std::string::npos) read_first.push_back({"--labels", o.labels});
  if (auto s = check_paths({log_file, out_temp, state_temp}, read_first); !s) return s;
  // A link, a FIFO or a file of two names there is found now, not at the first checkpoint.
  for (const auto& file : {o.out, o.out + ".state"})
    if (auto s = core::check_temporary_name(file); !s) return status::fail("--out: " + s.message());
  // A checkpoint is written whole beside --out and renamed over it: over a FIFO or a device (as root,
  // /dev/null) that would replace the node itself.
  if (std::error_code ec; std::filesystem::exists(o.out, ec) && !std::filesystem::is_regular_file(o.out, ec))
    return status::fail("--out " + o.out + " is not a regular file: a checkpoint is written whole and renamed into place");
  if (!bio::replaceable(o.out, bio::output_kind::checkpoint))
    return status::fail("--out " + o.out + " is there and is not a checkpoint (no safetensors header): it would be "
                        "replaced; remove it or name another file");
  if (!o.resume && !bio::replaceable(state_file.path, bio::output_kind::training_state))  // --resume reads it first, and says what is wrong
    return status::fail("--out's state file " + state_file.path + " is there and is not a training state: it would "
                        "be replaced; remove it or name another --out");
  if (!names_descriptor(log_path) && !bio::replaceable(log_path, bio::output_kind::json_lines))
    return status::fail("--log " + log_path + " is there and is not a training log (JSON lines): it would be " +
                        (o.resume ? "added to" : "replaced") + "; remove it or name another file");
  // Whether the log can be written is known before any work (appending nothing changes nothing):
  // a failure during the run would stop it and save a checkpoint.
  // Not a FIFO's: opened and closed by the test, it would end its reader, and the run wait for another.
  std::error_code ec;
  const bool log_existed = std::filesystem::exists(log_path, ec);
  if (log_existed && !std::filesystem::is_regular_file(log_path, ec)) return {};
  if (!std::ofstream(log_path, std::ios::app))
    return status::fail(log_path + ": cannot open the log for writing: " + std::strerror(errno));
  // What the test made goes again; through a --log link, the file it names, not the link.
  if (!log_existed)
    if (const auto made = std::filesystem::canonical(log_path, ec); !ec) std::filesystem::remove(made, ec);
  return {};
}

// Resuming: the log cut back to the steps before `first_step`, those the checkpoint holds. A run
// killed after its last checkpoint logged steps that the resumed run makes again. The file is cut
// where the first such line starts, in place (its links, mode and owner stay); a log that is no
// regular file (a FIFO) or a descriptor (/dev/stderr) is written, not read, and a log with nothing to
// cut is left alone.
bool cut_log_before(const std::string& path, std::int64_t first_step) {
  std::error_code ec;
  if (names_descriptor(path) || !std::filesystem::is_regular_file(path, ec)) return true;
  std::ifstream in(path, std::ios::binary);
  std::uintmax_t offset = 0, last_start = 0;
  std::string line;
  bool last_whole = true;  // the last line ends in a newline, or is a whole JSON object
  for (; std::getline(in, line); offset += line.size() + 1) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("step") && j["step"].is_number_integer() && j["step"].get<std::int64_t>() >= first_step) {
      in.close();
      std::filesystem::resize_file(path, offset, ec);
      return !ec;
    }
    last_start = offset;
    last_whole = !in.eof() || j.is_object();
  }
  in.close();
  // A last line without its newline: one the killed run broke off goes; a whole one gets its newline,
  // so that the next line is not glued to it.
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size == 0 || offset <= size) return !ec;
  if (!last_whole) return (std::filesystem::resize_file(path, last_start, ec), !ec);
  return static_cast<bool>(std::ofstream(path, std::ios::app) << '\n');
}

// What a run says at each step: a JSON line in the log, and the progress bar with a smoothed loss.
// The log is truncated (or, resuming, cut back to the checkpoint's steps and added to; a descriptor,
// added to) at the first step, not before, so a run that fails its checks leaves the log of the run
// before it as it was, and no empty log where there was none. (The trainer removes the earlier run's
// state at the same step.)
class train_reporter {
 public:
  train_reporter(std::string log_path, bool resume) : path_(std::move(log_path)), resume_(resume) {}

  // False stops the run, which saves what it has: the log cannot be written.
  bool step(const core::train_progress& p) {
    if (!opened_) {
      opened_ = true;
      if (resume_ && !cut_log_before(path_, p.step)) return fail_with(errno);
      log_ = open_log(path_, resume_ || names_descriptor(path_));
    }
    if (!log_) return fail_with(errno);
    smoothed_ = smoothed_ == 0 ? p.loss_bits : 0.98 * smoothed_ + 0.02 * p.loss_bits;
    // Flushed at each line: people tail the log of a long run.
    if (std::fputs((log_line(p).dump() + "\n").c_str(), log_.get()) < 0 || std::fflush(log_.get()) != 0)
      return fail_with(errno);
    char detail[160];
    std::snprintf(detail, sizeof detail, "step %lld/%lld loss %.3f bits/base %s%.0f tok/s ETA %s",
                  static_cast<long long>(p.step), static_cast<long long>(p.steps), smoothed_,
                  p.validated ? ("valid " + std::to_string(p.valid_bits).substr(0, 5) + " ").c_str() : "",
                  p.tokens_per_second, core::format_duration(p.eta_seconds).c_str());
    bar_.update(static_cast<double>(p.step) / p.steps, detail);
    return true;
  }
  void finish() { bar_.finish(); }
  bool failed() const { return failed_; }
  std::string error() const { return error_ != 0 ? std::strerror(error_) : "an input/output error"; }

 private:
  bool fail_with(int error) {
    error_ = error;
    failed_ = true;
    return false;
  }

  std::string path_;
  bool resume_;
  log_stream log_{nullptr, std::fclose};
  bool opened_ = false;
  bool failed_ = false;
  int error_ = 0;
  progress_bar bar_{"train"};
  double smoothed_ = 0;
};

void print_summary(const core::train_options& o, const core::train_summary& summary, const std::string& log_path) {
  std::cout << "trained " << o.preset << " (" << summary.parameters << " parameters) to step " << summary.steps_done
            << ": " << summary.tokens_seen << " tokens in " << core::format_duration(summary.wall_seconds);
  if (summary.valid_bits > 0) std::cout << ", held-out " << summary.valid_bits << " bits/base";
  std::cout << "\nwrote " << o.out << " (log " << log_path << ")\n";
}

// "stopped at step N of M[ by WHAT]; OUT and its state ... keep it: ... --resume continues": what a
// run cut short (a signal, the time limit) says. The state holds what --init gave: resuming takes
// --resume in its place.
std::string stopped_early(const core::train_options& o, const core::train_summary& summary, const std::string& by) {
  return "stopped at step " + std::to_string(summary.steps_done) + " of " + std::to_string(o.steps) + by + "; " + o.out +
         " and its state " + o.out + ".state keep it: the same command with --resume" +
         (o.init.empty() ? "" : " instead of --init") + " continues";
}

int stopped_by_signal(const core::train_options& o, const core::train_summary& summary, const train_reporter& reporter,
                      const std::string& log_path) {
  if (!summary.saved) {
    fail("train", "stopped before its first step; nothing was written" +
                      (o.resume ? " (" + o.out + " and its state are as they were)" : std::string()));
    return interrupted_exit_status();
  }
  print_summary(o, summary, log_path);
  if (reporter.failed()) fail("train", log_path + ": the log could not be written (" + reporter.error() + ")");
  fail("train", stopped_early(o, summary, ""));
  return interrupted_exit_status();
}

int run_train(train_args& args) {
  auto& o = args.options;
  // The commas are split here, not by CLI11: it drops the empty names of "--train ," and then takes
  // the next option as the value.
  std::vector<std::string> train_files;
  for (const auto& list : o.data.train_files)
    if (auto s = bio::split_name_list("--train", list, train_files); !s) return fail("train", s.message());
  o.data.train_files = std::move(train_files);
  if (auto s = core::parse_objective(args.objective, o.objective); !s) return fail("train", s.message());
  o.rc_augment = !args.no_rc;
  core::set_threads(args.threads);
  warn_of_idle_label_options(args);
  const std::string log_path = args.log.empty() ? o.out + ".log.jsonl" : args.log;
  if (auto s = check_train_outputs(o, log_path); !s) return fail("train", s.message());
  train_reporter reporter(log_path, o.resume);
  core::train_summary summary;
  // Ctrl-C stops the run as --max-minutes does, with a checkpoint and its state: hours of training
  // are not lost to a key pressed, a closed terminal or a scheduler's SIGTERM.
  interrupt_guard guard(stop_point::training_step);
  o.stop = &interrupted;
  o.warn = [](const std::string& warning) { std::cerr << "dnafill train: warning: " << warning << std::endl; };
  if (auto s = core::train(o, [&](const core::train_progress& p) { return reporter.step(p); }, summary); !s)
    return fail("train", s.message());
  reporter.finish();
  // Stopped by a signal, the run ends with its status (130, 143, 129) even when the log failed on the
  // way: the signal itself may have ended its reader (a FIFO's open, `| tee` killed by the same Ctrl-C).
  if (interrupted.load() && summary.steps_done < o.steps) return stopped_by_signal(o, summary, reporter, log_path);
  if (reporter.failed())
    return fail("train", log_path + ": cannot write the log (" + reporter.error() + "); stopped at step " +
                             std::to_string(summary.steps_done) + ", saved in " + o.out);
  print_summary(o, summary, log_path);
  // The time limit is a stop the user asked for (exit 0), but a run cut short says so as a Ctrl-C does.
  if (summary.steps_done < o.steps) std::cout << stopped_early(o, summary, " by --max-minutes") << "\n";
  return 0;
}

}  // namespace

command_runner add_train_command(CLI::App& cli) {
  auto args = std::make_shared<train_args>();
  auto& o = args->options;
  auto* sub = cli.add_subcommand("train", "Train a masked diffusion model on FASTA files");
  check_name_list(sub->add_option("--train", o.data.train_files, "Training FASTA files (comma-separated)"))->required();
  auto* valid = sub->add_option("--valid", o.data.valid_file, "Validation FASTA; default: the last --valid-fraction of each record");
  // The ranges these options always have are checked as the line is parsed (exit 2), as --seq-len's.
  // (No top for the step counts: the whole-number check refuses what does not fit in 64 bits.)
  constexpr double no_top = std::numeric_limits<double>::infinity();
  check_range(sub->add_option("--valid-fraction", o.data.valid_fraction, "Held-out tail of each record without --valid"), 0,
              1, range_end::closed, range_end::open)
      ->capture_default_str()
      ->excludes(valid);
  sub->add_option("--out", o.out, "Checkpoint to write (.safetensors)")->required();
  sub->add_option("--preset", o.preset, "Model size: tiny, small or base")->capture_default_str();
  check_range(sub->add_option("--steps", o.steps, "Optimizer steps in all"), 1, no_top)->capture_default_str();
  check_range(sub->add_option("--batch", o.batch, "Windows per step"), 1, std::numeric_limits<int>::max())->capture_default_str();
  // Its default (0) means "the model's context"; a value typed must be a real one, as infill's --window.
  check_range(sub->add_option("--seq-len", o.data.window, "Window length; default: the model's context"), 2,
              std::numeric_limits<int>::max());
  check_range(sub->add_option("--lr", o.lr, "Peak learning rate"), 0, 1, range_end::open, range_end::open)->capture_default_str();
  check_range(sub->add_option("--warmup", o.warmup_steps, "Warmup steps; default 5% of --steps, at most 1000"), 0, 1e12);
  check_seed(sub->add_option("--seed", o.seed, "Seed for weights, windows and masks")->capture_default_str());
  sub->add_option("--objective", args->objective, "NELBO estimator: continuous or count")->capture_default_str();
  check_range(sub->add_option("--valid-every", o.valid_every, "Steps between validations"), 1, no_top)->capture_default_str();
  check_range(sub->add_option("--valid-windows", o.valid_windows, "Held-out windows per validation"), 0,
              std::numeric_limits<int>::max())
      ->capture_default_str();
  check_range(sub->add_option("--checkpoint-every", o.checkpoint_every, "Steps between checkpoints"), 1, no_top)
      ->capture_default_str();
  check_range(sub->add_option("--max-minutes", o.max_minutes, "Stop and save after this many minutes (0: no limit)"), 0,
              1e9);
  sub->add_option("--log", args->log, "JSON-lines log; default: OUT.log.jsonl");
  check_threads(sub->add_option("--threads", args->threads, "Intra-op threads; default (or 0): all cores"));
  sub->add_option("--device", o.device, "cpu, cuda or auto")->capture_default_str();
  sub->add_option("--precision", o.precision, "fp32, or bf16 autocast (GPUs; CPUs with AVX512-BF16); auto: bf16 on CUDA, else fp32")->capture_default_str();
  sub->add_option("--layer-kernels", o.layer_kernels,
                  "torch, or fused: RMSNorm, RoPE and SwiGLU each in one kernel of kernels/ (for GPUs; on a CPU "
                  "they run slow reference loops)")
      ->capture_default_str();
  sub->add_option("--save-dtype", o.save_dtype, "Checkpoint weights as f32 or bf16")->capture_default_str();
  auto* resume = sub->add_flag("--resume", o.resume, "Continue the run saved in OUT.state");
  sub->add_option("--init", o.init,
                  "Start from this checkpoint's weights (same preset) instead of random ones; the optimizer and "
                  "the learning-rate schedule start afresh")
      ->excludes(resume);  // the state of the interrupted run holds its weights
  sub->add_flag("--no-rc", args->no_rc, "No reverse-complement augmentation");
  sub->add_option("--labels", o.labels,
                  "Condition on labels: NAME=PATTERN,... (record-name globs) or a TSV of record<TAB>label");
  auto* dropout = check_range(
      sub->add_option("--label-dropout", o.label_dropout, "Share of labelled windows trained with the null label"), 0, 1);
  dropout->capture_default_str();
  return [args, dropout] {
    args->label_dropout_given = dropout->count() > 0;
    return run_train(*args);
  };
}

}  // namespace dnafill::app
