// Each CUDA kernel against its CPU reference on random inputs, odd shapes, NaN and inf. Built with
// DNAFILL_CUDA; exits 77 (CTest: skipped) where no GPU is visible.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/categorical.cuh"
#include "kernels/masked_ce.cuh"
#include "kernels/reveal.cuh"
#include "kernels/rms_norm.cuh"
#include "kernels/rope.cuh"
#include "kernels/swiglu.cuh"

using namespace dnafill::kernels;

namespace {

int failures = 0;

void expect(bool ok, const char* what, long long detail) {
  if (!ok && ++failures <= 20) std::fprintf(stderr, "FAILED: %s (%lld)\n", what, detail);
}

void cuda_ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "CUDA error in %s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

template <class T>
struct device_buffer {
  T* ptr = nullptr;
  std::size_t n = 0;
  explicit device_buffer(const std::vector<T>& host) : n(host.size()) {
    cuda_ok(cudaMalloc(&ptr, std::max<std::size_t>(1, n) * sizeof(T)), "cudaMalloc");
    if (n) cuda_ok(cudaMemcpy(ptr, host.data(), n * sizeof(T), cudaMemcpyHostToDevice), "copy to device");
  }
  std::vector<T> get() const {
    std::vector<T> host(n);
    if (n) cuda_ok(cudaMemcpy(host.data(), ptr, n * sizeof(T), cudaMemcpyDeviceToHost), "copy to host");
    return host;
  }
  ~device_buffer() { cudaFree(ptr); }
};

std::vector<float> random_logits(std::int64_t rows, std::mt19937_64& rng, bool specials) {
  std::normal_distribution<float> n(0, 3);
  std::vector<float> l(rows * num_bases);
  for (auto& x : l) x = n(rng);
  if (specials)  // sprinkle NaN, +inf and -inf
    for (std::size_t i = 0; i < l.size(); i += 37) l[i] = (i / 37) % 3 == 0 ? NAN : ((i / 37) % 3 == 1 ? INFINITY : -INFINITY);
  return l;
}

void check_categorical(std::int64_t rows, std::mt19937_64& rng, bool guided, bool specials) {
  auto logits = random_logits(rows, rng, specials), uncond = random_logits(rows, rng, false);
  std::vector<std::uint8_t> allowed(rows);
  std::vector<double> u(rows);
  std::uniform_real_distribution<double> unif(0, 1);
  for (std::int64_t r = 0; r < rows; ++r) {
    allowed[r] = static_cast<std::uint8_t>(rng() % 16);
    u[r] = unif(rng);
  }
  categorical_params p;
  p.temperature = 0.7;
  p.top_p = 0.9;
  p.guidance = guided ? 1.5 : 0.0;
  std::vector<std::int64_t> expected(rows);
  sample_bases_cpu(logits.data(), guided ? uncond.data() : nullptr, allowed.data(), u.data(), rows, p, expected.data());
  device_buffer<float> d_logits(logits), d_uncond(uncond);
  device_buffer<std::uint8_t> d_allowed(allowed);
  device_buffer<double> d_u(u);
  device_buffer<std::int64_t> d_out{std::vector<std::int64_t>(rows, 42)};
  cuda_ok(static_cast<cudaError_t>(sample_bases_cuda(d_logits.ptr, guided ? d_uncond.ptr : nullptr, d_allowed.ptr,
                                                     d_u.ptr, rows, p, d_out.ptr, nullptr)),
          "sample_bases_cuda");
  const auto got = d_out.get();
  for (std::int64_t r = 0; r < rows; ++r) expect(got[r] == expected[r], "categorical draw differs from the CPU", r);
}

void check_reveal(std::int64_t rows, std::int64_t length, std::mt19937_64& rng) {
  std::vector<std::int64_t> tokens(rows * length), proposal(rows * length);
  std::vector<std::uint8_t> is_free(rows * length);
  std::vector<double> priority(rows * length), threshold(rows);
  std::vector<std::int32_t> k(rows);
  std::uniform_real_distribution<double> unif(0, 1);
  for (std::int64_t i = 0; i < rows * length; ++i) {
    tokens[i] = rng() % 3 == 0 ? static_cast<std::int64_t>(rng() % 4) : mask_token;
    proposal[i] = static_cast<std::int64_t>(rng() % 5) - 1;
    is_free[i] = rng() % 5 != 0;
    priority[i] = rng() % 7 == 0 ? 0.5 : unif(rng);  // ties
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    k[r] = r % 3 == 0 ? -1 : static_cast<std::int32_t>(rng() % (length + 2));
    threshold[r] = unif(rng);
  }
  auto expected = tokens;
  std::vector<std::int32_t> expected_count(rows);
  commit_reveals_cpu(expected.data(), proposal.data(), is_free.data(), priority.data(), k.data(), threshold.data(),
                     rows, length, expected_count.data());
  device_buffer<std::int64_t> d_tokens(tokens), d_prop(proposal);
  device_buffer<std::uint8_t> d_free(is_free);
  device_buffer<double> d_prio(priority), d_thr(threshold);
  device_buffer<std::int32_t> d_k(k), d_count{std::vector<std::int32_t>(rows)};
  cuda_ok(static_cast<cudaError_t>(commit_reveals_cuda(d_tokens.ptr, d_prop.ptr, d_free.ptr, d_prio.ptr, d_k.ptr,
                                                       d_thr.ptr, rows, length, d_count.ptr, nullptr)),
          "commit_reveals_cuda");
  expect(d_tokens.get() == expected, "reveal: committed tokens differ from the CPU", length);
  expect(d_count.get() == expected_count, "reveal: counts differ from the CPU", length);
}

// Float32 results within `tol` (relative, plus the same absolute near zero); NaN where NaN, inf where inf.
bool close(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= tol * (1.0 + std::fabs(b));
}

void check_masked_ce(std::int64_t rows, std::int64_t length, std::mt19937_64& rng, bool specials) {
  auto logits = random_logits(rows * length, rng, specials);
  std::vector<std::int64_t> targets(rows * length);
  std::vector<std::uint8_t> is_target(rows * length);
  std::vector<double> weight(rows), upstream(rows);
  for (std::int64_t i = 0; i < rows * length; ++i) {
    targets[i] = static_cast<std::int64_t>(rng() % 5);
    is_target[i] = targets[i] < 4 && rng() % 2;
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    weight[r] = 1.0 + static_cast<double>(r % 7);
    upstream[r] = 0.25 * static_cast<double>(r % 3 + 1);
  }
  std::vector<double> loss(rows);
  std::vector<float> grad(rows * length * num_bases);
  masked_ce_forward_cpu(logits.data(), targets.data(), is_target.data(), weight.data(), rows, length, loss.data());
  masked_ce_backward_cpu(logits.data(), targets.data(), is_target.data(), weight.data(), upstream.data(), rows, length,
                         grad.data());
  device_buffer<float> d_logits(logits), d_grad{std::vector<float>(grad.size())};
  device_buffer<std::int64_t> d_targets(targets);
  device_buffer<std::uint8_t> d_is_target(is_target);
  device_buffer<double> d_weight(weight), d_up(upstream), d_loss{std::vector<double>(rows)};
  cuda_ok(static_cast<cudaError_t>(masked_ce_forward_cuda(d_logits.ptr, d_targets.ptr, d_is_target.ptr, d_weight.ptr,
                                                          rows, length, d_loss.ptr, nullptr)),
          "masked_ce_forward_cuda");
  cuda_ok(static_cast<cudaError_t>(masked_ce_backward_cuda(d_logits.ptr, d_targets.ptr, d_is_target.ptr, d_weight.ptr,
                                                           d_up.ptr, rows, length, d_grad.ptr, nullptr)),
          "masked_ce_backward_cuda");
  const auto got_loss = d_loss.get();
  const auto got_grad = d_grad.get();
  // The sums run in another order on the GPU: equal to float64 rounding, not bit for bit.
  for (std::int64_t r = 0; r < rows; ++r) expect(close(got_loss[r], loss[r], 1e-12), "masked CE loss", r);
  for (std::size_t i = 0; i < grad.size(); ++i) expect(close(got_grad[i], grad[i], 1e-6), "masked CE gradient", i);
}

// The layer kernels store float32 or bf16; the tests compare widened values. The GPU fuses
// multiply-adds (and its expf differs in the last bits), so float32 agrees to ~1e-6 and a bf16 store
// may round the other way: one bf16 step (2^-8 relative) is allowed there.
template <class T>
std::vector<double> widen(const std::vector<T>& v) {
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = to_float(v[i]);
  return out;
}

template <class T>
std::vector<T> stored(const std::vector<float>& v) {
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = from_float<T>(v[i]);
  return out;
}

template <class T>
double storage_tolerance() { return std::is_same_v<T, float> ? 2e-5 : 1.0 / 128; }

template <class T>
void compare(const std::vector<T>& got, const std::vector<T>& expected, const char* what) {
  const auto g = widen(got), e = widen(expected);
  for (std::size_t i = 0; i < g.size(); ++i) expect(close(g[i], e[i], storage_tolerance<T>()), what, static_cast<long long>(i));
}

std::vector<float> normal_floats(std::size_t n, std::mt19937_64& rng, bool specials) {
  std::normal_distribution<float> normal(0, 2);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  if (specials)
    for (std::size_t i = 5; i < v.size(); i += 101) v[i] = (i / 101) % 2 ? NAN : INFINITY;
  return v;
}

template <class T>
void check_rms_norm(std::int64_t rows, std::int64_t dim, std::mt19937_64& rng, bool specials) {
  const dtype type = std::is_same_v<T, float> ? dtype::f32 : dtype::bf16;
  const auto x = normal_floats(rows * dim, rng, specials), weight = normal_floats(dim, rng, false);
  const auto dy = stored<T>(normal_floats(rows * dim, rng, false));
  std::vector<T> y(rows * dim);
  std::vector<float> rstd(rows), dx(rows * dim), dweight(dim);
  rms_norm_forward_cpu(x.data(), weight.data(), rows, dim, 1e-5f, type, y.data(), rstd.data());
  rms_norm_backward_cpu(x.data(), weight.data(), rstd.data(), dy.data(), type, rows, dim, dx.data(), dweight.data());
  device_buffer<float> d_x(x), d_w(weight), d_rstd{std::vector<float>(rows)}, d_dx{std::vector<float>(rows * dim)},
      d_dw{std::vector<float>(dim)}, d_partial{std::vector<float>(rms_norm_partial_size(rows, dim))};
  device_buffer<T> d_y{std::vector<T>(rows * dim)}, d_dy(dy);
  cuda_ok(static_cast<cudaError_t>(rms_norm_forward_cuda(d_x.ptr, d_w.ptr, rows, dim, 1e-5f, type, d_y.ptr, d_rstd.ptr,
                                                         nullptr)),
          "rms_norm_forward_cuda");
  cuda_ok(static_cast<cudaError_t>(rms_norm_backward_cuda(d_x.ptr, d_w.ptr, d_rstd.ptr, d_dy.ptr, type, rows, dim,
                                                          d_dx.ptr, d_dw.ptr, d_partial.ptr, nullptr)),
          "rms_norm_backward_cuda");
  compare(d_y.get(), y, "rms_norm y");
  compare(d_rstd.get(), rstd, "rms_norm rstd");
  compare(d_dx.get(), dx, "rms_norm dx");
  // dweight sums `rows` products in another order: float32's error (~1e-6 of the sum of their
  // magnitudes here, at most ~6e-5) is allowed up to 1e-5 of it, far below what a lost chunk of rows
  // (or a row lost or counted twice in every chunk) would change.
  std::vector<double> magnitude(dim, 0.0);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < dim; ++j)
      magnitude[j] += std::fabs(static_cast<double>(to_float(dy[r * dim + j])) * x[r * dim + j] * rstd[r]);
  const auto got_dw = d_dw.get();
  for (std::int64_t j = 0; j < dim; ++j) {
    const bool special = std::isnan(magnitude[j]) || std::isinf(magnitude[j]);
    expect(special ? close(got_dw[j], dweight[j], 0) : std::fabs(got_dw[j] - dweight[j]) <= 1e-5 * magnitude[j] + 1e-6,
           "rms_norm dweight", j);
  }
}

