// Threads and a description of the machine, without pulling in the whole of <torch/torch.h>.
#include "core/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <malloc.h>

#include <cstdio>
#include <fstream>
#include <thread>

namespace dnafill::core {

void set_threads(int threads) {
  // OpenBLAS (libopenblas0-pthread) keeps a thread pool of its own that LibTorch's setting does not
  // reach: without this, --threads 1 still ran its matrix products on every core. Only for a count
  // the user gave, so that OPENBLAS_NUM_THREADS and OpenBLAS's own default hold otherwise. Looked up
  // at run time, as another BLAS may be the one loaded.
  using set_blas_threads = void (*)(int);
  if (threads > 0)
    if (auto* f = reinterpret_cast<set_blas_threads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(threads);
  at::set_num_threads(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

int thread_count() { return at::get_num_threads(); }

void keep_allocations_in_heap() {
  mallopt(M_MMAP_MAX, 0);                // no mmap for large blocks: heap only
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and do not give freed heap back below 1 GB
}

bool cuda_available() { return torch::cuda::is_available(); }

status check_device(const std::string& name) {
  if (name == "cpu" || name == "cuda" || name == "auto") return {};
  return status::fail("--device: must be cpu, cuda or auto, got '" + name + "'");
}

status resolve_device(const std::string& name, std::string& resolved) {
  if (auto s = check_device(name); !s) return s;
  resolved = name == "cpu" || !cuda_available() ? "cpu" : "cuda";
  if (name == "cuda" && resolved != "cuda")
    return status::fail("--device: cuda asked for, but LibTorch " + torch_version() + " sees no CUDA GPU");
  return {};
}

std::string torch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

std::string machine_description() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, CPU";
}

std::string machine_description(const std::string& device) {
  if (device != "cuda") return machine_description();
  // The GPU's name without compiling against the CUDA headers: ask the driver's tool.
  std::string gpu = "CUDA GPU";
  if (FILE* pipe = popen("nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null", "r")) {
    char line[256];
    if (std::fgets(line, sizeof line, pipe)) {
      gpu = line;
      while (!gpu.empty() && (gpu.back() == '\n' || gpu.back() == ' ')) gpu.pop_back();
    }
    pclose(pipe);
  }
  return gpu + ", " + machine_description();
}

}  // namespace dnafill::core
