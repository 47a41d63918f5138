// Kernel (a)'s CPU reference: the same per-row maths (draw_base) over host memory.
#include <cmath>

#include "kernels/categorical.cuh"

namespace dnafill::kernels {

void sample_bases_cpu(const float* logits, const float* uncond, const std::uint8_t* allowed, const double* u,
                      std::int64_t rows, const categorical_params& params, std::int64_t* out) {
  using std::exp;
  for (std::int64_t r = 0; r < rows; ++r)
    out[r] = draw_base(logits + r * num_bases, uncond ? uncond + r * num_bases : nullptr, allowed ? allowed[r] : 0xF,
                       u[r], params);
}

}  // namespace dnafill::kernels
