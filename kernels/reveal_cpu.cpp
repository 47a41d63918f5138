// Kernel (b)'s CPU reference: the same rule as the kernel, written as a sort per row.
#include <algorithm>
#include <vector>

#include "kernels/reveal.cuh"

namespace dnafill::kernels {

void commit_reveals_cpu(std::int64_t* tokens, const std::int64_t* proposal, const std::uint8_t* is_free,
                        const double* priority, const std::int32_t* k, const double* threshold, std::int64_t rows,
                        std::int64_t length, std::int32_t* committed) {
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t* row = tokens + r * length;
    const std::int64_t* prop = proposal + r * length;
    const std::uint8_t* free_row = is_free ? is_free + r * length : nullptr;
    const double* prio = priority + r * length;
    std::vector<std::int64_t> chosen;
    for (std::int64_t j = 0; j < length; ++j)
      if (is_candidate(row, prop, free_row, j) && (k[r] >= 0 || prio[j] < threshold[r])) chosen.push_back(j);
    if (k[r] >= 0) {
      std::sort(chosen.begin(), chosen.end(), [&](std::int64_t a, std::int64_t b) { return comes_before(prio, a, b); });
      chosen.resize(std::min<std::size_t>(chosen.size(), static_cast<std::size_t>(k[r])));
    }
    for (auto j : chosen) row[j] = prop[j];
    committed[r] = static_cast<std::int32_t>(chosen.size());
  }
}

}  // namespace dnafill::kernels
