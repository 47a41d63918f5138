// Dispatch of the fused kernels by device; the NELBO and the layer kernels as autograd functions.
#include "core/fused.h"

#include "core/compat.h"
#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"
#include "kernels/rms_norm.cuh"
#include "kernels/rope.cuh"
#include "kernels/swiglu.cuh"

#ifdef DNAFILL_TORCH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace dnafill::core {
namespace {

namespace k = dnafill::kernels;

const std::uint8_t* bytes_of(const torch::Tensor& t) {
  return t.defined() ? static_cast<const std::uint8_t*>(t.data_ptr()) : nullptr;
}

void check(k::result r, const char* op) {
  TORCH_CHECK(r == 0, op, ": CUDA kernel failed (", r == k::no_cuda_build ? "built without DNAFILL_CUDA" : "error",
              " ", r, ")");
}

bool use_kernels(const torch::Tensor& t) { return !t.is_cuda() || k::built_with_cuda(); }

// The kernels go on LibTorch's current stream of the tensor's device, where the ops before and after
// them run: in order with them without a synchronisation, and inside a CUDA graph while one is captured.
void* stream_of(const torch::Tensor& t) {
#ifdef DNAFILL_TORCH_CUDA
  return c10::cuda::getCurrentCUDAStream(t.device().index()).stream();
#else
  (void)t;
  return nullptr;  // a LibTorch without CUDA never hands us a CUDA tensor
#endif
}

// The kernels launch on the current CUDA device: for as long as this lives, the tensor's. (The autograd
// engine already sets it for backward passes; forward passes may come from any device's caller.)
class on_device_of {
 public:
  explicit on_device_of(const torch::Tensor& t) {
#ifdef DNAFILL_TORCH_CUDA
    if (t.is_cuda()) guard_.set_device(t.device());
#else
    (void)t;
#endif
  }

