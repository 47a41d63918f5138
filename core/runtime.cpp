// Threads and a description of the machine, without pulling in the whole of <torch/torch.h>.
#include "core/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <new>
#include <thread>

namespace dnafill::core {

namespace {

// OpenBLAS's entry points, looked up at run time: another BLAS may be the one loaded.
template <typename F>
F openblas_function(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

// The cores this process may run on (a container's or taskset's share), else the machine's.
int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

void set_threads(int threads) {
  // More threads than cores only wait on one another (--threads 1024 on 2 cores ran a 1.35 s generate
  // in 55 s): a count above the cores this process may use is taken as that many.
  const int cores = usable_cores(), count = threads > 0 ? std::min(threads, cores) : cores;
  // OpenBLAS (libopenblas0-pthread) keeps a thread pool of its own that LibTorch's setting does not
  // reach: without this, --threads 1 still ran its matrix products on every core. Only for a count
  // the user gave, so that OPENBLAS_NUM_THREADS and OpenBLAS's own default hold otherwise. Looked up
  // at run time.
  if (threads > 0)
    if (auto* f = openblas_function<void (*)(int)>("openblas_set_num_threads")) f(count);
  at::set_num_threads(count);
}

int thread_count() { return at::get_num_threads(); }

namespace {

// 0 SSE, 1 AVX, 2 AVX2 + FMA, 3 AVX-512 (F, CD, BW, DQ, VL: what OpenBLAS's SkylakeX kernels use).
// GCC's checks include the operating system's support for the registers (XCR0).
int simd_level_of_cpu() {
#if !defined(__x86_64__) && !defined(__i386__)
  return 0;  // OpenBLAS picks its own kernels elsewhere
#else
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return 3;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
  return __builtin_cpu_supports("avx") ? 1 : 0;
#endif
}

// The level of OpenBLAS's kernels by their name; one it does not list here is left alone.
int simd_level_of_kernels(const std::string& core) {
  static const std::map<std::string, int> levels = {
      {"Prescott", 0},  {"Core2", 0},     {"Penryn", 0},      {"Dunnington", 0}, {"Nehalem", 0},  {"Atom", 0},
      {"Nano", 0},      {"Sandybridge", 1}, {"Bulldozer", 1}, {"Piledriver", 1}, {"Haswell", 2},  {"Zen", 2},
      {"Steamroller", 2}, {"Excavator", 2}, {"SkylakeX", 3},  {"Cooperlake", 3}, {"SapphireRapids", 3}};
  const auto it = levels.find(core);
  return it == levels.end() ? 3 : it->second;
}

}  // namespace

void choose_blas_kernels() {
  using get_name = char* (*)();
  using action = void (*)();
  const auto corename = openblas_function<get_name>("openblas_get_corename");
  const auto quit = openblas_function<action>("gotoblas_dynamic_quit");
  const auto init = openblas_function<action>("gotoblas_dynamic_init");
  if (!corename || !quit || !init || std::getenv("OPENBLAS_CORETYPE")) return;  // not dynamic, or the user chose
  static const char* best[] = {nullptr, "Sandybridge", "Haswell", "SkylakeX"};
  const int level = simd_level_of_cpu();
  if (level == 0 || simd_level_of_kernels(corename()) >= level) return;
  // gotoblas_dynamic_init reads OPENBLAS_CORETYPE, as it did at load, once the kernel table is cleared.
  quit();
  setenv("OPENBLAS_CORETYPE", best[level], 1);
  init();
  unsetenv("OPENBLAS_CORETYPE");
}

std::string blas_description() {
  using get_text = char* (*)();
  const auto config = openblas_function<get_text>("openblas_get_config");
  const auto corename = openblas_function<get_text>("openblas_get_corename");
  if (!config || !corename) return "";
  // The configuration reads "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY ...": keep the name and version.
  std::string version = config();
  if (const auto space = version.find(' ', version.find(' ') + 1); space != std::string::npos) version.resize(space);
  return version + " (" + corename() + " kernels)";
}

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

namespace {

// RAM and swap, each within its cgroup's limit when lower (a container); 0 when it cannot be told.
std::uint64_t machine_memory() {
  struct sysinfo info {};
  if (::sysinfo(&info) != 0) return 0;
  std::uint64_t ram = static_cast<std::uint64_t>(info.totalram) * info.mem_unit;
  std::uint64_t swap = static_cast<std::uint64_t>(info.totalswap) * info.mem_unit;
  // A container's cgroup (v2) limits each: "max", or a number of bytes.
  auto limit = [](const char* file, std::uint64_t& value) {
    std::ifstream in(file);
    std::uint64_t bytes = 0;
    if (in >> bytes) value = std::min(value, bytes);
  };
  limit("/sys/fs/cgroup/memory.max", ram);
  limit("/sys/fs/cgroup/memory.swap.max", swap);
  return ram + swap;
}

// The process's own address space (ulimit -v), which allocations meet before the machine's; 0: none.
std::uint64_t address_space_limit() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return limit.rlim_cur;
}

}  // namespace

std::uint64_t usable_memory() {
  const std::uint64_t machine = machine_memory(), process = address_space_limit();
  return process > 0 && (machine == 0 || process < machine) ? process : machine;
}

status check_memory(double bytes, const std::string& what) {
  const std::uint64_t usable = usable_memory();
  if (usable == 0 || bytes <= static_cast<double>(usable)) return {};
  const bool process_limit = usable == address_space_limit();
  char line[160];
  std::snprintf(line, sizeof line, ": needs at least %.1f GB of memory, and %s at most %.1f GB %s", bytes / 1e9,
                process_limit ? "this process may have" : "this machine gives", static_cast<double>(usable) / 1e9,
                process_limit ? "(ulimit -v)" : "(RAM and swap)");
  return status::fail(what + line);
}

std::string describe_exception(const std::exception& e) {
  const std::string message = e.what();
  // (CUDA's own first line, "CUDA out of memory. Tried to allocate ...", says it already.)
  const bool allocation = dynamic_cast<const std::bad_alloc*>(&e) != nullptr ||
                          message.find("can't allocate memory") != std::string::npos;
  if (!allocation) return message.substr(0, message.find('\n'));
  // DefaultCPUAllocator says "you tried to allocate N bytes".
  const std::string tried = "tried to allocate ";
  const auto at = message.find(tried);
  char line[96] = "out of memory";
  if (at != std::string::npos)
    if (const double bytes = std::strtod(message.c_str() + at + tried.size(), nullptr); bytes > 0)
      std::snprintf(line, sizeof line, "out of memory: %.1f GB more could not be had", bytes / 1e9);
  return line;
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
