// Resize (opset 10 and 11+) and Upsample (7 and 9): hand-derived coordinate transforms
// and rounding rules, tf_crop_and_resize extrapolation, integer nearest, shape rules
// with symbolic dims, and errors.
#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnResize, UpsampleAttributeAndInputForms) {
  // Opset 7: scales attribute [1, 1, 2, 3] on a 2x2 plane: each value repeats 2x3.
  OneNode a("Upsample", {"x"});
  a.floats("scales", {1, 1, 2, 3});
  auto y = a.run({nntest::f32({1, 1, 2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 1, 4, 6}));
  nntest::expect_near_all(y[0], {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
  // Opset 9: scales input; linear is asymmetric: x_in = x_out / 2 -> 0, .5, 1, 1.5
  // (clamped to 1) over [0, 10] -> [0, 5, 10, 10].
  OneNode b("Upsample", {"x", "scales"});
  b.s("mode", "linear");
  nntest::expect_near_all(b.run({nntest::f32({1, 2}, {0, 10}), nntest::f32({2}, {1, 2})})[0], {0, 5, 10, 10});
}

TEST(OpsNnResize, Opset10NearestRoundsLikeLegacyRuntimes) {
  // Two inputs = opset 10. Downsampling 0..4 by 0.6: floor(5 * 0.6) = 3 outputs at
  // x_in = x_out / 0.6 = 0, 1.67, 3.33; the legacy rule takes ceil when downsampling
  // -> indices 0, 2, 4.
  OneNode n("Resize", {"x", "scales"});
  auto y = n.run({nntest::f32({1, 5}, {0, 1, 2, 3, 4}), nntest::f32({2}, {1, 0.6f})});
  nntest::expect_near_all(y[0], {0, 2, 4});
  // Upsampling by 3 uses floor: x_in = 0, .33, .67, 1, 1.33, 1.67 -> 0,0,0,1,1,1.
  nntest::expect_near_all(n.run({nntest::f32({2}, {7, 8}), nntest::f32({1}, {3})})[0], {7, 7, 7, 8, 8, 8});
}

TEST(OpsNnResize, CoordinateTransformsAndNearestModes) {
  // Linear, half_pixel, sizes [4] on [0, 10]: scale 2, x_in = (x + .5) / 2 - .5 =
  // -.25, .25, .75, 1.25 -> clamped 0, .25, .75, 1 -> [0, 2.5, 7.5, 10].
  OneNode lin("Resize", {"x", "", "", "sizes"});
  lin.s("mode", "linear");
  nntest::expect_near_all(lin.run({nntest::f32({2}, {0, 10}), Tensor(), Tensor(), nntest::i64({1}, {4})})[0],
                          {0, 2.5f, 7.5f, 10});
  // align_corners, sizes 3 on [0, 10]: x_in = x * (2 - 1) / (3 - 1) = 0, .5, 1 -> [0, 5, 10].
  OneNode ac("Resize", {"x", "", "", "sizes"});
  ac.s("mode", "linear").s("coordinate_transformation_mode", "align_corners");
  nntest::expect_near_all(ac.run({nntest::f32({2}, {0, 10}), Tensor(), Tensor(), nntest::i64({1}, {3})})[0], {0, 5, 10});
  // Nearest, asymmetric, scale 2 on [1, 2, 3]: x_in = 0, .5, 1, 1.5, 2, 2.5.
  // round_prefer_ceil -> 0,1,1,2,2,3(clamped to 2); round_prefer_floor -> 0,0,1,1,2,2.
  for (auto [mode, want] : {std::pair{"round_prefer_ceil", std::vector<float>{1, 2, 2, 3, 3, 3}},
                            std::pair{"round_prefer_floor", std::vector<float>{1, 1, 2, 2, 3, 3}},
                            std::pair{"ceil", std::vector<float>{1, 2, 2, 3, 3, 3}},
                            std::pair{"floor", std::vector<float>{1, 1, 2, 2, 3, 3}}}) {
    OneNode n("Resize", {"x", "roi", "scales"});
    n.s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", mode);
    auto y = n.run({nntest::f32({3}, {1, 2, 3}), nntest::f32({0}, {}), nntest::f32({1}, {2})});
    nntest::expect_near_all(y[0], want);
  }
}

TEST(OpsNnResize, CropAndResizeExtrapolatesOutsideTheInput) {
  // roi [0, 1.5] on [0, 10, 20], sizes 4: x_in = 0 * 2 + x * 1.5 * 2 / 3 = 0, 1, 2, 3;
  // 3 > in - 1 = 2 is outside -> extrapolation_value -1.
  OneNode n("Resize", {"x", "roi", "", "sizes"});
  n.s("mode", "linear").s("coordinate_transformation_mode", "tf_crop_and_resize").f("extrapolation_value", -1);
  auto y = n.run({nntest::f32({3}, {0, 10, 20}), nntest::f32({2}, {0, 1.5f}), Tensor(), nntest::i64({1}, {4})});
  nntest::expect_near_all(y[0], {0, 10, 20, -1});
}

TEST(OpsNnResize, IntegerNearestIsExact) {
  OneNode n("Resize", {"x", "roi", "scales"});
  auto y = n.run({Tensor::from_vector<uint8_t>({1, 1, 1, 2}, {200, 7}), nntest::f32({0}, {}), nntest::f32({4}, {1, 1, 2, 2})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 1, 2, 4}));
  EXPECT_EQ(nntest::values<uint8_t>(y[0]), (std::vector<uint8_t>{200, 200, 7, 7, 200, 200, 7, 7}));
}

TEST(OpsNnResize, ShapeRuleKeepsSymbolicDimsWithScaleOne) {
  OneNode n("Resize", {"x", "roi", "scales"});
  ops::TensorInfo scales = ops::TensorInfo::of(nntest::f32({4}, {1, 1, 2, 2}));
  auto out = n.infer({nntest::typed(nntest::shape({"N", "3", "32", "?"})), ops::TensorInfo::of(nntest::f32({0}, {})), scales});
  EXPECT_EQ(out[0].shape.to_string(), "[N,3,64,?]");
  OneNode s("Resize", {"x", "roi", "scales", "sizes"});
  out = s.infer({nntest::typed(nntest::shape({"N", "3", "32", "32"})), ops::TensorInfo::absent(), ops::TensorInfo::absent(),
                 nntest::typed(nntest::shape({"4"}), DataType::Int64)});
  EXPECT_EQ(out[0].shape.to_string(), "[?,?,?,?]");
  OneNode u("Upsample", {"x", "scales"});
  out = u.infer({nntest::typed(nntest::shape({"B", "C", "8"})), ops::TensorInfo::of(nntest::f32({3}, {1, 1, 2}))});
  EXPECT_EQ(out[0].shape.to_string(), "[B,C,16]");
}

TEST(OpsNnResize, ErrorsNameTheProblem) {
  auto x = nntest::f32({2}, {1, 2});
  OneNode both("Resize", {"x", "roi", "scales", "sizes"});
  nntest::expect_error([&] { both.run({x, Tensor(), nntest::f32({1}, {2}), nntest::i64({1}, {4})}); },
                       {"both scales and sizes"});
  OneNode none("Resize", {"x", "roi", "scales"});
  nntest::expect_error([&] { none.run({x, Tensor(), nntest::f32({0}, {})}); }, {"needs scales or sizes"});
  OneNode len("Resize", {"x", "roi", "scales"});
  nntest::expect_error([&] { len.run({x, Tensor(), nntest::f32({2}, {1, 2})}); }, {"scales has 2 values", "(1)"});
  OneNode neg("Resize", {"x", "roi", "scales"});
  nntest::expect_error([&] { neg.run({x, Tensor(), nntest::f32({1}, {-2})}); }, {"scales[0] is -2", "positive"});
  OneNode lin("Resize", {"x", "roi", "scales"});
  lin.s("mode", "linear");
  nntest::expect_error([&] { lin.run({Tensor::from_vector<int8_t>({2}, {1, 2}), Tensor(), nntest::f32({1}, {2})}); },
                       {"linear/cubic needs float input", "int8"});
  OneNode coord("Resize", {"x", "roi", "scales"});
  coord.s("coordinate_transformation_mode", "corner");
  nntest::expect_error([&] { coord.run({x, Tensor(), nntest::f32({1}, {2})}); }, {"'coordinate_transformation_mode' is 'corner'"});
  OneNode anti("Resize", {"x", "roi", "scales"});
  anti.i("antialias", 1);
  nntest::expect_error([&] { anti.run({x, Tensor(), nntest::f32({1}, {2})}); }, {"antialias"});
  OneNode up("Upsample", {"x"});
  nntest::expect_error([&] { up.run({x}); }, {"needs the scales attribute"});
  OneNode crop("Resize", {"x", "roi", "scales"});
  crop.s("coordinate_transformation_mode", "tf_crop_and_resize");
  nntest::expect_error([&] { crop.run({x, Tensor(), nntest::f32({1}, {2})}); }, {"roi has 0 values, expected 2"});
}

}  // namespace
}  // namespace qtune
