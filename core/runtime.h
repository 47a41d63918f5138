// The compute runtime: intra-op threads, and what this machine and LibTorch are (for logs and cards).
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "bio/status.h"

namespace dnafill::core {

// LibTorch starts with one intra-op thread on some machines; use all cores unless told otherwise.
// `threads` <= 0 means the number of cores this process may use; more than that is taken as that many.
void set_threads(int threads);
int thread_count();
// The most --threads a command line takes (the CLI's and the studio's); more than the cores is
// taken as the cores all the same.
constexpr int max_threads_option = 1024;

// OpenBLAS picks its kernels for the CPU when it is loaded, and a CPU newer than the library gets its
// oldest ones: Debian's 0.3.21 on an Emerald Rapids (family 6, model 207) ran Prescott (SSE3) kernels,
// and an infill of 8 variants took 18.6 s instead of 7.4 s with its SkylakeX (AVX-512) ones. When
// OpenBLAS is the BLAS loaded, OPENBLAS_CORETYPE is not set and its kernels use less of the CPU than
// the CPU has, this initialises it again with the best kernels the CPU runs. Process-wide: call it
// first in main(), before any matrix product.
void choose_blas_kernels();
// "OpenBLAS 0.3.21 (SkylakeX kernels)", or "" when OpenBLAS is not the BLAS loaded.
std::string blas_description();

// glibc serves the large activations of a forward pass (the attention matrix of 8 x 1024 tokens is
// ~100 MB) with mmap and returns them with munmap, so every network call pays page faults for fresh
// zeroed pages: measured 40% of an infill's time (sys 5 s of 12 s). Keep such memory in the heap and
// keep freed memory instead. Process-wide: call once from main().
void keep_allocations_in_heap();

// --device: "cpu", "cuda", or "auto" (CUDA when LibTorch was built with it and sees a GPU).
// `resolved` becomes "cpu" or "cuda"; "cuda" without a usable GPU is an error naming the option.
status resolve_device(const std::string& name, std::string& resolved);
// Only the name: one of cpu, cuda, auto (the studio takes "cuda" without a GPU and says so later).
status check_device(const std::string& name);
bool cuda_available();

// The memory a process of this machine may use, in bytes: RAM and swap, each within its cgroup's
// limit when lower (a container), and within the process's address-space limit (ulimit -v); 0 when
// it cannot be told.
std::uint64_t usable_memory();
// A run whose `bytes` (an estimate from below) exceed usable_memory() cannot finish: it would die
// hours in, or be killed by the system without a word. Refused before any work, naming `what`:
// "WHAT: needs at least 80.0 GB of memory, and this machine gives at most 23.4 GB (RAM and swap)"
// (or "... this process may have at most 6.0 GB (ulimit -v)").
status check_memory(double bytes, const std::string& what);

// What LibTorch (or the C++ library) threw, as one line for a person: the first line of its message
// (LibTorch adds a backtrace), and an allocation that failed said in words: "out of memory: 8.0 GB
// more could not be had".
std::string describe_exception(const std::exception& e);

std::string torch_version();
std::string machine_description();  // "Intel(R) Xeon(R) ... , 2 cores, CPU"
std::string machine_description(const std::string& device);  // the same, naming the GPU when on "cuda"

}  // namespace dnafill::core
