// Shared helpers of the command line.
#include "app/common.h"

#include "bio/alignment_reader.h"
#include "bio/constraints.h"
#include "bio/fasta_writer.h"
#include "bio/mask.h"
#include "bio/output_file.h"
#include "bio/sequence_source.h"
#include "core/runtime.h"
#include "data/store.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

namespace dnafill::app {

int fail(const std::string& command, const std::string& message) {
  std::string line = message;
  std::replace(line.begin(), line.end(), '\n', ' ');  // one line, whatever the message held
  // Other control bytes (a file name's escape sequence, which would recolour the terminal) as \xNN.
  std::cerr << "dnafill " << command << ": " << one_line(line) << std::endl;
  return 1;
}

namespace {

bool given(const named_path& p) { return !p.path.empty() && p.path != "-"; }

status check_creatable(const named_path& out) {
  if (auto s = bio::check_creatable(out.path); !s) return status::fail(out.option + ": " + s.message());
  return {};
}

}  // namespace

std::vector<named_path> fasta_output(const std::string& option, const std::string& path) {
  std::vector<named_path> files = {{option, path, {}, bio::output_kind::fasta}};
  for (const auto& index : bio::fasta_writer::index_paths(path))
    files.push_back({option + "'s index", index, {}, bio::output_kind::fasta_index});
  return files;
}

std::vector<named_path> store_files(const std::string& option, const std::string& path) {
  std::vector<named_path> files = {{option, path}};
  if (!given(files.front())) return files;
  for (const auto& companion : data::store::companion_files(path))  // -wal, -shm, -journal
    files.push_back({option + "'s " + companion.role, companion.path});
  return files;
}

std::vector<named_path> index_inputs(const std::string& option, const std::string& path) {
  std::vector<named_path> files;
  if (path.empty() || path == "-") return files;
  for (const auto& index : bio::index_files(path)) files.push_back({option + "'s index", index});
  return files;
}

std::string as_standard_output(const std::string& path) {
  const std::string names[] = {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/proc/" + std::to_string(getpid()) + "/fd/1"};
  return std::find(std::begin(names), std::end(names), path) != std::end(names) ? "-" : path;
}

named_path mask_file(const std::string& mask) {
  bio::mask_spec spec;
  const bool bed = bio::parse_mask_spec(mask, spec) && spec.from == bio::mask_spec::source::bed;
  return bed ? named_path{"--mask", spec.bed_path} : named_path{};
}

status check_paths(const std::vector<named_path>& outputs, const std::vector<named_path>& inputs) {
  std::vector<named_path> all;
  for (const auto& out : outputs) {
    if (out.path == "-" && !out.not_stdout.empty()) return status::fail(out.option + ": " + out.not_stdout);
    if (!given(out)) continue;
    if (auto s = check_creatable(out); !s) return s;
    all.push_back(out);
  }
  const std::size_t outputs_given = all.size();
  for (const auto& in : inputs)
    if (given(in)) all.push_back(in);
  for (std::size_t i = 0; i < outputs_given; ++i)  // each output against every later path
    for (std::size_t j = i + 1; j < all.size(); ++j)
      if (bio::same_file(all[i].path, all[j].path))
        return status::fail(all[i].option + " and " + all[j].option + " name the same file (" + all[i].path +
                            "): the output would overwrite it");
  for (std::size_t i = 0; i < outputs_given; ++i)  // then a file of another kind, named by mistake
    if (const auto& out = all[i]; !bio::replaceable(out.path, out.kind))
      return status::fail(out.option + " " + out.path + " is there and is not " + bio::output_kind_name(out.kind) +
                          " (it holds " + bio::what_file_holds(out.path) + "): it would be replaced; remove it or name another file");
  return {};
}

void warn_if_cut_short(const std::string& command, const std::string& path) {
  // A stream (a named FIFO) cannot be opened again to look: a second open would wait for a writer.
  if (!bio::is_stream(path) && bio::lacks_eof_marker(path))
    std::cerr << "dnafill " << command << ": warning: " << path
              << " has no end-of-file marker: it may have been cut short (some older writers omit it)" << std::endl;
}

status load_model_option(const std::string& path, core::mdm_model& model, const std::string& device,
                         const std::string& net_precision) {
  return core::load_for_inference(path, model, device, net_precision, nullptr, "give one with --model");
}

CLI::Option* check_seed(CLI::Option* option) {
  return option->check(
      [](const std::string& text) -> std::string {
        errno = 0;
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (digits) (void)std::strtoull(text.c_str(), nullptr, 10);
        if (!digits || errno == ERANGE) return "must be a whole number in 0..18446744073709551615, got '" + text + "'";
        return {};
      },
      "SEED")
      // CLI11 converts with base 0: "010" would be the octal 8. A seed is decimal, and takes a leading
      // "+" as every whole number does. (Only digits are touched, so that the check above names "0x10"
      // as it was given.)
      ->transform([](std::string text) {
        const std::size_t sign = text.size() > 1 && text[0] == '+' ? 1 : 0;
        if (text.find_first_not_of("0123456789", sign) != std::string::npos) return text;
        text.erase(0, sign);
        return text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
      });
}

CLI::Option* check_range(CLI::Option* option, double min, double max, range_end min_end, range_end max_end) {
  // Not a number at all is said as add_value_checks and CLI11's conversion say it ("'x' is not a
  // whole number"), whichever of them meets it first; a number out of range, with the range.
  const std::string type = option->get_type_name();
  const std::string kind = type == "INT" || type == "UINT" ? "a whole number" : "a number";
  return option->check([min, max, min_end, max_end, kind](const std::string& text) -> std::string {
    double value = std::nan("");
    const bool parsed = CLI::detail::lexical_cast(text, value);
    if (!parsed) return "'" + text + "' is not " + kind;
    const bool above_min = min_end == range_end::open ? value > min : value >= min;
    const bool below_max = max_end == range_end::open ? value < max : value <= max;
    if (!(above_min && below_max)) {
      // Whole bounds in digits (9000000000000000000, not 9e+18), others as they are.
      const auto bound = [](double v) {
        std::ostringstream text;
        if (v == std::floor(v) && std::fabs(v) < 9.2e18) text << static_cast<long long>(v);
        else text << std::setprecision(15) << v;
        return text.str();
      };
      std::ostringstream range;
      range << "must be a number ";
      // A top that only guards overflow is said only to a number above it.
      if (max >= std::numeric_limits<int>::max() && !(value > max))
        range << (min_end == range_end::open ? "> " : ">= ") << bound(min);
      else
        range << "in " << (min_end == range_end::open ? "(" : "[") << bound(min) << ", " << bound(max)
              << (max_end == range_end::open ? ")" : "]");
      range << ", got '" << text << "'";
      return range.str();
    }
    return {};
  });
}

CLI::Option* check_threads(CLI::Option* option) { return check_range(option, 0, core::max_threads_option); }

CLI::Option* check_name_list(CLI::Option* option) {
  // An empty value is add_value_checks' to name ("an empty value"): an unset $VAR, not a list.
  return option->check([](const std::string& list) { return list.empty() ? std::string() : bio::name_list_problem(list); });
}

void add_net_precision_option(CLI::App& sub, std::string& net_precision) {
  sub.add_option("--net-precision", net_precision,
                 "The network's arithmetic: fp32, bf16 (autocast; fast on GPUs, slow on most CPUs), or auto: bf16 on a GPU, else fp32")
      ->capture_default_str();
}

progress_bar::progress_bar(std::string label) : label_(std::move(label)), terminal_(isatty(STDERR_FILENO) == 1) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::update(double fraction, const std::string& detail) {
  if (!terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr int width = 30;
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
  std::string bar(filled, '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %s\033[K", label_.c_str(), bar.c_str(),
               static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100), detail.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void progress_bar::finish() {
  if (terminal_ && drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace dnafill::app
