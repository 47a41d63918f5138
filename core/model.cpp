// The MDM transformer: embedding, blocks of (RMSNorm, RoPE attention, RMSNorm, SwiGLU), head over 4 bases.
#include "core/model.h"

#include <algorithm>
#include <cmath>

#include "core/compat.h"
#include "core/fused.h"
#include "core/tokens.h"

namespace dnafill::core {
namespace {

// GPT-2 style initialisation: N(0, 0.02), residual output projections scaled down by depth so the
// residual stream does not grow with the number of blocks.
void init_linear(torch::nn::Linear& linear, double std) {
  torch::NoGradGuard no_grad;
  linear->weight.normal_(0.0, std);
  if (linear->bias.defined()) linear->bias.zero_();
}

// (B, H, L, Dh) rotated by position: the first and second halves of each head form the pairs.
torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const auto half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half);
  auto x2 = x.narrow(-1, half, half);
  return torch::cat({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1);
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> rope_tables(int length, int head_dim, double base, torch::Device device) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  auto inv_freq = torch::pow(base, -torch::arange(0, head_dim, 2, opts) / head_dim);
  auto angles = torch::outer(torch::arange(length, opts), inv_freq);
  return {angles.cos().to(device, torch::kFloat32), angles.sin().to(device, torch::kFloat32)};
}

rms_normImpl::rms_normImpl(int dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor rms_normImpl::forward(const torch::Tensor& x) {
  if (fused && layer_kernels_run_on(x.device())) return fused_rms_norm(x, weight, eps);
  return x * torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + eps) * weight;
}

self_attentionImpl::self_attentionImpl(const model_config& c) : n_heads(c.n_heads) {
  qkv = register_module("qkv", torch::nn::Linear(torch::nn::LinearOptions(c.d_model, 3 * c.d_model).bias(false)));
  out = register_module("out", torch::nn::Linear(torch::nn::LinearOptions(c.d_model, c.d_model).bias(false)));
  init_linear(qkv, 0.02);
  init_linear(out, 0.02 / std::sqrt(2.0 * c.n_layers));
}

torch::Tensor self_attentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const auto batch = x.size(0), length = x.size(1), d = x.size(2);
  if (fused && layer_kernels_run_on(x.device())) {
    auto [q, k, v] = fused_rope_heads(qkv(x), n_heads, cos, sin);
    return out(compat::attention(q, k, v).transpose(1, 2).reshape({batch, length, d}));
  }
  // (B, L, 3, H, Dh) -> (3, B, H, L, Dh)
  auto qkv_heads = qkv(x).view({batch, length, 3, n_heads, d / n_heads}).permute({2, 0, 3, 1, 4});
  auto q = apply_rope(qkv_heads[0], cos, sin);
  auto k = apply_rope(qkv_heads[1], cos, sin);
  auto heads = compat::attention(q, k, qkv_heads[2]);
  return out(heads.transpose(1, 2).reshape({batch, length, d}));
}

swiglu_mlpImpl::swiglu_mlpImpl(const model_config& c) {
  gate_up = register_module("gate_up", torch::nn::Linear(torch::nn::LinearOptions(c.d_model, 2 * c.d_mlp).bias(false)));
  down = register_module("down", torch::nn::Linear(torch::nn::LinearOptions(c.d_mlp, c.d_model).bias(false)));
  init_linear(gate_up, 0.02);
  init_linear(down, 0.02 / std::sqrt(2.0 * c.n_layers));
}

torch::Tensor swiglu_mlpImpl::forward(const torch::Tensor& x) {
  if (fused && layer_kernels_run_on(x.device())) return down(fused_swiglu(gate_up(x)));
  auto gate_and_up = gate_up(x).chunk(2, -1);
  return down(torch::silu(gate_and_up[0]) * gate_and_up[1]);
}

transformer_blockImpl::transformer_blockImpl(const model_config& c) {
  attention_norm = register_module("attention_norm", rms_norm(c.d_model, c.norm_eps));
  attention = register_module("attention", self_attention(c));
  mlp_norm = register_module("mlp_norm", rms_norm(c.d_model, c.norm_eps));
  mlp = register_module("mlp", swiglu_mlp(c));
}

