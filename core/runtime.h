// The compute runtime: intra-op threads, and what this machine and LibTorch are (for logs and cards).
#pragma once

#include <string>

namespace dnafill::core {

// LibTorch starts with one intra-op thread on some machines; use all cores unless told otherwise.
// `threads` <= 0 means the number of cores.
void set_threads(int threads);
int thread_count();

std::string torch_version();
std::string machine_description();  // "Intel(R) Xeon(R) ... , 2 cores, CPU"

}  // namespace dnafill::core
