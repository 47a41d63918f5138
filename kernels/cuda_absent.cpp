// The CUDA launchers of a build without DNAFILL_CUDA: each reports no_cuda_build, so callers dispatch
// the same way in every build and only find out, with a message, if a CUDA tensor ever reaches them.
#include "kernels/categorical.cuh"
#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"
#include "kernels/rms_norm.cuh"
#include "kernels/rope.cuh"
#include "kernels/swiglu.cuh"

namespace dnafill::kernels {

result sample_bases_cuda(const float*, const float*, const std::uint8_t*, const double*, std::int64_t,
                         const categorical_params&, std::int64_t*, void*) {
  return no_cuda_build;
}

result commit_reveals_cuda(std::int64_t*, const std::int64_t*, const std::uint8_t*, const double*, const std::int32_t*,
                           const double*, std::int64_t, std::int64_t, std::int32_t*, void*) {
  return no_cuda_build;
}

result masked_ce_forward_cuda(const float*, const std::int64_t*, const std::uint8_t*, const double*, std::int64_t,
                              std::int64_t, double*, void*) {
  return no_cuda_build;
}

result masked_ce_backward_cuda(const float*, const std::int64_t*, const std::uint8_t*, const double*, const double*,
                               std::int64_t, std::int64_t, float*, void*) {
  return no_cuda_build;
}

std::int64_t rms_norm_partial_size(std::int64_t, std::int64_t) { return 0; }

result rms_norm_forward_cuda(const float*, const float*, std::int64_t, std::int64_t, float, dtype, void*, float*, void*) {
  return no_cuda_build;
}

result rms_norm_backward_cuda(const float*, const float*, const float*, const void*, dtype, std::int64_t, std::int64_t,
                              float*, float*, float*, void*) {
  return no_cuda_build;
}

result rope_forward_cuda(const void*, dtype, const float*, const float*, rope_shape, void*, void*, void*, void*) {
  return no_cuda_build;
}

result rope_backward_cuda(const void*, const void*, const void*, dtype, const float*, const float*, rope_shape, void*,
                          void*) {
  return no_cuda_build;
}

result swiglu_forward_cuda(const void*, dtype, std::int64_t, std::int64_t, void*, void*) { return no_cuda_build; }

result swiglu_backward_cuda(const void*, const void*, dtype, std::int64_t, std::int64_t, void*, void*) {
  return no_cuda_build;
}

}  // namespace dnafill::kernels
