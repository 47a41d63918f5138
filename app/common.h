// What the subcommands share: one-line errors, loading the model option, a terminal progress bar.
#pragma once

#include <chrono>
#include <string>

#include "core/checkpoint.h"

namespace CLI {
class App;
}

namespace dnafill::app {

// Prints "dnafill <command>: <message>" as one line on stderr and returns the exit status 1.
int fail(const std::string& command, const std::string& message);

// Loads `path`, or the shipped default model when it is empty.
// --model (or the shipped default), moved to --device ("cpu", "cuda" or "auto"), its network run in
// --net-precision ("fp32", "bf16", or "auto": bf16 on a GPU) when it samples and scores.
status load_model_option(const std::string& path, core::mdm_model& model, const std::string& device = "cpu",
                         const std::string& net_precision = "fp32");
void add_net_precision_option(CLI::App& sub, std::string& net_precision);


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
