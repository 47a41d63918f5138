// The compute runtime: intra-op threads, and what this machine and LibTorch are (for logs and cards).
#pragma once

#include <string>

#include "bio/status.h"

namespace dnafill::core {

// LibTorch starts with one intra-op thread on some machines; use all cores unless told otherwise.
// `threads` <= 0 means the number of cores.
void set_threads(int threads);
int thread_count();

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

std::string torch_version();
std::string machine_description();  // "Intel(R) Xeon(R) ... , 2 cores, CPU"
std::string machine_description(const std::string& device);  // the same, naming the GPU when on "cuda"

}  // namespace dnafill::core