 private:
#ifdef DNAFILL_TORCH_CUDA
  c10::cuda::OptionalCUDAGuard guard_;
#endif
};

// LibTorch's own ops, for CUDA tensors in a build without the kernels.
torch::Tensor composite_nelbo(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& is_target,
                              const torch::Tensor& weight) {
  auto log_probs = torch::log_softmax(logits.to(torch::kFloat32), -1);
  auto nll = -log_probs.gather(-1, targets.clamp_max(k::num_bases - 1).unsqueeze(-1)).squeeze(-1);
  return weight * torch::where(is_target, nll, torch::zeros({}, nll.options())).to(torch::kFloat64).sum(-1);
}


struct masked_nelbo_function : torch::autograd::Function<masked_nelbo_function> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor logits, torch::Tensor targets,
                               torch::Tensor is_target, torch::Tensor weight) {
    ctx->save_for_backward({logits, targets, is_target, weight});
    const auto rows = logits.size(0), length = logits.size(1);
    auto loss = torch::empty({rows}, weight.options());
    if (logits.is_cuda())
      check(k::masked_ce_forward_cuda(logits.data_ptr<float>(), targets.data_ptr<std::int64_t>(), bytes_of(is_target),
                              weight.data_ptr<double>(), rows, length, loss.data_ptr<double>(), stream_of(logits)),
            "masked cross-entropy");
    else
      k::masked_ce_forward_cpu(logits.data_ptr<float>(), targets.data_ptr<std::int64_t>(), bytes_of(is_target),
                               weight.data_ptr<double>(), rows, length, loss.data_ptr<double>());
    return loss;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto& logits = saved[0];
    const auto rows = logits.size(0), length = logits.size(1);
    auto grad_loss = grad_output[0].to(torch::kFloat64).contiguous();
    auto grad = torch::empty_like(logits);
    if (logits.is_cuda())
      check(k::masked_ce_backward_cuda(logits.data_ptr<float>(), saved[1].data_ptr<std::int64_t>(), bytes_of(saved[2]),
                               saved[3].data_ptr<double>(), grad_loss.data_ptr<double>(), rows, length,
                               grad.data_ptr<float>(), stream_of(logits)),
            "masked cross-entropy backward");
    else
      k::masked_ce_backward_cpu(logits.data_ptr<float>(), saved[1].data_ptr<std::int64_t>(), bytes_of(saved[2]),
                                saved[3].data_ptr<double>(), grad_loss.data_ptr<double>(), rows, length,
                                grad.data_ptr<float>());
    return {grad, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

// Storage type of a layer kernel's activations: float32 or bf16, nothing else.
k::dtype storage_of(const torch::Tensor& t) {
  TORCH_CHECK(t.scalar_type() == torch::kFloat32 || t.scalar_type() == torch::kBFloat16,
              "layer kernels: float32 or bfloat16 tensors only, got ", t.scalar_type());
  return t.scalar_type() == torch::kBFloat16 ? k::dtype::bf16 : k::dtype::f32;
}

struct rms_norm_function : torch::autograd::Function<rms_norm_function> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, torch::Tensor weight, double eps,
                               bool bf16_out) {
    const auto dim = x.size(-1), rows = x.numel() / dim;
    auto y = torch::empty(x.sizes(), x.options().dtype(bf16_out ? torch::kBFloat16 : torch::kFloat32));
    auto rstd = torch::empty({rows}, x.options());
    const auto y_type = storage_of(y);
    if (x.is_cuda())
      check(k::rms_norm_forward_cuda(x.data_ptr<float>(), weight.data_ptr<float>(), rows, dim, static_cast<float>(eps),
                                     y_type, y.data_ptr(), rstd.data_ptr<float>(), stream_of(x)),
            "rms_norm");
    else
      k::rms_norm_forward_cpu(x.data_ptr<float>(), weight.data_ptr<float>(), rows, dim, static_cast<float>(eps), y_type,
                              y.data_ptr(), rstd.data_ptr<float>());
    ctx->save_for_backward({x, weight, rstd});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1], &rstd = saved[2];
    const auto dim = x.size(-1), rows = x.numel() / dim;
    // The autograd engine hands each gradient over in its output's type: here y's, float32 or bf16.
    auto dy = grad_output[0].contiguous();
    auto dx = torch::empty_like(x);
    auto dweight = torch::empty_like(weight);
    if (x.is_cuda()) {
      auto partial = torch::empty({std::max<std::int64_t>(1, k::rms_norm_partial_size(rows, dim))}, x.options());
      check(k::rms_norm_backward_cuda(x.data_ptr<float>(), weight.data_ptr<float>(), rstd.data_ptr<float>(),
                                      dy.data_ptr(), storage_of(dy), rows, dim, dx.data_ptr<float>(),
                                      dweight.data_ptr<float>(), partial.data_ptr<float>(), stream_of(x)),
            "rms_norm backward");
    } else {
      k::rms_norm_backward_cpu(x.data_ptr<float>(), weight.data_ptr<float>(), rstd.data_ptr<float>(), dy.data_ptr(),
                               storage_of(dy), rows, dim, dx.data_ptr<float>(), dweight.data_ptr<float>());
    }
    return {dx, dweight, torch::Tensor(), torch::Tensor()};
  }
};

k::rope_shape rope_shape_of(const torch::Tensor& qkv, std::int64_t heads) {
  return {qkv.size(0), qkv.size(1), heads, qkv.size(2) / (3 * heads)};
}

