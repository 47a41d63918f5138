// Dispatch of the fused kernels by device, and the NELBO as an autograd function.
#include "core/fused.h"

#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"

#ifdef DNAFILL_TORCH_CUDA
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

}  // namespace

torch::Tensor fused_masked_nelbo(const torch::Tensor& logits, const torch::Tensor& targets,
                                 const torch::Tensor& is_target, const torch::Tensor& weight) {
  if (!use_kernels(logits)) return composite_nelbo(logits, targets, is_target, weight);
  return masked_nelbo_function::apply(logits.to(torch::kFloat32).contiguous(), targets.contiguous(),
                                      is_target.to(torch::kBool).contiguous(), weight.to(torch::kFloat64).contiguous());
}

torch::Tensor fused_sample_bases(const torch::Tensor& logits, const torch::Tensor& uncond, const torch::Tensor& allowed,
                                 const torch::Tensor& u, const kernels::categorical_params& params) {
  TORCH_CHECK(use_kernels(logits), "sample_bases: CUDA tensors need a DNAFILL_CUDA build");
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
