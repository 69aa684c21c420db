// The one-pass quantized elementwise ops against the QDQ chains they replace: a graph of
// DequantizeLinear -> Add/Mul/Concat/GlobalAveragePool -> QuantizeLinear run as written
// (float ops on dequantized values) and lowered (QBinary, QConcat, QGlobalAveragePool) on
// both backends. The quantized inputs are graph inputs, so nothing upstream rounds
// differently (a one-step difference in a Mul operand would move the product by several
// steps); the NHWC forms the oneDNN backend gives them are covered by the PP-OCR models
// against ONNX Runtime (RealModelInt8). Integer
// outputs may differ by one step where a value sits on a rounding tie (the fused ops
// compute x * (s_x / s_y), the chain (x * s_x) / s_y); nowhere more. The scales are not
// round numbers, so ties are as rare as with calibrated ones.
#include <gtest/gtest.h>

#include <random>

#include "exec/session.h"
#include "ir/graph_builder.h"
#include "passes/lower_qdq.h"

namespace qtune {
namespace {

// Random 8-bit data of `type` (uint8 or int8: the kernels have a loop for each).
Tensor random_q(DataType type, const std::vector<int64_t>& dims, uint32_t seed) {
  Tensor t(type, dims);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(0, 255);
  for (int64_t i = 0; i < t.numel(); ++i) {
    const int v = d(rng);
    if (type == DataType::UInt8)
      t.data<uint8_t>()[i] = static_cast<uint8_t>(v);
    else
      t.data<int8_t>()[i] = static_cast<int8_t>(v - 128);
  }
  return t;
}
Tensor random_u8(const std::vector<int64_t>& dims, uint32_t seed) { return random_q(DataType::UInt8, dims, seed); }

// A zero point of `type`: `zp` for uint8, zp - 128 for int8 (the same place in the range).
Tensor zero_point(DataType type, int zp) {
  return type == DataType::UInt8 ? Tensor::from_vector<uint8_t>({}, {static_cast<uint8_t>(zp)})
                                 : Tensor::from_vector<int8_t>({}, {static_cast<int8_t>(zp - 128)});
}

ir::Value* dq(ir::GraphBuilder& b, ir::Value* x, float scale, int zp, DataType type = DataType::UInt8) {
  return b.node("DequantizeLinear",
                {x, b.constant(x->name() + "_s", Tensor::scalar_f32(scale)), b.constant(x->name() + "_z", zero_point(type, zp))});
}

ir::Value* q(ir::GraphBuilder& b, ir::Value* x, float scale, int zp, const std::string& name,
             DataType type = DataType::UInt8) {
  return b.node("QuantizeLinear",
                {x, b.constant(name + "_s", Tensor::scalar_f32(scale)), b.constant(name + "_z", zero_point(type, zp))}, {},
                name);
}

// Runs `model` fake-quantized (reference kernels, no lowering) and lowered on each backend.
// `max_off` is the fraction of outputs allowed one step off.
void expect_lowered_matches_qdq(const ir::Model& model, const std::map<std::string, Tensor>& feeds,
                                const std::string& lowered_op, double max_off = 0.01) {
  exec::SessionOptions fake;
  fake.backend = exec::Backend::Reference;
  fake.lower_int8 = false;
  fake.threads = 1;
  const Tensor want = exec::Session(model, fake).run(feeds)[0].second;
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    SCOPED_TRACE(exec::backend_name(backend));
    exec::SessionOptions options;
    options.backend = backend;
    options.threads = 2;
    exec::Session session(model, options);
    size_t count = 0;
    for (const ir::Node* n : session.graph().nodes()) count += n->op_type() == lowered_op;
    EXPECT_EQ(count, 1u) << lowered_op << " not created";
    const Tensor got = session.run(feeds)[0].second;
    ASSERT_EQ(got.dims(), want.dims());
    ASSERT_EQ(got.dtype(), want.dtype());
    int64_t off = 0;
    double worst = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
      const double d = std::fabs(got.value_as_double(i) - want.value_as_double(i));
      worst = std::max(worst, d);
      off += d > 0;
    }
    EXPECT_LE(worst, 1.0);
    EXPECT_LE(off, static_cast<int64_t>(static_cast<double>(want.numel()) * max_off) + 1);
  }
}