struct rope_heads_function : torch::autograd::Function<rope_heads_function> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, torch::Tensor qkv,
                                                std::int64_t heads, torch::Tensor cos, torch::Tensor sin) {
    const auto s = rope_shape_of(qkv, heads);
    auto query = torch::empty({s.batch, s.length, s.heads, s.head_dim}, qkv.options());
    auto key = torch::empty_like(query), value = torch::empty_like(query);
    if (qkv.is_cuda())
      check(k::rope_forward_cuda(qkv.data_ptr(), storage_of(qkv), cos.data_ptr<float>(), sin.data_ptr<float>(), s,
                                 query.data_ptr(), key.data_ptr(), value.data_ptr(), stream_of(qkv)),
            "rope");
    else
      k::rope_forward_cpu(qkv.data_ptr(), storage_of(qkv), cos.data_ptr<float>(), sin.data_ptr<float>(), s,
                          query.data_ptr(), key.data_ptr(), value.data_ptr());
    ctx->save_for_backward({cos, sin});
    ctx->saved_data["heads"] = heads;
    ctx->saved_data["sizes"] = qkv.sizes();
    // (B, L, H, Dh) memory seen as (B, H, L, Dh): attention takes the views as they are.
    return {query.transpose(1, 2), key.transpose(1, 2), value.transpose(1, 2)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto& cos = saved[0];
    const auto& sin = saved[1];
    // Each gradient comes in qkv's type (that of q, k and v), as zeros for a part nobody used (the
    // engine materialises them), and is taken in (B, L, H, Dh) memory: no copy when it comes that way
    // (flash attention keeps its inputs' layout for their gradients).
    std::array<torch::Tensor, 3> g;
    for (int part = 0; part < 3; ++part) g[part] = grad_output[part].transpose(1, 2).contiguous();
    auto dqkv = torch::empty(ctx->saved_data["sizes"].toIntVector(), g[0].options());
    const auto s = rope_shape_of(dqkv, ctx->saved_data["heads"].toInt());
    if (dqkv.is_cuda())
      check(k::rope_backward_cuda(g[0].data_ptr(), g[1].data_ptr(), g[2].data_ptr(), storage_of(dqkv),
                                  cos.data_ptr<float>(), sin.data_ptr<float>(), s, dqkv.data_ptr(), stream_of(dqkv)),
            "rope backward");
    else
      k::rope_backward_cpu(g[0].data_ptr(), g[1].data_ptr(), g[2].data_ptr(), storage_of(dqkv), cos.data_ptr<float>(),
                           sin.data_ptr<float>(), s, dqkv.data_ptr());
    return {dqkv, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

struct swiglu_function : torch::autograd::Function<swiglu_function> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor gate_up) {
    const auto m = gate_up.size(-1) / 2, rows = gate_up.numel() / (2 * m);
    auto sizes = gate_up.sizes().vec();
    sizes.back() = m;
    auto y = torch::empty(sizes, gate_up.options());
    if (gate_up.is_cuda())
      check(k::swiglu_forward_cuda(gate_up.data_ptr(), storage_of(gate_up), rows, m, y.data_ptr(), stream_of(gate_up)),
            "swiglu");
    else
      k::swiglu_forward_cpu(gate_up.data_ptr(), storage_of(gate_up), rows, m, y.data_ptr());
    ctx->save_for_backward({gate_up});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_output) {
    const auto gate_up = ctx->get_saved_variables()[0];
    const auto m = gate_up.size(-1) / 2, rows = gate_up.numel() / (2 * m);
    auto dy = grad_output[0].contiguous();  // in y's type, gate_up's
    auto dgate_up = torch::empty_like(gate_up);
    if (gate_up.is_cuda())
      check(k::swiglu_backward_cuda(gate_up.data_ptr(), dy.data_ptr(), storage_of(gate_up), rows, m,
                                    dgate_up.data_ptr(), stream_of(gate_up)),
            "swiglu backward");
    else
      k::swiglu_backward_cpu(gate_up.data_ptr(), dy.data_ptr(), storage_of(gate_up), rows, m, dgate_up.data_ptr());
    return {dgate_up};
  }
};

}  // namespace

bool layer_kernels_run_on(const torch::Device& device) { return !device.is_cuda() || k::built_with_cuda(); }

torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  TORCH_CHECK(x.dim() >= 1 && x.size(-1) > 0 && weight.numel() == x.size(-1) && weight.device() == x.device(),
              "rms_norm: weight must have the size of x's last dimension, on x's device");
  const bool bf16_out = compat::bf16_autocast_enabled(x.device()) || x.scalar_type() == torch::kBFloat16;
  on_device_of device(x);
  return rms_norm_function::apply(x.to(torch::kFloat32).contiguous(), weight.to(torch::kFloat32).contiguous(), eps,
                                  bf16_out);
}

std::array<torch::Tensor, 3> fused_rope_heads(const torch::Tensor& qkv, std::int64_t heads, const torch::Tensor& cos,
                                              const torch::Tensor& sin) {
  TORCH_CHECK(heads > 0 && qkv.dim() == 3 && qkv.size(2) % (3 * heads) == 0 && (qkv.size(2) / (3 * heads)) % 2 == 0,
              "rope: qkv must be (B, L, 3 * heads * even head size)");
  const auto length = qkv.size(1), half = qkv.size(2) / (3 * heads) / 2;
  TORCH_CHECK(cos.dim() == 2 && sin.sizes() == cos.sizes() && cos.size(0) >= length && cos.size(1) == half,
              "rope: tables (>= L, head size / 2) needed");
  auto table = [&](const torch::Tensor& t) { return t.narrow(0, 0, length).to(qkv.device(), torch::kFloat32).contiguous(); };
  on_device_of device(qkv);
  auto out = rope_heads_function::apply(qkv.contiguous(), heads, table(cos), table(sin));
  return {out[0], out[1], out[2]};
}

