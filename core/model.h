// The MDM network: a bidirectional transformer (RoPE, pre-norm RMSNorm, SwiGLU, no time input).
// Internal to core/: it includes <torch/torch.h>; code outside core/ uses core/checkpoint.h.
#pragma once

#include <torch/torch.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/model_config.h"

namespace dnafill::core {

// x * rsqrt(mean(x^2) + eps) * weight
struct rms_normImpl : torch::nn::Module {
  rms_normImpl(int dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
  bool fused = false;  // one pass of the RMSNorm kernel (core/fused.h) instead of LibTorch's ops
};
TORCH_MODULE(rms_norm);

// Multi-head self-attention over the whole window (bidirectional), rotary positions on q and k.
struct self_attentionImpl : torch::nn::Module {
  explicit self_attentionImpl(const model_config& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
  int n_heads;
  torch::nn::Linear qkv{nullptr}, out{nullptr};
  bool fused = false;  // split into heads and rotate q, k in one pass of the RoPE kernel
};
TORCH_MODULE(self_attention);

// SwiGLU MLP: down(silu(gate(x)) * up(x)); gate and up share one matrix.
struct swiglu_mlpImpl : torch::nn::Module {
  explicit swiglu_mlpImpl(const model_config& config);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear gate_up{nullptr}, down{nullptr};
  bool fused = false;  // silu(gate) * up in one pass of the SwiGLU kernel
};
TORCH_MODULE(swiglu_mlp);

struct transformer_blockImpl : torch::nn::Module {
  explicit transformer_blockImpl(const model_config& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
  rms_norm attention_norm{nullptr}, mlp_norm{nullptr};
  self_attention attention{nullptr};
  swiglu_mlp mlp{nullptr};
};
TORCH_MODULE(transformer_block);

// tokens (B, L) int64 in [0, vocab) -> logits (B, L, 4) over A C G T. The head has no MASK output, so
// the MASK probability is zero by construction (MDLM's SUBS parameterisation). There is no time input:
// the optimal masked model does not depend on t (Zheng et al.; RADD).
// A model with labels (num_labels > 0) reads one more token before the sequence: `labels` (B) int64,
// a label token (base_vocab + index) or MASK for none, the null label of classifier-free guidance;
// undefined = none for every row. Models without labels ignore `labels`.
struct mdm_transformerImpl : torch::nn::Module {
  explicit mdm_transformerImpl(const model_config& config);
  torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& labels = {});
  // The forward pass of inference (sampling, scoring): under bf16 autocast when `bf16_inference` is
  // set (matrix products and attention in bfloat16), the logits always float32.
  torch::Tensor infer(const torch::Tensor& tokens, const torch::Tensor& labels = {});
  // RC ensembling (DESIGN.md): the log-probabilities of the tokens averaged with those of their reverse
  // complement mapped back (the reverse strand's position L-1-i and base 3-x are position i's base x),
  // and normalised again (a geometric mean of the two distributions), float32 (B, L, 4). Both strands
  // go through as one batch of 2B rows, at twice the cost. What it gives
  // does not depend on the strand a sequence is read from; a model trained with reverse-complement
  // augmentation should see each strand alike, and one that does not quite is averaged out.
  torch::Tensor infer_both_strands(const torch::Tensor& tokens, const torch::Tensor& labels = {});
  torch::Device device() const { return embedding->weight.device(); }
  // The layer kernels of kernels/ (RMSNorm, RoPE, SwiGLU) in every block instead of LibTorch's
  // elementwise ops, where they run (core/fused.h): the same maths in fewer passes over memory, for
  // training on the GPU. On the CPU they run slow reference loops: for tests only.
  void set_fused_layers(bool on);
  model_config config;
  torch::nn::Embedding embedding{nullptr};
  torch::nn::ModuleList blocks;
  rms_norm final_norm{nullptr};
  torch::nn::Linear head{nullptr};
  bool bf16_inference = false;

 private:
  // Rotary tables per device, made once for the whole context (shorter windows take a prefix):
  // building them on the host and copying them over at every forward pass made each pass wait for the
  // GPU (a pageable copy synchronises), and a CUDA graph cannot capture such a copy.
  std::pair<torch::Tensor, torch::Tensor> rope(int length, torch::Device device);
  std::mutex rope_mutex_;
  std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> rope_cache_;
};
TORCH_MODULE(mdm_transformer);

// Tokens (B, L) int64 of the reverse strand: positions reversed, each base complemented (A<->T, C<->G
// is x -> 3 - x in the order A C G T), MASK kept.
torch::Tensor reverse_complement_tokens(const torch::Tensor& tokens);

// Rotary tables (L, head_dim/2) for positions 0..length-1, float32 on `device`.
std::pair<torch::Tensor, torch::Tensor> rope_tables(int length, int head_dim, double base, torch::Device device);

}  // namespace dnafill::core
