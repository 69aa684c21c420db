// QuantizeLinear/DequantizeLinear (round half to even, saturation, per-axis, NaN) and
// NonMaxSuppression (thresholds, limits, tie order, box formats) by hand, plus errors.
#include <cmath>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnQuant, QuantizeRoundsHalfToEvenAndSaturates) {
  OneNode n("QuantizeLinear", {"x", "s", "z"});
  // x / 1 = .5, 1.5, 2.5, -.5, -1.5, -2.5 -> ties to even: 0, 2, 2, 0, -2, -2; 1000 -> 127.
  auto y = n.run({nntest::f32({7}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000}), nntest::f32({}, {1}),
                  Tensor::from_vector<int8_t>({}, {0})});
  EXPECT_EQ(y[0].dtype(), DataType::Int8);
  EXPECT_EQ(nntest::values<int8_t>(y[0]), (std::vector<int8_t>{0, 2, 2, 0, -2, -2, 127}));
  // No zero point: uint8 with zero point 0; -10 -> 0, 300 -> 255, 1.0 / 0.5 = 2; NaN -> 0.
  OneNode u("QuantizeLinear", {"x", "s"});
  y = u.run({nntest::f32({4}, {-10, 300, 1, NAN}), nntest::f32({}, {0.5f})});
  EXPECT_EQ(y[0].dtype(), DataType::UInt8);
  EXPECT_EQ(nntest::values<uint8_t>(y[0]), (std::vector<uint8_t>{0, 255, 2, 0}));
}

TEST(OpsNnQuant, PerAxisQuantizeAndDequantize) {
  // axis 1, scales [1, 2, 4], zero points [0, 1, 2]: column j of 4 -> 4/s + z = 4, 3, 3
  // and of -4 -> -4, -1, 1.
  OneNode q("QuantizeLinear", {"x", "s", "z"});
  auto y = q.run({nntest::f32({2, 3}, {4, 4, 4, -4, -4, -4}), nntest::f32({3}, {1, 2, 4}),
                  Tensor::from_vector<int8_t>({3}, {0, 1, 2})});
  EXPECT_EQ(nntest::values<int8_t>(y[0]), (std::vector<int8_t>{4, 3, 3, -4, -1, 1}));
  // Dequantize back: (q - z) * s = 4, 4, 4, -4, -4, -4.
  OneNode d("DequantizeLinear", {"x", "s", "z"});
  auto back = d.run({y[0], nntest::f32({3}, {1, 2, 4}), Tensor::from_vector<int8_t>({3}, {0, 1, 2})});
  EXPECT_EQ(back[0].dtype(), DataType::Float32);
  nntest::expect_near_all(back[0], {4, 4, 4, -4, -4, -4});
  // axis 0 on uint8 with rows scaled 0.5 and 2 around zero point 10: (20 - 10) * .5 = 5, (0 - 10) * 2 = -20.
  OneNode r("DequantizeLinear", {"x", "s", "z"});
  r.i("axis", 0);
  nntest::expect_near_all(r.run({Tensor::from_vector<uint8_t>({2, 1}, {20, 0}), nntest::f32({2}, {0.5f, 2}),
                                 Tensor::from_vector<uint8_t>({2}, {10, 10})})[0],
                          {5, -20});
  // int32 (bias) dequantization without a zero point.
  OneNode b("DequantizeLinear", {"x", "s"});
  nntest::expect_near_all(b.run({Tensor::from_vector<int32_t>({2}, {-300, 7}), nntest::f32({}, {0.25f})})[0], {-75, 1.75f});
}

TEST(OpsNnQuant, ErrorsNameTheProblem) {
  OneNode q("QuantizeLinear", {"x", "s", "z"});
  nntest::expect_error([&] { q.run({nntest::f32({2, 3}, {1, 2, 3, 4, 5, 6}), nntest::f32({4}, {1, 1, 1, 1}),
                                    Tensor::from_vector<int8_t>({4}, {0, 0, 0, 0})}); },
                       {"scale has 4 elements but axis 1", "has 3"});
  nntest::expect_error([&] { q.run({nntest::f32({2}, {1, 2}), nntest::f32({}, {1}), Tensor::from_vector<int32_t>({}, {0})}); },
                       {"input #2 is int32"});
  nntest::expect_error([&] { q.run({nntest::f32({2}, {1, 2}), nntest::f32({1, 1}, {1}), Tensor::from_vector<int8_t>({1, 1}, {0})}); },
                       {"scale has shape [1,1]"});
  OneNode d("DequantizeLinear", {"x", "s", "z"});
  nntest::expect_error([&] { d.run({Tensor::from_vector<int32_t>({1}, {5}), nntest::f32({}, {1}), Tensor::from_vector<int32_t>({}, {3})}); },
                       {"int32 input needs a zero point of 0, got 3"});
  nntest::expect_error([&] { d.run({Tensor::from_vector<uint8_t>({1}, {5}), nntest::f32({}, {1}), Tensor::from_vector<int8_t>({}, {3})}); },
                       {"input #2 is int8"});
  nntest::expect_error([&] { d.run({nntest::f32({1}, {5}), nntest::f32({}, {1}), Tensor()}); }, {"input #0 is float32"});
}

