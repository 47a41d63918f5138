// Masked, weighted cross-entropy: the Rao-Blackwellised NELBO of MDLM (and its count form).
#include "core/objective.h"

#include "core/fused.h"

namespace dnafill::core {

batch_tensors to_tensors(const std::vector<token>& clean, const masked_batch& m, torch::Device device) {
  const auto shape = std::vector<int64_t>{m.batch, m.length};
  // To a GPU through pinned memory without blocking: a copy from pageable memory first waits for
  // everything queued on the stream, so the host could not prepare the next batch meanwhile.
  auto to_device = [&](torch::Tensor host, torch::ScalarType type) {
    if (!device.is_cuda()) return host.to(device, type);
    return host.pin_memory().to(device, /*non_blocking=*/true).to(type);
  };
  auto bytes = [&](const std::vector<std::uint8_t>& v) {
    return torch::from_blob(const_cast<std::uint8_t*>(v.data()), shape, torch::kUInt8);
  };
  batch_tensors t;
  t.input = to_device(bytes(m.input), torch::kInt64);
  t.targets = to_device(bytes(clean), torch::kInt64);
  t.is_target = to_device(bytes(m.is_target), torch::kBool);
  t.weight = to_device(torch::tensor(m.weight, torch::kFloat64), torch::kFloat64);
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

void clip_gradients(const std::vector<torch::Tensor>& parameters, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return;
  std::vector<torch::Tensor> norms;
  for (const auto& g : grads) norms.push_back(g.norm(2).to(torch::kFloat64));
  const auto total = torch::stack(norms).norm(2);
  const auto factor = (max_norm / (total + 1e-6)).clamp_max(1.0);  // 1: leave the gradients as they are
  for (auto& g : grads) g.mul_(factor);
}

}  // namespace dnafill::core