torch::Tensor transformer_blockImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  auto h = x + attention(attention_norm(x), cos, sin);
  return h + mlp(mlp_norm(h));
}

mdm_transformerImpl::mdm_transformerImpl(const model_config& c) : config(c) {
  embedding = register_module("embedding", torch::nn::Embedding(c.vocab_size, c.d_model));
  {
    torch::NoGradGuard no_grad;
    embedding->weight.normal_(0.0, 0.02);
  }
  for (int i = 0; i < c.n_layers; ++i) blocks->push_back(transformer_block(c));
  register_module("blocks", blocks);
  final_norm = register_module("final_norm", rms_norm(c.d_model, c.norm_eps));
  head = register_module("head", torch::nn::Linear(c.d_model, num_bases));
  // A zero head starts at uniform logits: exactly 2 bits/base, a calm start for the loss.
  init_linear(head, 0.0);
}

torch::Tensor mdm_transformerImpl::forward(const torch::Tensor& tokens, const torch::Tensor& labels) {
  auto input = tokens;
  if (config.num_labels > 0) {
    auto prefix = labels.defined() ? labels.to(tokens.options()).view({-1, 1})
                                   : torch::full({tokens.size(0), 1}, static_cast<std::int64_t>(mask_token), tokens.options());
    input = torch::cat({prefix, tokens}, 1);
  }
  auto [cos, sin] = rope(static_cast<int>(input.size(1)), tokens.device());
  auto x = embedding(input);
  for (const auto& block : *blocks) x = block->as<transformer_block>()->forward(x, cos, sin);
  auto logits = head(final_norm(x));
  return config.num_labels > 0 ? logits.narrow(1, 1, tokens.size(1)) : logits;
}

torch::Tensor mdm_transformerImpl::infer(const torch::Tensor& tokens, const torch::Tensor& labels) {
  compat::bf16_autocast autocast(bf16_inference, tokens.device(), /*cache_casts=*/false);
  return forward(tokens, labels).to(torch::kFloat32);
}

torch::Tensor mdm_transformerImpl::infer_both_strands(const torch::Tensor& tokens, const torch::Tensor& labels) {
  const auto rows = tokens.size(0);
  auto both = infer(torch::cat({tokens, reverse_complement_tokens(tokens)}, 0),
                    labels.defined() ? torch::cat({labels, labels}, 0) : labels);
  auto log_probs = torch::log_softmax(both, -1);
  // Flipping the base axis maps base x to 3 - x, its complement, as flipping the positions maps i to L-1-i.
  auto mapped_back = log_probs.narrow(0, rows, rows).flip({1, 2});
  return torch::log_softmax((log_probs.narrow(0, 0, rows) + mapped_back) / 2, -1);
}

torch::Tensor reverse_complement_tokens(const torch::Tensor& tokens) {
  auto reversed = tokens.flip({1});
  return torch::where(reversed < num_bases, (num_bases - 1) - reversed, reversed);
}

void mdm_transformerImpl::set_fused_layers(bool on) {
  for (const auto& module : *blocks) {
    auto block = module->as<transformer_block>();
    block->attention_norm->fused = block->mlp_norm->fused = on;
    block->attention->fused = block->mlp->fused = on;
  }
  final_norm->fused = on;
}

std::pair<torch::Tensor, torch::Tensor> mdm_transformerImpl::rope(int length, torch::Device device) {
  std::lock_guard<std::mutex> lock(rope_mutex_);
  auto& tables = rope_cache_[device.str()];
  if (!tables.first.defined() || tables.first.size(0) < length)
    tables = rope_tables(std::max(length, config.context_length + 1), config.d_model / config.n_heads, config.rope_base,
                         device);
  return {tables.first.narrow(0, 0, length), tables.second.narrow(0, 0, length)};
}

}  // namespace dnafill::core
