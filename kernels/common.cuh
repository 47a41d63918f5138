// What every kernel header shares: host/device qualifiers that plain C++ compilers ignore, so that the
// per-row maths is written once and the CPU reference runs exactly what the kernel runs.
#pragma once

#include <cstdint>
#include <cstring>

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
// Pointers are the caller's (host memory for *_cpu, device memory for *_cuda) and are not kept after
// the call. The *_cuda launchers queue the kernel on the stream and return at once: `result` reports
// launch errors only, and a fault inside a kernel shows at the next synchronisation.
using result = int;
constexpr result no_cuda_build = -1;

bool built_with_cuda();

// Storage types of the layer kernels (rms_norm, rope, swiglu): float32, or bfloat16 kept as its 16
// bits. The conversion is written here once (round to nearest even, as LibTorch and CUDA do), so the
// CPU reference and the kernel store the same bits and no CUDA header is needed.
enum class dtype { f32, bf16 };
struct bf16_bits {
  std::uint16_t bits;
};

DNAFILL_HD inline float to_float(float x) { return x; }
DNAFILL_HD inline float to_float(bf16_bits x) {
  const std::uint32_t u = static_cast<std::uint32_t>(x.bits) << 16;
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

template <class T>
DNAFILL_HD inline T from_float(float x);
template <>
DNAFILL_HD inline float from_float<float>(float x) { return x; }
template <>
DNAFILL_HD inline bf16_bits from_float<bf16_bits>(float x) {
#ifdef __CUDA_ARCH__
  const std::uint32_t u = __float_as_uint(x);
#else
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
#endif
  if ((u & 0x7fffffffu) > 0x7f800000u) return {0x7fc0};  // NaN stays NaN (rounding could make it inf)
  return {static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16)};
}

}  // namespace dnafill::kernels
