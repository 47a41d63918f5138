// Masking draws for the continuous-time and count forms of the NELBO.
#include "core/masking.h"

#include <algorithm>
#include <cmath>

namespace dnafill::core {

status parse_objective(const std::string& name, objective_kind& out) {
  if (name == "continuous") out = objective_kind::continuous;
  else if (name == "count") out = objective_kind::count;
  else return status::fail("--objective: unknown objective '" + name + "' (continuous or count)");
  return {};
}

const char* objective_name(objective_kind kind) {
  return kind == objective_kind::count ? "count" : "continuous";
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<double> stratified_uniforms(const std::vector<double>& u) {
  const auto count = static_cast<double>(u.size());
  std::vector<double> v(u.size());
  for (std::size_t b = 0; b < u.size(); ++b) v[b] = (static_cast<double>(b) + u[b]) / count;
  return v;
}

namespace {

// Positions of row b that hold a real base (targets can only be drawn among these).
std::vector<int> real_positions(const token* row, int length) {
  std::vector<int> positions;
  for (int i = 0; i < length; ++i)
    if (is_base(row[i])) positions.push_back(i);
  return positions;
}

void mask_position(masked_batch& m, int b, int i) {
  m.input[static_cast<std::size_t>(b) * m.length + i] = mask_token;
  m.is_target[static_cast<std::size_t>(b) * m.length + i] = 1;
}

// Each real base masked independently with probability t; weight 1/t.
void mask_row_continuous(masked_batch& m, int b, const std::vector<int>& real, double v, std::mt19937_64& rng) {
  const double t = std::clamp(v, min_mask_time, 1.0);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (int i : real)
    if (coin(rng) < t) mask_position(m, b, i);
  m.mask_rate[b] = t;
  m.weight[b] = 1.0 / t;
}

// n = 1 + floor(v * R) real bases masked, a uniform n-subset (partial Fisher-Yates); weight R/n.
void mask_row_count(masked_batch& m, int b, std::vector<int> real, double v, std::mt19937_64& rng) {
  const int r = static_cast<int>(real.size());
  const int n = std::min(r, 1 + static_cast<int>(std::floor(v * r)));
  for (int j = 0; j < n; ++j) {
    std::uniform_int_distribution<int> pick(j, r - 1);
    std::swap(real[j], real[pick(rng)]);
    mask_position(m, b, real[j]);
  }
  m.mask_rate[b] = static_cast<double>(n) / r;
  m.weight[b] = static_cast<double>(r) / n;
}

}  // namespace

masked_batch mask_batch(const std::vector<token>& tokens, int batch, int length, objective_kind kind,
                        std::mt19937_64& rng) {
  masked_batch m;
  m.batch = batch;
  m.length = length;
  m.input = tokens;
  m.is_target.assign(tokens.size(), 0);
  m.weight.assign(batch, 0.0);
  m.mask_rate.assign(batch, 0.0);
  m.real_bases.assign(batch, 0);
  std::vector<double> u(static_cast<std::size_t>(batch));
  for (auto& x : u) x = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  const auto v = stratified_uniforms(u);
  for (int b = 0; b < batch; ++b) {
    auto real = real_positions(tokens.data() + static_cast<std::size_t>(b) * length, length);
    m.real_bases[b] = static_cast<int>(real.size());
    if (real.empty()) continue;  // nothing to score: weight stays 0
    if (kind == objective_kind::continuous) mask_row_continuous(m, b, real, v[b], rng);
    else mask_row_count(m, b, std::move(real), v[b], rng);
  }
  return m;
}

}  // namespace dnafill::core
