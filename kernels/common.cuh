// What every kernel header shares: host/device qualifiers that plain C++ compilers ignore, so that the
// per-row maths is written once and the CPU reference runs exactly what the kernel runs.
#pragma once

#ifdef __CUDACC__
#define DNAFILL_HD __host__ __device__
#else
#define DNAFILL_HD
#endif

namespace dnafill::kernels {

constexpr int num_bases = 4;     // A C G T, the only outputs of the model (SUBS: no mass on MASK)
constexpr long long mask_token = 4;

// 0 on success, else the CUDA error code of the failing call (cudaError_t as int) or -1 when this
// build has no CUDA kernels. The CUDA launchers take the stream as void* so that these headers need
// no CUDA headers; nullptr is the legacy default stream. core/ passes LibTorch's current stream.
using result = int;
constexpr result no_cuda_build = -1;

bool built_with_cuda();

}  // namespace dnafill::kernels
