// The oneDNN kernels against the reference kernels on random data, over the geometry
// each op supports: groups and depthwise, strides, dilations, asymmetric and automatic
// pads, 1-D/2-D/3-D; constant (prepacked) and computed weights; Gemm's transposes and C
// shapes; pools with ceil mode and padding. Each case also checks that the oneDNN kernel
// actually ran (a silent fallback to the reference kernel would make the test vacuous).
#include <gtest/gtest.h>

#include <random>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/int8_max_pool.h"
#include "ir/graph.h"
#include "ops/op.h"

namespace qtune {
namespace {

Tensor random_tensor(std::vector<int64_t> dims, uint32_t seed) {
  Tensor t(DataType::Float32, std::move(dims));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// Every byte value of the type, shuffled (the extremes included).
Tensor random_bytes(DataType type, std::vector<int64_t> dims, uint32_t seed) {
  Tensor t(type, std::move(dims));
  std::mt19937 rng(seed);
  auto* p = static_cast<uint8_t*>(t.raw());
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<uint8_t>(rng());
  return t;
}

struct Case {
  std::string domain;
  std::string op;
  std::vector<ir::Attribute> attrs;
  std::vector<Tensor> inputs;            // undefined = omitted optional input
  std::vector<bool> constant;            // which inputs are initializers
};

// Runs the case on both backends and compares element by element.
void expect_same_as_reference(const Case& c, double tolerance = 1e-4) {
  ir::Graph g;
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    if (!c.inputs[i].defined()) {
      ins.push_back(nullptr);
      continue;
    }
    ir::Value* v = g.add_value("in" + std::to_string(i));
    if (i < c.constant.size() && c.constant[i]) g.set_initializer(v, c.inputs[i]);
    ins.push_back(v);
  }
  ir::Node* node = g.add_node(c.op, ins, {g.add_value("y")}, "n", c.domain);
  for (const auto& a : c.attrs) node->set_attr(a);

  std::vector<Tensor> want = ops::run_reference(*node, c.inputs);
  auto kernel = backends::dnnl_backend::make_dnnl_kernel(*node);
  ASSERT_TRUE(kernel) << c.op << " has no oneDNN kernel";
  // Twice: the second run reuses the cached primitive and the packed weights.
  for (int run = 0; run < 2; ++run) {
    std::vector<Tensor> got(1);
    ops::KernelContext ctx;
    const int64_t fallbacks = backends::dnnl_backend::fallback_runs();
    kernel->run(c.inputs, got, ctx);
    EXPECT_EQ(backends::dnnl_backend::fallback_runs(), fallbacks) << c.op << " fell back to the reference kernel";
    ASSERT_EQ(got[0].dims(), want[0].dims()) << c.op;
    ASSERT_EQ(got[0].dtype(), want[0].dtype()) << c.op;
    double worst = 0;
    for (int64_t i = 0; i < want[0].numel(); ++i)
      worst = std::max(worst, std::abs(got[0].value_as_double(i) - want[0].value_as_double(i)));
    EXPECT_LE(worst, tolerance) << c.op << " run " << run;
  }
}

ir::Attribute ints(const char* name, std::vector<int64_t> v) { return ir::Attribute::make_ints(name, std::move(v)); }
ir::Attribute one(const char* name, int64_t v) { return ir::Attribute::make_int(name, v); }

Case conv(std::vector<int64_t> x, std::vector<int64_t> w, bool bias, std::vector<ir::Attribute> attrs,
          bool const_weights = true) {
  Case c{"", "Conv", std::move(attrs), {random_tensor(x, 1), random_tensor(w, 2)}, {false, const_weights, true}};
  if (bias) c.inputs.push_back(random_tensor({w[0]}, 3));
  return c;
}

TEST(DnnlKernels, ConvGeometries) {
  expect_same_as_reference(conv({1, 3, 17, 19}, {8, 3, 3, 3}, true, {ints("pads", {1, 1, 1, 1})}));
  expect_same_as_reference(conv({2, 16, 12, 12}, {16, 1, 3, 3}, true, {one("group", 16), ints("pads", {1, 1, 1, 1})}));
  expect_same_as_reference(conv({1, 8, 15, 15}, {12, 4, 3, 3}, false, {one("group", 2), ints("strides", {2, 2})}));
  expect_same_as_reference(conv({1, 4, 20, 20}, {6, 4, 3, 3}, true, {ints("dilations", {2, 2}), ints("pads", {0, 1, 2, 3})}));
  expect_same_as_reference(
      conv({1, 4, 9, 10}, {5, 4, 4, 4}, true, {ir::Attribute::make_string("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})}));
  expect_same_as_reference(conv({1, 32, 10, 10}, {24, 32, 1, 1}, true, {}, false));  // computed weights
  expect_same_as_reference(conv({2, 3, 30}, {4, 3, 5}, true, {ints("pads", {2, 2})}));              // 1-D
  expect_same_as_reference(conv({1, 2, 6, 7, 8}, {3, 2, 3, 3, 3}, true, {ints("pads", {1, 1, 1, 1, 1, 1})}));  // 3-D
}

// Channels-last convolutions with the fused epilogue (residual Sum and activations).
TEST(DnnlKernels, NhwcConvWithEpilogue) {
  auto nhwc = [](std::vector<int64_t> x, std::vector<int64_t> w, int64_t group, std::vector<ir::Attribute> attrs,
                 std::vector<int64_t> sum_dims) {
    Case c{"com.qtune", "NhwcConv", std::move(attrs), {random_tensor(x, 21), random_tensor(w, 22), random_tensor({w[0]}, 23)},
           {false, true, true, false}};
    c.attrs.push_back(one("group", group));
    if (!sum_dims.empty()) c.inputs.push_back(random_tensor(sum_dims, 24));
    return c;
  };
  auto act = [](const char* name, std::vector<float> params) {
    std::vector<ir::Attribute> a = {ir::Attribute::make_string("activation", name)};
    if (!params.empty()) a.push_back(ir::Attribute::make_floats("activation_params", params));
    return a;
  };
  auto with = [](std::vector<ir::Attribute> a, std::vector<ir::Attribute> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  expect_same_as_reference(nhwc({1, 12, 20, 16}, {16, 1, 3, 3}, 16, with({ints("pads", {1, 1, 1, 1})}, act("HardSwish", {})), {}));
  expect_same_as_reference(nhwc({2, 9, 9, 24}, {32, 24, 1, 1}, 1, act("Relu", {}), {2, 9, 9, 32}));
  expect_same_as_reference(nhwc({1, 16, 16, 3}, {8, 3, 3, 3}, 1, with({ints("strides", {2, 2})}, act("Clip", {0, 6})), {}));
  expect_same_as_reference(nhwc({1, 6, 40, 60}, {120, 60, 1, 1}, 1, act("HardSigmoid", {0.2f, 0.5f}), {1, 6, 40, 120}));
  // PP-LCNet's learnable affine after the activation.
  expect_same_as_reference(nhwc({1, 10, 10, 8}, {16, 8, 3, 3}, 1,
                                with({ints("pads", {1, 1, 1, 1}), ir::Attribute::make_floats("activation_affine", {0.8f, 0.1f})},
                                     act("HardSwish", {})),
                                {}));
}

TEST(DnnlKernels, ConvTransposeGeometries) {
  auto convt = [](std::vector<int64_t> x, std::vector<int64_t> w, int64_t group, std::vector<ir::Attribute> attrs) {
    Case c{"", "ConvTranspose", std::move(attrs), {random_tensor(x, 4), random_tensor(w, 5)}, {false, true, true}};
    c.attrs.push_back(one("group", group));
    c.inputs.push_back(random_tensor({w[1] * group}, 6));
    return c;
  };
  expect_same_as_reference(convt({1, 8, 10, 10}, {8, 4, 2, 2}, 1, {ints("strides", {2, 2})}));
  expect_same_as_reference(convt({1, 6, 7, 9}, {6, 2, 3, 3}, 3, {ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})}));
  expect_same_as_reference(convt({2, 4, 5, 5}, {4, 3, 3, 3}, 1, {ints("dilations", {2, 2})}));
  // Non-overlapping windows (stride == kernel) take the matmul + scatter path.
  Case patch = convt({2, 24, 7, 9}, {24, 5, 2, 2}, 1, {ints("strides", {2, 2})});
  patch.domain = "com.qtune";
  patch.op = "FusedConvTranspose";
  patch.attrs.push_back(ir::Attribute::make_string("activation", "Sigmoid"));
  expect_same_as_reference(patch);
  expect_same_as_reference(convt({1, 6, 4, 5}, {6, 3, 4, 4}, 1, {ints("strides", {4, 4})}));
}

TEST(DnnlKernels, MatMulShapes) {
  auto mm = [](std::vector<int64_t> a, std::vector<int64_t> b, bool const_b) {
    return Case{"", "MatMul", {}, {random_tensor(a, 7), random_tensor(b, 8)}, {false, const_b}};
  };
  expect_same_as_reference(mm({5, 7}, {7, 3}, true));
  expect_same_as_reference(mm({2, 40, 64}, {64, 48}, true));     // linear layer on a sequence
  expect_same_as_reference(mm({2, 40, 64}, {64, 48}, false));
  expect_same_as_reference(mm({2, 4, 25, 16}, {2, 4, 16, 25}, false));  // attention scores
}

TEST(DnnlKernels, GemmForms) {
  auto gemm = [](std::vector<int64_t> a, std::vector<int64_t> b, std::vector<int64_t> c, int64_t ta, int64_t tb) {
    Case g{"", "Gemm", {one("transA", ta), one("transB", tb)}, {random_tensor(a, 9), random_tensor(b, 10)}, {false, true, true}};
    if (!c.empty()) g.inputs.push_back(random_tensor(c, 11));
    return g;
  };
  expect_same_as_reference(gemm({4, 6}, {6, 5}, {5}, 0, 0));
  expect_same_as_reference(gemm({6, 4}, {5, 6}, {1, 5}, 1, 1));
  expect_same_as_reference(gemm({4, 6}, {5, 6}, {4, 5}, 0, 1));
  expect_same_as_reference(gemm({3, 8}, {8, 2}, {}, 0, 0));
  // One row: a [N] bias and a [1, N] C are the same size but a bias and a sum addend.
  expect_same_as_reference(gemm({1, 6}, {6, 5}, {5}, 0, 0));
  expect_same_as_reference(gemm({1, 6}, {6, 5}, {1, 5}, 0, 0));
}

TEST(DnnlKernels, Pools) {
  auto pool = [](const char* op, std::vector<int64_t> x, std::vector<ir::Attribute> attrs) {
    return Case{"", op, std::move(attrs), {random_tensor(x, 12)}, {false}};
  };
  expect_same_as_reference(pool("MaxPool", {1, 3, 11, 11}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2})}));
  expect_same_as_reference(pool("MaxPool", {1, 3, 10, 10},
                                {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), one("ceil_mode", 1),
                                 ints("pads", {1, 1, 0, 0})}));
  expect_same_as_reference(
      pool("AveragePool", {2, 4, 9, 9}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), one("ceil_mode", 1)}));
  expect_same_as_reference(pool("AveragePool", {1, 2, 8, 8},
                                {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1}), one("count_include_pad", 1)}));
  expect_same_as_reference(pool("GlobalAveragePool", {2, 5, 7, 3}, {}));
  // Channels-last pools.
  Case nhwc_max = pool("NhwcPool", {1, 11, 11, 6}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}),
                                                   ir::Attribute::make_string("pool", "MaxPool")});
  nhwc_max.domain = "com.qtune";
  expect_same_as_reference(nhwc_max);
  Case nhwc_avg = pool("NhwcPool", {2, 9, 9, 5}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}),
                                                  one("ceil_mode", 1), ir::Attribute::make_string("pool", "AveragePool")});
  nhwc_avg.domain = "com.qtune";
  expect_same_as_reference(nhwc_avg);
  Case nhwc_global = pool("NhwcPool", {2, 7, 6, 19}, {ir::Attribute::make_string("pool", "GlobalAveragePool")});
  nhwc_global.domain = "com.qtune";
  expect_same_as_reference(nhwc_global);
  // 8-bit channels-last max pools (the own loop): both types, channel counts around the
  // 64-byte step, padding and ceil mode that clip the windows at both ends.
  const std::vector<std::vector<ir::Attribute>> windows = {
      {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})},
      {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})},
      {ints("kernel_shape", {3, 2}), ints("strides", {2, 1}), ints("pads", {1, 0, 0, 1}), one("ceil_mode", 1)}};
  uint32_t seed = 40;
  for (DataType type : {DataType::Int8, DataType::UInt8})
    for (std::vector<int64_t> dims : {std::vector<int64_t>{1, 2, 96, 200}, {2, 7, 9, 64}, {1, 5, 6, 70}, {1, 4, 5, 3}})
      for (const auto& window : windows) {
        std::vector<ir::Attribute> attrs = window;
        attrs.push_back(ir::Attribute::make_string("pool", "MaxPool"));
        Case c{"com.qtune", "NhwcPool", attrs, {random_bytes(type, dims, seed++)}, {false}};
        expect_same_as_reference(c);
      }
}