template <class T>
void check_rope(rope_shape shape, std::mt19937_64& rng) {
  const dtype type = std::is_same_v<T, float> ? dtype::f32 : dtype::bf16;
  const std::size_t n = static_cast<std::size_t>(shape.rows() * shape.pairs_per_row() * 2), per_part = n / 3;
  const std::size_t table = static_cast<std::size_t>(shape.length * shape.head_dim / 2);
  std::vector<float> cos(table), sin(table);
  std::uniform_real_distribution<float> angle(0, 6.3f);
  for (std::size_t i = 0; i < table; ++i) {
    const float a = angle(rng);
    cos[i] = std::cos(a);
    sin[i] = std::sin(a);
  }
  const auto qkv = stored<T>(normal_floats(n, rng, true)), grad = stored<T>(normal_floats(n, rng, false));
  std::vector<T> out(n), dqkv(n);
  rope_forward_cpu(qkv.data(), type, cos.data(), sin.data(), shape, out.data(), out.data() + per_part,
                   out.data() + 2 * per_part);
  rope_backward_cpu(grad.data(), grad.data() + per_part, grad.data() + 2 * per_part, type, cos.data(), sin.data(),
                    shape, dqkv.data());
  device_buffer<T> d_qkv(qkv), d_grad(grad), d_out{std::vector<T>(n)}, d_dqkv{std::vector<T>(n)};
  device_buffer<float> d_cos(cos), d_sin(sin);
  cuda_ok(static_cast<cudaError_t>(rope_forward_cuda(d_qkv.ptr, type, d_cos.ptr, d_sin.ptr, shape, d_out.ptr,
                                                     d_out.ptr + per_part, d_out.ptr + 2 * per_part, nullptr)),
          "rope_forward_cuda");
  cuda_ok(static_cast<cudaError_t>(rope_backward_cuda(d_grad.ptr, d_grad.ptr + per_part, d_grad.ptr + 2 * per_part,
                                                      type, d_cos.ptr, d_sin.ptr, shape, d_dqkv.ptr, nullptr)),
          "rope_backward_cuda");
  compare(d_out.get(), out, "rope forward");
  compare(d_dqkv.get(), dqkv, "rope backward");
}

