// Helpers for the quantized-kernel tests: random integer and float tensors, a one-node
// graph, and the check that the oneDNN kernel matches the reference kernel (quantized
// outputs within one step, with few values off by one; float outputs within 1e-4 of the
// largest magnitude) and really ran on oneDNN.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "ir/graph.h"
#include "ops/op.h"
#include "ops/q_linear.h"

namespace qtune::qtest {

template <class T>
Tensor random_ints(DataType type, std::vector<int64_t> dims, uint32_t seed, int lo, int hi) {
  Tensor t(type, std::move(dims));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<T>()[i] = static_cast<T>(dist(rng));
  return t;
}

inline Tensor random_floats(std::vector<int64_t> dims, uint32_t seed, float lo, float hi) {
  Tensor t(DataType::Float32, std::move(dims));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// A tensor of q's type over its whole integer range (float32 in [-2, 2] when not quantized).
inline Tensor activation(const ops::ActivationQuant& q, std::vector<int64_t> dims, uint32_t seed) {
  if (q.type == DataType::UInt8) return random_ints<uint8_t>(q.type, std::move(dims), seed, 0, 255);
  if (q.type == DataType::Int8) return random_ints<int8_t>(q.type, std::move(dims), seed, -128, 127);
  return random_floats(std::move(dims), seed, -2.0f, 2.0f);
}

// Builds the node in `g` over `inputs` (undefined tensors are omitted inputs; those at
// `constant` indices become initializers).
inline ir::Node* make_node(ir::Graph& g, const std::string& op, const std::vector<Tensor>& inputs,
                           const std::vector<size_t>& constant) {
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) {
      ins.push_back(nullptr);
      continue;
    }
    ir::Value* v = g.add_value("in" + std::to_string(i));
    if (std::find(constant.begin(), constant.end(), i) != constant.end()) g.set_initializer(v, inputs[i]);
    ins.push_back(v);
  }
  return g.add_node(op, ins, {g.add_value("y")}, "n", "com.qtune");
}

// `max_steps`: largest allowed difference of quantized outputs (1 normally).
inline void expect_dnnl_matches_reference(const ir::Node& node, const std::vector<Tensor>& inputs, double max_steps = 1,
                                          bool check_off_by_one_count = true) {
  const std::vector<Tensor> want = ops::run_reference(node, inputs);
  auto kernel = backends::dnnl_backend::make_dnnl_kernel(node);
  ASSERT_TRUE(kernel);
  for (int run = 0; run < 2; ++run) {  // the second run reuses the cached primitive
    std::vector<Tensor> got(1);
    ops::KernelContext ctx;
    const int64_t fallbacks = backends::dnnl_backend::fallback_runs();
    kernel->run(inputs, got, ctx);
    EXPECT_EQ(backends::dnnl_backend::fallback_runs(), fallbacks) << "fell back to the reference kernel";
    ASSERT_EQ(got[0].dims(), want[0].dims());
    ASSERT_EQ(got[0].dtype(), want[0].dtype());
    double worst = 0, scale = 1e-6;
    int64_t off = 0;
    for (int64_t i = 0; i < want[0].numel(); ++i) {
      const double d = std::fabs(got[0].value_as_double(i) - want[0].value_as_double(i));
      worst = std::max(worst, d);
      off += d > 0;
      scale = std::max(scale, std::fabs(want[0].value_as_double(i)));
    }
    if (want[0].dtype() == DataType::Float32) {
      EXPECT_LE(worst, 1e-4 * scale);
    } else {
      EXPECT_LE(worst, max_steps);
      if (check_off_by_one_count) {
        EXPECT_LE(off, want[0].numel() / 50 + 1) << "too many values one step off";
      }
    }
  }
}

}  // namespace qtune::qtest