// The own 8-bit max pool on a map large enough to share its rows between two threads, against
// a scalar maximum over each clipped window.
TEST(DnnlKernels, Int8MaxPoolOnTwoThreads) {
  using backends::dnnl_backend::MaxPoolGeometry;
  const int64_t h = 40, w = 50, c = 300;
  const MaxPoolGeometry g{3, 3, 1, 1, 1, 1};
  if (!backends::dnnl_backend::int8_max_pool_usable(g, h, w, h, w)) GTEST_SKIP() << "needs AVX-512 BW";
  Tensor x = random_bytes(DataType::Int8, {1, h, w, c}, 77);
  const auto* in = static_cast<const int8_t*>(x.raw());
  std::vector<int8_t> got(static_cast<size_t>(h * w * c)), want(got.size());
  backends::dnnl_backend::int8_max_pool_nhwc(x.raw(), got.data(), 1, h, w, c, h, w, g, true, 2);
  for (int64_t i = 0; i < h; ++i)
    for (int64_t j = 0; j < w; ++j)
      for (int64_t k = 0; k < c; ++k) {
        int8_t best = -128;
        for (int64_t a = std::max<int64_t>(i - 1, 0); a < std::min(i + 2, h); ++a)
          for (int64_t b = std::max<int64_t>(j - 1, 0); b < std::min(j + 2, w); ++b)
            best = std::max(best, in[(a * w + b) * c + k]);
        want[static_cast<size_t>((i * w + j) * c + k)] = best;
      }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace qtune
