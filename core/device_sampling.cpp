// The samplers on the GPU: proposals by the fused float64 categorical kernel, reveals by the fused
// bookkeeping kernel, tokens resident on the device. The host only queues work, so nothing waits for
// the GPU until the finished tokens are copied back. Each sampler's step is the same device work over
// buffers that stay put (what changes between steps is written into them first), so that with
// --cuda-graph it is captured once and replayed (core/cuda_graph.h).
#include "core/cuda_graph.h"
#include "core/fused.h"
#include "core/sampling.h"
#include "core/tokens.h"

namespace dnafill::core {
namespace {

struct device_run {
  denoiser& net;
  torch::Tensor tokens;  // (B, L) int64 on the device, committed in place
  torch::Tensor free;    // (B, L) bool on the device
  kernels::categorical_params draw;
  bool cuda_graph = false;
  const sampling_callback& callback;
  sampling_stats& stats;
  std::int64_t to_reveal = 0;

  torch::TensorOptions on(torch::ScalarType type) const { return tokens.options().dtype(type); }
  std::int64_t rows() const { return tokens.size(0); }

  // A base for every position from this step's logits (only masked free ones are ever committed).
  std::pair<torch::Tensor, torch::Tensor> propose() {
    auto logits = net.logits(tokens).reshape({-1, num_bases});
    auto u = torch::rand({logits.size(0)}, on(torch::kFloat64));
    auto proposal = fused_sample_bases(logits, {}, {}, u, draw).view(tokens.sizes());
    return {proposal, logits};
  }
  void commit(const torch::Tensor& proposal, const torch::Tensor& priority, const torch::Tensor& k,
              const torch::Tensor& threshold) {
    fused_commit_reveals(tokens, proposal, free, priority, k, threshold);
  }
  // The sampler's step, replayed as a CUDA graph when asked for and on a GPU.
  replayable_step step(std::function<void()> work) const {
    return replayable_step(std::move(work), cuda_graph && tokens.is_cuda(), tokens.device().index());
  }
  // After a step: its network call counted (none when `called` is false: a step the cache skipped), and
  // progress without a synchronisation (the share of the schedule done). False: cancelled.
  bool stepped(double done, bool called = true) {
    if (called) ++stats.network_calls;
    else ++stats.cached_steps;
    return !callback || callback({static_cast<std::int64_t>(done * to_reveal), to_reveal, stats.network_calls});
  }
};

// First-hit: every row reveals one uniformly random masked position per call.
status first_hit(device_run& r, std::int64_t most_per_row) {
  auto k = torch::ones({r.rows()}, r.on(torch::kInt32));
  auto unused = torch::zeros({r.rows()}, r.on(torch::kFloat64));
  auto step = r.step([&] {
    auto proposal = r.propose().first;
    r.commit(proposal, torch::rand(r.tokens.sizes(), r.on(torch::kFloat64)), k, unused);
  });
  for (std::int64_t i = 0; i < most_per_row; ++i) {
    step();
    if (!r.stepped(static_cast<double>(i + 1) / most_per_row)) return status::fail("cancelled");
  }
  return {};
}

// MDLM's reverse step from t to s reveals each masked position with probability 1/(T-i) at step i, so
// each position's reveal step is uniform on 0..T-1, independently of the others' (the product of the
// steps' odds of staying masked, (T-i)/T, times 1/(T-i)). Drawn up front on the host, they say which
// steps reveal nothing: there the model's input is unchanged, and it has no time input, so the cache
// skips the call (MDLM's ddpm_cache), as the host loop does, and the host knows it without asking the
// GPU. Step i commits the masked positions whose reveal step is below i + 1: exactly those of step i.
status ancestral(device_run& r, const sampler_params& params, const torch::Tensor& revealable) {
  const int steps = params.steps;
  const auto reveal_step = torch::randint(steps, revealable.sizes(), torch::kFloat64);
  std::vector<char> reveals(static_cast<std::size_t>(steps), 0);
  const auto drawn = reveal_step.masked_select(revealable).to(torch::kInt64);
  int last = -1;  // the loop ends with the last reveal, as the host's ends once all are revealed
  for (std::int64_t i = 0; i < drawn.numel(); ++i) {
    const auto step = drawn.data_ptr<std::int64_t>()[i];
    reveals[static_cast<std::size_t>(step)] = 1;
    last = std::max(last, static_cast<int>(step));
  }
  const auto priority = reveal_step.to(r.tokens.device());  // one copy before the loop
  auto k = torch::full({r.rows()}, -1, r.on(torch::kInt32));
  auto threshold = torch::empty({r.rows()}, r.on(torch::kFloat64));
  auto step = r.step([&] {
    auto proposal = r.propose().first;
    r.commit(proposal, priority, k, threshold);
  });
  for (int i = 0; i <= last; ++i) {
    const double done = static_cast<double>(i + 1) / (last + 1);
    if (!reveals[static_cast<std::size_t>(i)]) {
      // Without the cache (--no-cache) the call is made, as on the host, and changes nothing.
      if (!params.cache) (void)r.net.logits(r.tokens);
      if (!r.stepped(done, /*called=*/!params.cache)) return status::fail("cancelled");
      continue;
    }
    threshold.fill_(i + 1.0);  // a fill kernel with the value as its argument: no copy, no wait
    step();
    if (!r.stepped(done)) return status::fail("cancelled");
  }
  return {};
}

// The confidence sampler's quota of each row at each step, known from its initial count: (T, B).
torch::Tensor confidence_quotas(const sampler_params& params, const std::vector<std::int64_t>& initial) {
  const auto rows = static_cast<std::int64_t>(initial.size());
  auto quotas = torch::zeros({params.steps, rows}, torch::kInt32);
  auto q = quotas.accessor<std::int32_t, 2>();
  std::vector<std::int64_t> left = initial;
  for (int i = 0; i < params.steps; ++i)
    for (std::int64_t b = 0; b < rows; ++b) {
      const auto n = step_quota(params.schedule, i, params.steps, initial[b], left[b]);
      q[i][b] = static_cast<std::int32_t>(n);
      left[b] -= n;
    }
  return quotas;
}

// MaskGIT/LLaDA: each step commits its quota of the most confident proposals.
status confidence(device_run& r, const sampler_params& params, const std::vector<std::int64_t>& initial) {
  const auto quotas = confidence_quotas(params, initial);
  const auto per_step = quotas.sum(1);
  auto quotas_on_device = quotas.to(r.tokens.device());  // one copy before the loop
  auto k = torch::empty({r.rows()}, r.on(torch::kInt32));
  auto unused = torch::zeros({r.rows()}, r.on(torch::kFloat64));
  const auto chain = make_chain(params);
  auto step = r.step([&] {
    auto [proposal, logits] = r.propose();
    // Ranked as on the CPU: by the distribution the candidate is drawn from (temperature, then top-p).
    auto shaped = logits.to(torch::kFloat64);
    chain.apply(shaped);
    r.commit(proposal, confidence_scores(torch::softmax(shaped, -1), params.confidence).view(r.tokens.sizes()), k, unused);
  });
  for (int i = 0; i < params.steps; ++i) {
    if (per_step[i].item<std::int64_t>() == 0) continue;  // host data: nothing to reveal, no call
    k.copy_(quotas_on_device[i]);
    step();
    if (!r.stepped(static_cast<double>(i + 1) / params.steps)) return status::fail("cancelled");
  }
  return {};
}

}  // namespace

status sample_on_device(denoiser& net, torch::Tensor& tokens, const torch::Tensor& free, const sampler_params& params,
                        std::mt19937_64& rng, const sampling_callback& callback, sampling_stats& stats) {
  torch::NoGradGuard no_grad;
  const auto device = net.device();
  torch::manual_seed(rng());  // LibTorch's generators, the CUDA one included, from the caller's stream
  // What may be revealed, known on the host (the caller's tensors are there): no synchronisation.
  const auto revealable = free.to(torch::kCPU, torch::kBool) & (tokens.to(torch::kCPU) == mask_token);
  device_run r{net, tokens.to(device).contiguous(), revealable.to(device), {}, params.cuda_graph, callback, stats};
  r.draw.temperature = params.temperature;
  r.draw.top_p = params.top_p;
  const auto per_row = revealable.sum(1);
  std::vector<std::int64_t> initial(per_row.data_ptr<std::int64_t>(), per_row.data_ptr<std::int64_t>() + per_row.numel());
  for (auto n : initial) r.to_reveal += n;
  status s;
  try {
    switch (params.kind) {
      case sampler_kind::first_hit: s = first_hit(r, *std::max_element(initial.begin(), initial.end())); break;
      case sampler_kind::ancestral: s = ancestral(r, params, revealable); break;
      case sampler_kind::confidence: s = confidence(r, params, initial); break;
    }
  } catch (const std::runtime_error& e) {  // a failed CUDA-graph capture
    return status::fail(e.what());
  }
  if (!s) return s;
  tokens.copy_(r.tokens.to(torch::kCPU));
  return {};
}

}  // namespace dnafill::core