torch::Tensor fused_swiglu(const torch::Tensor& gate_up) {
  TORCH_CHECK(gate_up.dim() >= 1 && gate_up.size(-1) > 0 && gate_up.size(-1) % 2 == 0,
              "swiglu: the last dimension must be even and positive");
  on_device_of device(gate_up);
  return swiglu_function::apply(gate_up.contiguous());
}

torch::Tensor fused_masked_nelbo(const torch::Tensor& logits, const torch::Tensor& targets,
                                 const torch::Tensor& is_target, const torch::Tensor& weight) {
  if (!use_kernels(logits)) return composite_nelbo(logits, targets, is_target, weight);
  on_device_of device(logits);
  return masked_nelbo_function::apply(logits.to(torch::kFloat32).contiguous(), targets.contiguous(),
                                      is_target.to(torch::kBool).contiguous(), weight.to(torch::kFloat64).contiguous());
}

torch::Tensor fused_sample_bases(const torch::Tensor& logits, const torch::Tensor& uncond, const torch::Tensor& allowed,
                                 const torch::Tensor& u, const kernels::categorical_params& params) {
  TORCH_CHECK(use_kernels(logits), "sample_bases: CUDA tensors need a DNAFILL_CUDA build");
  on_device_of device(logits);
  auto l = logits.to(torch::kFloat32).contiguous();
  auto un = uncond.defined() ? uncond.to(torch::kFloat32).contiguous() : torch::Tensor();
  auto al = allowed.defined() ? allowed.to(torch::kUInt8).contiguous() : torch::Tensor();
  auto uu = u.to(torch::kFloat64).contiguous();
  auto out = torch::empty({l.size(0)}, l.options().dtype(torch::kInt64));
  const float* un_ptr = un.defined() ? un.data_ptr<float>() : nullptr;
  if (l.is_cuda())
    check(k::sample_bases_cuda(l.data_ptr<float>(), un_ptr, bytes_of(al), uu.data_ptr<double>(), l.size(0), params,
                               out.data_ptr<std::int64_t>(), stream_of(l)),
          "sample_bases");
  else
    k::sample_bases_cpu(l.data_ptr<float>(), un_ptr, bytes_of(al), uu.data_ptr<double>(), l.size(0), params,
                        out.data_ptr<std::int64_t>());
  return out;
}

torch::Tensor fused_commit_reveals(torch::Tensor& tokens, const torch::Tensor& proposal, const torch::Tensor& is_free,
                                   const torch::Tensor& priority, const torch::Tensor& k, const torch::Tensor& threshold) {
  TORCH_CHECK(use_kernels(tokens), "commit_reveals: CUDA tensors need a DNAFILL_CUDA build");
  on_device_of device(tokens);
  TORCH_CHECK(tokens.is_contiguous() && tokens.scalar_type() == torch::kInt64, "commit_reveals: tokens must be contiguous int64");
  auto prop = proposal.to(torch::kInt64).contiguous();
  auto fr = is_free.defined() ? is_free.to(torch::kBool).contiguous() : torch::Tensor();
  auto prio = priority.to(torch::kFloat64).contiguous();
  auto kk = k.to(torch::kInt32).contiguous();
  auto th = threshold.to(torch::kFloat64).contiguous();
  auto committed = torch::empty({tokens.size(0)}, kk.options());
  const auto rows = tokens.size(0), length = tokens.size(1);
  if (tokens.is_cuda())
    check(k::commit_reveals_cuda(tokens.data_ptr<std::int64_t>(), prop.data_ptr<std::int64_t>(), bytes_of(fr),
                                 prio.data_ptr<double>(), kk.data_ptr<std::int32_t>(), th.data_ptr<double>(), rows, length,
                                 committed.data_ptr<std::int32_t>(), stream_of(tokens)),
          "commit_reveals");
  else
    k::commit_reveals_cpu(tokens.data_ptr<std::int64_t>(), prop.data_ptr<std::int64_t>(), bytes_of(fr),
                          prio.data_ptr<double>(), kk.data_ptr<std::int32_t>(), th.data_ptr<double>(), rows, length,
                          committed.data_ptr<std::int32_t>());
  return committed;
}

}  // namespace dnafill::core