template <class T>
void check_swiglu(std::int64_t rows, std::int64_t m, std::mt19937_64& rng) {
  const dtype type = std::is_same_v<T, float> ? dtype::f32 : dtype::bf16;
  const auto gate_up = stored<T>(normal_floats(rows * 2 * m, rng, true)), dy = stored<T>(normal_floats(rows * m, rng, false));
  std::vector<T> y(rows * m), dgu(rows * 2 * m);
  swiglu_forward_cpu(gate_up.data(), type, rows, m, y.data());
  swiglu_backward_cpu(gate_up.data(), dy.data(), type, rows, m, dgu.data());
  device_buffer<T> d_gu(gate_up), d_dy(dy), d_y{std::vector<T>(rows * m)}, d_dgu{std::vector<T>(rows * 2 * m)};
  cuda_ok(static_cast<cudaError_t>(swiglu_forward_cuda(d_gu.ptr, type, rows, m, d_y.ptr, nullptr)), "swiglu_forward_cuda");
  cuda_ok(static_cast<cudaError_t>(swiglu_backward_cuda(d_gu.ptr, d_dy.ptr, type, rows, m, d_dgu.ptr, nullptr)),
          "swiglu_backward_cuda");
  compare(d_y.get(), y, "swiglu forward");
  compare(d_dgu.get(), dgu, "swiglu backward");
}