TEST(LowerQdqElementwise, AddAndBroadcastMulMatchTheQdqChain) {
  for (DataType type : {DataType::UInt8, DataType::Int8})
    for (const std::string op : {"Add", "Mul"}) {
      SCOPED_TRACE(op + " " + std::string(dtype_name(type)));
      ir::GraphBuilder b(13);
      auto* x = b.input("x", type, {1, 4, 5, 6});
      auto* y = b.input("y", type, {1, 4, 1, 1});
      auto* r = b.node(op, {dq(b, x, 0.0317f, 100, type), dq(b, y, 0.0107f, 7, type)}, {}, "binary");
      b.output(q(b, r, op == "Add" ? 0.0419f : 0.00213f, 90, "out", type));
      expect_lowered_matches_qdq(b.build(), {{"x", random_q(type, {1, 4, 5, 6}, 1)}, {"y", random_q(type, {1, 4, 1, 1}, 2)}},
                                 "QBinary");
    }
}

// [N, H, W, C] (x) [N, 1, 1, C]: the per-channel operand repeats over rows (the NHWC
// squeeze-excitation form), the path that computes per-channel factors once per image.
// 35 rows of 24 channels: that path runs 12 rows at a time, so 11 are left for the tail.
// uint8 and int8 (symmetric activations) have a loop each.
TEST(LowerQdqElementwise, ChannelLastBroadcastMatchesTheQdqChain) {
  for (DataType type : {DataType::UInt8, DataType::Int8})
    for (int64_t batch : {1, 3})
      for (const std::string op : {"Add", "Mul"})
        for (bool swapped : {false, true}) {
          SCOPED_TRACE(op + " " + std::string(dtype_name(type)) + " batch " + std::to_string(batch) +
                       (swapped ? " swapped" : ""));
          ir::GraphBuilder b(13);
          auto* x = b.input("x", type, {batch, 5, 7, 24});
          auto* y = b.input("y", type, {batch, 1, 1, 24});
          ir::Value* dx = dq(b, x, 0.0317f, 100, type);
          ir::Value* dy = dq(b, y, 0.0107f, 7, type);
          auto* r = b.node(op, swapped ? std::vector<ir::Value*>{dy, dx} : std::vector<ir::Value*>{dx, dy}, {}, "binary");
          b.output(q(b, r, op == "Add" ? 0.0419f : 0.00213f, 90, "out", type));
          expect_lowered_matches_qdq(
              b.build(), {{"x", random_q(type, {batch, 5, 7, 24}, 5)}, {"y", random_q(type, {batch, 1, 1, 24}, 6)}},
              "QBinary");
        }
}

// x + x * s (a residual squeeze-excitation) lowers to one QBinary ScaledResidual. It skips
// the product's rounding to INT8, so many outputs may be one step off; none by more.
TEST(LowerQdqElementwise, ScaledResidualFusesMulAndAdd) {
  for (bool swapped : {false, true}) {
    SCOPED_TRACE(swapped ? "operands swapped" : "x first");
    ir::GraphBuilder b(13);
    auto* x = b.input("x", DataType::UInt8, {1, 9, 11, 40});
    auto* s = b.input("s", DataType::UInt8, {1, 1, 1, 40});
    ir::Value* dx = dq(b, x, 0.0317f, 100);
    ir::Value* ds = dq(b, s, 1.0f / 255, 0);
    auto* m = b.node("Mul", swapped ? std::vector<ir::Value*>{ds, dx} : std::vector<ir::Value*>{dx, ds}, {}, "se");
    ir::Value* dm = dq(b, q(b, m, 0.0297f, 102, "se_q"), 0.0297f, 102);
    auto* r = b.node("Add", swapped ? std::vector<ir::Value*>{dm, dx} : std::vector<ir::Value*>{dx, dm}, {}, "residual");
    b.output(q(b, r, 0.0583f, 101, "out"));
    const ir::Model model = b.build();
    exec::SessionOptions options;
    options.threads = 1;
    EXPECT_EQ(exec::Session(model, options).lower_stats().scaled_residuals, 1u);
    expect_lowered_matches_qdq(model, {{"x", random_u8({1, 9, 11, 40}, 8)}, {"s", random_u8({1, 1, 1, 40}, 9)}},
                               "QBinary", 0.5);
  }
}

