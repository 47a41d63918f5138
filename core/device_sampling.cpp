// The samplers on the GPU: proposals by the fused float64 categorical kernel, reveals by the fused
// bookkeeping kernel, tokens resident on the device. The host only queues work (and builds the small
// per-row quotas of the confidence sampler from counts it knows in advance), so nothing waits for
// the GPU until the finished tokens are copied back.
#include "core/fused.h"
#include "core/sampling.h"
#include "core/tokens.h"

namespace dnafill::core {
namespace {

struct device_run {
  denoiser& net;
  torch::Tensor tokens;  // (B, L) int64 on the device
  torch::Tensor free;    // (B, L) bool on the device
  kernels::categorical_params draw;
  const sampling_callback& callback;
  sampling_stats& stats;
  std::int64_t to_reveal = 0;

  torch::TensorOptions on(torch::ScalarType type) const { return tokens.options().dtype(type); }

  // A base for every position from this step's logits (only masked free ones are ever committed).
  std::pair<torch::Tensor, torch::Tensor> propose() {
    ++stats.network_calls;
    auto logits = net.logits(tokens).reshape({-1, num_bases});
    auto u = torch::rand({logits.size(0)}, on(torch::kFloat64));
    auto proposal = fused_sample_bases(logits, {}, {}, u, draw).view(tokens.sizes());
    return {proposal, logits};
  }
  void commit(const torch::Tensor& proposal, const torch::Tensor& priority, const torch::Tensor& k,
              const torch::Tensor& threshold) {
    fused_commit_reveals(tokens, proposal, free, priority, k, threshold);
  }
  // Progress without a synchronisation: the share of the schedule done.
  bool report(double done) const {
    return !callback || callback({static_cast<std::int64_t>(done * to_reveal), to_reveal, stats.network_calls});
  }
};

// First-hit: every row reveals one uniformly random masked position per call.
status first_hit(device_run& r, std::int64_t most_per_row) {
  const auto rows = r.tokens.size(0);
  auto k = torch::ones({rows}, r.on(torch::kInt32));
  auto unused = torch::zeros({rows}, r.on(torch::kFloat64));
  for (std::int64_t i = 0; i < most_per_row; ++i) {
    auto proposal = r.propose().first;
    r.commit(proposal, torch::rand(r.tokens.sizes(), r.on(torch::kFloat64)), k, unused);
    if (!r.report(static_cast<double>(i + 1) / most_per_row)) return status::fail("cancelled");
  }
  return {};
}

// MDLM's reverse step: each masked position is revealed with probability 1/(T-i), its base from p.
status ancestral(device_run& r, int steps) {
  const auto rows = r.tokens.size(0);
  auto k = torch::full({rows}, -1, r.on(torch::kInt32));
  for (int i = 0; i < steps; ++i) {
    auto proposal = r.propose().first;
    auto threshold = torch::full({rows}, 1.0 / (steps - i), r.on(torch::kFloat64));
    r.commit(proposal, torch::rand(r.tokens.sizes(), r.on(torch::kFloat64)), k, threshold);
    if (!r.report(static_cast<double>(i + 1) / steps)) return status::fail("cancelled");
  }
  return {};
}

// MaskGIT/LLaDA: the quota of each row is known from its initial count, so it is built on the host.
status confidence(device_run& r, const sampler_params& params, const std::vector<std::int64_t>& initial) {
  const auto rows = r.tokens.size(0);
  std::vector<std::int64_t> left = initial;
  auto unused = torch::zeros({rows}, r.on(torch::kFloat64));
  for (int i = 0; i < params.steps; ++i) {
    std::vector<std::int32_t> quota(rows);
    std::int64_t total = 0;
    for (std::int64_t b = 0; b < rows; ++b) {
      const auto q = i + 1 == params.steps ? left[b]
                                           : std::min(reveal_count(params.schedule, i, params.steps, initial[b]), left[b]);
      quota[b] = static_cast<std::int32_t>(q);
      left[b] -= q;
      total += q;
    }
    if (total == 0) continue;
    auto [proposal, logits] = r.propose();
    auto probs = torch::softmax(logits.to(torch::kFloat64) / params.temperature, -1);
    auto priority = confidence_scores(probs, params.confidence).view(r.tokens.sizes());
    auto k = torch::from_blob(quota.data(), {rows}, torch::kInt32).to(r.tokens.device());
    r.commit(proposal, priority, k, unused);
    if (!r.report(static_cast<double>(i + 1) / params.steps)) return status::fail("cancelled");
  }
  return {};
}

}  // namespace

status sample_on_device(denoiser& net, torch::Tensor& tokens, const torch::Tensor& free, const sampler_params& params,
                        std::mt19937_64& rng, const sampling_callback& callback, sampling_stats& stats) {
  torch::NoGradGuard no_grad;
  const auto device = net.device();
  torch::manual_seed(rng());  // LibTorch's generators, the CUDA one included, from the caller's stream
  device_run r{net, tokens.to(device).contiguous(), free.to(device, torch::kBool) & (tokens.to(device) == mask_token),
               {}, callback, stats};
  r.draw.temperature = params.temperature;
  r.draw.top_p = params.top_p;
  auto per_row = r.free.sum(1).to(torch::kCPU);  // the one synchronisation before the loop
  std::vector<std::int64_t> initial(per_row.data_ptr<std::int64_t>(), per_row.data_ptr<std::int64_t>() + per_row.numel());
  for (auto n : initial) r.to_reveal += n;
  status s;
  switch (params.kind) {
    case sampler_kind::first_hit: s = first_hit(r, *std::max_element(initial.begin(), initial.end())); break;
    case sampler_kind::ancestral: s = ancestral(r, params.steps); break;
    case sampler_kind::confidence: s = confidence(r, params, initial); break;
  }
  if (!s) return s;
  tokens.copy_(r.tokens.to(torch::kCPU));
  return {};
}

}  // namespace dnafill::core
