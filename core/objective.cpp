// Masked, weighted cross-entropy: the Rao-Blackwellised NELBO of MDLM (and its count form).
#include "core/objective.h"

#include "core/fused.h"

namespace dnafill::core {

batch_tensors to_tensors(const std::vector<token>& clean, const masked_batch& m, torch::Device device) {
  const auto shape = std::vector<int64_t>{m.batch, m.length};
  auto as_long = [&](const std::vector<token>& v) {
    return torch::from_blob(const_cast<token*>(v.data()), shape, torch::kUInt8).to(device, torch::kInt64);
  };
  batch_tensors t;
  t.input = as_long(m.input);
  t.targets = as_long(clean);
  t.is_target = torch::from_blob(const_cast<std::uint8_t*>(m.is_target.data()), shape, torch::kUInt8)
                    .to(device, torch::kBool);
  t.weight = torch::tensor(m.weight, torch::kFloat64).to(device);
  return t;
}

torch::Tensor masked_cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets,
                                   const torch::Tensor& is_target) {
  auto log_probs = torch::log_softmax(logits.to(torch::kFloat32), -1);
  // MASK (unknown) targets are never loss targets; clamp them to a valid index before the gather.
  auto index = targets.clamp_max(num_bases - 1).unsqueeze(-1);
  auto nll = -log_probs.gather(-1, index).squeeze(-1);
  auto zero = torch::zeros({}, nll.options());
  return torch::where(is_target, nll, zero).to(torch::kFloat64).sum(-1);
}

torch::Tensor nelbo_per_sequence(const torch::Tensor& logits, const batch_tensors& batch) {
  // The fused kernel (c): float64 per position, no (B, L, 4) log-probability tensor kept for backward.
  return fused_masked_nelbo(logits, batch.targets, batch.is_target, batch.weight);
}

}  // namespace dnafill::core
