// Shared helpers of the command line.
#include "app/common.h"

#include "core/runtime.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace dnafill::app {

int fail(const std::string& command, const std::string& message) {
  std::string line = message;
  std::replace(line.begin(), line.end(), '\n', ' ');  // one line, whatever the message held
  std::cerr << "dnafill " << command << ": " << line << std::endl;
  return 1;
}

status load_model_option(const std::string& path, core::mdm_model& model, const std::string& device,
                         const std::string& net_precision) {
  const std::string resolved = path.empty() ? core::default_model_path() : path;
  if (auto s = core::load_model(resolved, model); !s) {
    if (path.empty()) return status::fail(s.message() + " (the default model; give one with --model)");
    return s;
  }
  if (auto s = core::check_inference_precision(net_precision); !s) return s;
  std::string where;
  if (auto s = core::resolve_device(device, where); !s) return s;
  if (where != "cpu")
    if (auto s = core::move_model(model, where); !s) return s;
  return core::set_inference_precision(model, net_precision);  // after the move: auto depends on the device
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