TEST(LowerQdqElementwise, MaxPoolRunsOnInt8Data) {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::UInt8, {1, 4, 9, 7});
  auto* p = b.node("MaxPool", {dq(b, x, 0.0317f, 100)},
                   {ir::Attribute::make_ints("kernel_shape", {3, 3}), ir::Attribute::make_ints("strides", {2, 2}),
                    ir::Attribute::make_ints("pads", {1, 1, 1, 1})},
                   "pool");
  b.output(q(b, p, 0.0317f, 100, "out"));
  const ir::Model m = b.build();
  exec::SessionOptions options;
  options.threads = 1;
  exec::Session session(m, options);
  EXPECT_EQ(session.lower_stats().pass_through, 1u);
  exec::SessionOptions fake = options;
  fake.lower_int8 = false;
  fake.backend = exec::Backend::Reference;
  const std::map<std::string, Tensor> feeds = {{"x", random_u8({1, 4, 9, 7}, 7)}};
  const Tensor got = session.run(feeds)[0].second, want = exec::Session(m, fake).run(feeds)[0].second;
  ASSERT_EQ(got.dims(), want.dims());
  for (int64_t i = 0; i < want.numel(); ++i) EXPECT_EQ(got.data<uint8_t>()[i], want.data<uint8_t>()[i]);
}

TEST(LowerQdqElementwise, ConcatRequantizesInputsOfOtherScales) {
  ir::GraphBuilder b(13);
  auto* l = b.input("l", DataType::UInt8, {1, 4, 5, 6});
  auto* r = b.input("r", DataType::UInt8, {1, 3, 5, 6});
  auto* c = b.node("Concat", {dq(b, l, 0.0317f, 100), dq(b, r, 0.0523f, 90)}, {ir::Attribute::make_int("axis", 1)}, "cat");
  b.output(q(b, c, 0.0419f, 110, "out"));
  expect_lowered_matches_qdq(b.build(), {{"l", random_u8({1, 4, 5, 6}, 3)}, {"r", random_u8({1, 3, 5, 6}, 4)}}, "QConcat");
}

// Along NHWC channels: short rows, requantized in blocks of rows (three blocks here, the
// last one partial).
TEST(LowerQdqElementwise, ChannelConcatRequantizesShortRows) {
  for (DataType type : {DataType::UInt8, DataType::Int8}) {
    SCOPED_TRACE(dtype_name(type));
    ir::GraphBuilder b(13);
    auto* l = b.input("l", type, {1, 40, 41, 24});
    auto* r = b.input("r", type, {1, 40, 41, 8});
    auto* c = b.node("Concat", {dq(b, l, 0.0317f, 100, type), dq(b, r, 0.0419f, 110, type)},
                     {ir::Attribute::make_int("axis", 3)}, "cat");
    b.output(q(b, c, 0.0419f, 110, "out", type));
    expect_lowered_matches_qdq(
        b.build(), {{"l", random_q(type, {1, 40, 41, 24}, 10)}, {"r", random_q(type, {1, 40, 41, 8}, 11)}}, "QConcat");
  }
}

TEST(LowerQdqElementwise, GlobalAveragePoolSumsIntegers) {
  for (DataType type : {DataType::UInt8, DataType::Int8}) {
    SCOPED_TRACE(dtype_name(type));
    ir::GraphBuilder b(13);
    auto* x = b.input("x", type, {1, 4, 9, 7});
    auto* p = b.node("GlobalAveragePool", {dq(b, x, 0.0317f, 100, type)}, {}, "gap");
    b.output(q(b, p, 0.0109f, 128, "out", type));
    expect_lowered_matches_qdq(b.build(), {{"x", random_q(type, {1, 4, 9, 7}, 4)}}, "QGlobalAveragePool");
  }
}

}  // namespace
}  // namespace qtune