template <class T>
void check_layers(std::mt19937_64& rng) {
  // 262,145 rows: more than 1,024 chunks of 256 (the cap), so the last chunks are empty.
  for (auto [rows, dim] : {std::pair<std::int64_t, std::int64_t>{1, 1}, {7, 33}, {9, 384}, {4099, 192}, {65536, 384}, {262145, 40}})
    check_rms_norm<T>(rows, dim, rng, rows == 7);
  for (rope_shape shape : {rope_shape{1, 1, 1, 2}, rope_shape{3, 17, 3, 64}, rope_shape{2, 1025, 6, 64}})
    check_rope<T>(shape, rng);
  for (auto [rows, m] : {std::pair<std::int64_t, std::int64_t>{1, 1}, {5, 37}, {2048, 1024}}) check_swiglu<T>(rows, m, rng);
}

}  // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("kernel parity: no CUDA GPU here, skipped\n");
    return 77;
  }
  std::mt19937_64 rng(7);
  for (std::int64_t rows : {1, 3, 255, 256, 257, 100003}) {
    check_categorical(rows, rng, false, false);
    check_categorical(rows, rng, true, true);
  }
  for (std::int64_t length : {1, 7, 256, 1024, 2048}) check_reveal(5, length, rng);
  for (auto [rows, length] : {std::pair<std::int64_t, std::int64_t>{1, 1}, {3, 7}, {8, 1024}, {2, 1000}, {64, 1024}}) {
    check_masked_ce(rows, length, rng, false);
    check_masked_ce(rows, length, rng, true);
  }
  check_layers<float>(rng);
  check_layers<bf16_bits>(rng);
  std::printf("kernel parity: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
  return failures ? 1 : 0;
}