// Boxes (corners y1, x1, y2, x2): b0 = unit square, b1 = b0 shifted right by .1
// (IoU = .9 / 1.1 = .818), b2 = disjoint from both.
const Tensor kBoxes = nntest::f32({1, 3, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 2, 1, 3});

TEST(OpsNnNms, ThresholdsLimitsAndOrder) {
  // Class 0 scores [.9, .8, .7]: b0 kept, b1 suppressed (IoU .818 > .5), b2 kept.
  // Class 1 scores [.1, .95, .2]: b0 is not above the .15 score threshold; b1 then b2.
  auto scores = nntest::f32({1, 2, 3}, {0.9f, 0.8f, 0.7f, 0.1f, 0.95f, 0.2f});
  OneNode n("NonMaxSuppression", {"b", "s", "m", "i", "t"});
  auto run = [&](int64_t max_out, float iou, float thr) {
    return n.run({kBoxes, scores, nntest::i64({1}, {max_out}), nntest::f32({1}, {iou}), nntest::f32({1}, {thr})})[0];
  };
  auto y = run(10, 0.5f, 0.15f);
  EXPECT_EQ(y.dims(), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(nntest::values<int64_t>(y), (std::vector<int64_t>{0, 0, 0, 0, 0, 2, 0, 1, 1, 0, 1, 2}));
  // At most one box per class: the best of each.
  EXPECT_EQ(nntest::values<int64_t>(run(1, 0.5f, 0.15f)), (std::vector<int64_t>{0, 0, 0, 0, 1, 1}));
  // IoU threshold .9: b1 survives in class 0 (.818 <= .9). Score threshold .9 is strict:
  // only .95 passes (class 0's .9 does not).
  EXPECT_EQ(run(10, 0.9f, 0.15f).dim(0), 5);
  EXPECT_EQ(nntest::values<int64_t>(run(10, 0.5f, 0.9f)), (std::vector<int64_t>{0, 1, 1}));
  // Without max_output_boxes_per_class nothing is selected.
  OneNode none("NonMaxSuppression", {"b", "s"});
  EXPECT_EQ(none.run({kBoxes, scores})[0].dims(), (std::vector<int64_t>{0, 3}));
}

TEST(OpsNnNms, TiesCenterFormatAndErrors) {
  // Equal scores: the lower box index goes first. Centers: [xc, yc, w, h] = [.5, .5, 1, 1]
  // is the unit square, [.6, .5, 1, 1] overlaps it with IoU .818 -> suppressed.
  OneNode n("NonMaxSuppression", {"b", "s", "m", "i"});
  n.i("center_point_box", 1);
  auto y = n.run({nntest::f32({1, 2, 4}, {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1}), nntest::f32({1, 1, 2}, {0.5f, 0.5f}),
                  nntest::i64({1}, {5}), nntest::f32({1}, {0.5f})});
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{0, 0, 0}));
  OneNode e("NonMaxSuppression", {"b", "s", "m", "i"});
  auto scores = nntest::f32({1, 1, 3}, {1, 1, 1});
  nntest::expect_error([&] { e.run({Tensor(DataType::Float32, {1, 3, 5}), scores, nntest::i64({1}, {1}), nntest::f32({1}, {0})}); },
                       {"boxes has shape [1,3,5]", "[batches, boxes, 4]"});
  nntest::expect_error([&] { e.run({Tensor(DataType::Float32, {1, 2, 4}), scores, nntest::i64({1}, {1}), nntest::f32({1}, {0})}); },
                       {"disagree on the box count"});
  nntest::expect_error([&] { e.run({kBoxes, scores, nntest::i64({1}, {1}), nntest::f32({1}, {1.5f})}); },
                       {"iou_threshold is 1.5", "[0, 1]"});
  nntest::expect_error([&] { e.run({kBoxes, scores, nntest::i64({2}, {1, 1}), nntest::f32({1}, {0})}); },
                       {"max_output_boxes_per_class has 2 elements, expected 1"});
  OneNode c("NonMaxSuppression", {"b", "s"});
  c.i("center_point_box", 2);
  nntest::expect_error([&] { c.run({kBoxes, scores}); }, {"'center_point_box' is 2"});
}

}  // namespace
}  // namespace qtune
