// Helpers for the quantization tests: seeded sample sets and stats built from them.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "quant/tensor_stats.h"

namespace qtune::quant::testing {

inline std::vector<float> gaussian(size_t n, uint64_t seed, float sigma = 1.0f) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline std::vector<float> uniform(size_t n, uint64_t seed, float lo, float hi) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Laplace(0, b): heavy tails, so the MSE-optimal 8-bit clip lies well inside max|x|.
inline std::vector<float> laplace(size_t n, uint64_t seed, float b = 1.0f) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  std::exponential_distribution<float> dist(1.0f / b);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = sign(rng) ? dist(rng) : -dist(rng);
  return v;
}

inline TensorStats stats_of(const std::vector<float>& v, int bins_per_side = TensorStats::kDefaultBinsPerSide) {
  TensorStats s(bins_per_side);
  s.update(v.data(), static_cast<int64_t>(v.size()));
  return s;
}

}  // namespace qtune::quant::testing
