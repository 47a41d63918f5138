// Values and gradients of a module's pass, for comparing two ways of computing the same layers (the
// layer kernels against LibTorch's ops) on the CPU and on the GPU.
#pragma once

#include "tests/core/catch_torch.h"

#include <functional>
#include <vector>

namespace dnafill::test {

// One pass through `run` with the module's layer kernels on or off: its output, then the gradients of
// sum(output * upstream) with respect to `input` (when it has one) and to every parameter.
inline std::vector<torch::Tensor> output_and_gradients(torch::nn::Module& module, const torch::Tensor& input,
                                                       const std::function<torch::Tensor()>& run,
                                                       const torch::Tensor& upstream) {
  for (auto& p : module.parameters()) p.mutable_grad() = torch::Tensor();
  if (input.requires_grad()) input.mutable_grad() = torch::Tensor();
  auto out = run();
  (out.to(torch::kFloat32) * upstream).sum().backward();
  std::vector<torch::Tensor> result{out.detach().to(torch::kFloat32)};
  if (input.requires_grad()) result.push_back(input.grad().clone());
  for (auto& p : module.parameters()) result.push_back(p.grad().clone());
  return result;
}

// Each tensor within `tolerance` times the largest magnitude of the expected one.
inline void check_all_close(const std::vector<torch::Tensor>& got, const std::vector<torch::Tensor>& expected,
                            double tolerance) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double scale = expected[i].abs().max().item<double>();
    const double gap = (got[i] - expected[i]).abs().max().item<double>();
    INFO("tensor " << i << ": largest difference " << gap << " of a largest value " << scale);
    CHECK(gap <= tolerance * (scale + 1e-6));
  }
}

}  // namespace dnafill::test
