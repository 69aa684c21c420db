#include <gtest/gtest.h>

#include <set>

#include "data/transforms_geometry.h"
#include "data/transforms_pixel.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;

std::vector<float> floats(const Tensor& t) {
  if (t.dtype() == DataType::Float32) return {t.values<float>().begin(), t.values<float>().end()};
  std::vector<float> v;
  for (int64_t i = 0; i < t.numel(); ++i) v.push_back(static_cast<float>(t.value_as_double(i)));
  return v;
}

void expect_floats(const Tensor& t, const std::vector<float>& expected, float tolerance = 1e-5f) {
  auto got = floats(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], tolerance) << "element " << i;
}

Tensor row(const std::vector<float>& v) { return Tensor::from_vector<float>({1, static_cast<int64_t>(v.size()), 1}, v); }

const TransformContext kContext{};

TEST(DataTransforms, BilinearResizeUsesPixelCentersLikeOpenCv) {
  // Downscale 4 -> 2: output x samples source (x + 0.5) * 2 - 0.5 = 0.5 and 2.5:
  //   0.5 * 0 + 0.5 * 100 = 50,  0.5 * 200 + 0.5 * 255 = 227.5
  expect_floats(resize_image(row({0, 100, 200, 255}), 1, 2, Interpolation::Bilinear, false), {50, 227.5});
  // Upscale 2 -> 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1):
  //   0, 0.75 * 0 + 0.25 * 100 = 25, 75, 100
  expect_floats(resize_image(row({0, 100}), 1, 4, Interpolation::Bilinear, false), {0, 25, 75, 100});
  // 4 -> 1 without antialias: source 1.5 -> (100 + 200) / 2 = 150.
  expect_floats(resize_image(row({0, 100, 200, 255}), 1, 1, Interpolation::Bilinear, false), {150});
  // With antialias the triangle widens to radius 4 around center 2.0: weights
  // 1 - |j + 0.5 - 2| / 4 = 0.625, 0.875, 0.875, 0.625 (sum 3):
  //   (0 * 0.625 + 100 * 0.875 + 200 * 0.875 + 255 * 0.625) / 3 = 421.875 / 3 = 140.625
  expect_floats(resize_image(row({0, 100, 200, 255}), 1, 1, Interpolation::Bilinear, true), {140.625});
  // Nearest: floor((x + 0.5) * 2) = 1, 3.
  expect_floats(resize_image(row({0, 100, 200, 255}), 1, 2, Interpolation::Nearest, false), {100, 255});
}

TEST(DataTransforms, BilinearResizeIsSeparableIn2DAndRoundsUint8) {
  // 2x2 [[0, 10], [20, 30]] -> 4x4. f(x, y) = 10 x' + 20 y' on clamped source
  // coordinates x', y' in {0, 0.25, 0.75, 1}: e.g. (1, 1) -> 2.5 + 5 = 7.5.
  Tensor img = Tensor::from_vector<float>({2, 2, 1}, {0, 10, 20, 30});
  Tensor out = resize_image(img, 4, 4, Interpolation::Bilinear, false);
  std::vector<float> expected;
  for (float y : {0.0f, 0.25f, 0.75f, 1.0f})
    for (float x : {0.0f, 0.25f, 0.75f, 1.0f}) expected.push_back(10 * x + 20 * y);
  expect_floats(out, expected);
  // uint8: 0.5 * 0 + 0.5 * 255 = 127.5 rounds half to even -> 128.
  Tensor u = Tensor::from_vector<uint8_t>({1, 2, 1}, {0, 255});
  EXPECT_EQ(resize_image(u, 1, 1, Interpolation::Bilinear, false).data<uint8_t>()[0], 128);
}

Tensor image(int64_t h, int64_t w, int64_t c = 1) {
  Tensor t(DataType::UInt8, {h, w, c});
  for (int64_t i = 0; i < t.numel(); ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(i);
  return t;
}

TEST(DataTransforms, ResizeModesComputeTheTargetSize) {
  auto dims = [](const ResizeOptions& o, int64_t h, int64_t w) { return Resize(o).apply(image(h, w), kContext).dims(); };
  ResizeOptions shorter;
  shorter.mode = ResizeOptions::Mode::ShorterSide;
  shorter.shorter_side = 2;
  EXPECT_EQ(dims(shorter, 4, 8), (std::vector<int64_t>{2, 4, 1}));
  EXPECT_EQ(dims(shorter, 8, 4), (std::vector<int64_t>{4, 2, 1}));
  EXPECT_EQ(dims(shorter, 3, 5), (std::vector<int64_t>{2, 3, 1}));  // floor(2 * 5 / 3) = 3
  ResizeOptions height;
  height.mode = ResizeOptions::Mode::Height;
  height.height = 48;
  height.max_width = 320;
  EXPECT_EQ(dims(height, 32, 100), (std::vector<int64_t>{48, 150, 1}));  // ceil(48 * 100 / 32) = 150
  EXPECT_EQ(dims(height, 32, 300), (std::vector<int64_t>{48, 320, 1}));  // ceil(450) capped at 320
  EXPECT_EQ(dims(height, 30, 31), (std::vector<int64_t>{48, 50, 1}));    // ceil(49.6) = 50

  // Letterbox: a 2x4 image into 4x4 keeps scale 1 and pads one row above and below.
  ResizeOptions letterbox;
  letterbox.mode = ResizeOptions::Mode::KeepRatioPad;
  letterbox.height = letterbox.width = 4;
  letterbox.pad_value = 114;
  Tensor boxed = Resize(letterbox).apply(image(2, 4), kContext);
  ASSERT_EQ(boxed.dims(), (std::vector<int64_t>{4, 4, 1}));
  std::vector<float> expected = {114, 114, 114, 114, 0, 1, 2, 3, 4, 5, 6, 7, 114, 114, 114, 114};
  expect_floats(boxed, expected);
}

TEST(DataTransforms, CropsAndFlips) {
  // 4x5 image of values 0..19; center crop 3x3 starts at floor(1/2) = 0, floor(2/2) = 1.
  expect_floats(CenterCrop(3, 3).apply(image(4, 5), kContext), {1, 2, 3, 6, 7, 8, 11, 12, 13});
  expect_error([] { CenterCrop(5, 5).apply(image(4, 5), kContext); }, {"smaller than the crop 5x5"});
  expect_floats(flip_horizontal(image(2, 3)), {2, 1, 0, 5, 4, 3});
  Tensor rgb = image(1, 2, 3);  // pixels (0,1,2), (3,4,5): flipping keeps channel order
  expect_floats(flip_horizontal(rgb), {3, 4, 5, 0, 1, 2});
  EXPECT_EQ(RandomHorizontalFlip(0.0).apply(rgb, {0, 1}).raw(), rgb.raw());
  expect_floats(RandomHorizontalFlip(1.0).apply(rgb, {0, 1}), {3, 4, 5, 0, 1, 2});
}

TEST(DataTransforms, RandomTransformsAreAFunctionOfTheSeed) {
  RandomCrop crop(2, 2);
  Tensor src = image(6, 6);
  std::set<std::vector<float>> distinct;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Tensor a = crop.apply(src, {seed, seed}), b = crop.apply(src, {seed, seed});
    EXPECT_EQ(floats(a), floats(b));
    auto v = floats(a);  // a 2x2 window of a row-major 6x6 ramp: v1 = v0 + 1, v2 = v0 + 6
    EXPECT_EQ(v[1], v[0] + 1);
    EXPECT_EQ(v[2], v[0] + 6);
    distinct.insert(v);
  }
  EXPECT_GT(distinct.size(), 10u);  // 25 possible windows; 40 seeds hit many of them
  RandomHorizontalFlip flip(0.5);
  int flipped = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) flipped += flip.apply(src, {seed, seed}).raw() != src.raw();
  EXPECT_GT(flipped, 70);
  EXPECT_LT(flipped, 130);
}

TEST(DataTransforms, NormalizeScaleCastChannelOrderTranspose) {
  // (x - 127.5) / 127.5: 255 -> 1, 0 -> -1, 128 -> 0.5 / 127.5 = 0.0039216.
  expect_floats(Normalize({127.5}, {127.5}).apply(Tensor::from_vector<uint8_t>({1, 1, 3}, {255, 0, 128}), kContext),
                {1, -1, 0.0039216f});
  // Scale(1/255) then ImageNet Normalize on the red channel: 124 / 255 = 0.4862745,
  // (0.4862745 - 0.485) / 0.229 = 0.0055655; green 116 -> (0.454902 - 0.456) / 0.224 = -0.0049020.
  Tensor scaled = Scale(1.0 / 255).apply(Tensor::from_vector<uint8_t>({1, 1, 3}, {124, 116, 104}), kContext);
  expect_floats(Normalize({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}).apply(scaled, kContext),
                {0.0055655f, -0.0049020f, (104 / 255.0f - 0.406f) / 0.225f});
  // channel_axis 0 on CHW [2,1,2]: channel 0 minus 1, channel 1 minus 2.
  expect_floats(Normalize({1, 2}, {1, 1}, 0).apply(Tensor::from_vector<float>({2, 1, 2}, {1, 2, 3, 4}), kContext), {0, 1, 1, 2});
  expect_error([] { Normalize({1, 2}, {1, 1}).apply(Tensor(DataType::Float32, {2, 2, 3}), kContext); }, {"2 mean/std values for 3 channels"});
  expect_error([] { Normalize({1}, {0}); }, {"std[0] must be a non-zero number"});

  Tensor c = Cast(DataType::Int8).apply(Tensor::from_vector<float>({3}, {-3.6f, 200.0f, 2.5f}), kContext);
  EXPECT_EQ(c.describe(), "int8[3]");
  expect_floats(c, {-4, 127, 2});  // nearest (half to even), saturated
  expect_floats(Cast(DataType::Float32).apply(Tensor::from_vector<uint8_t>({2}, {0, 255}), kContext), {0, 255});

  expect_floats(ChannelOrder({2, 1, 0}).apply(Tensor::from_vector<uint8_t>({1, 2, 3}, {1, 2, 3, 4, 5, 6}), kContext), {3, 2, 1, 6, 5, 4});
  expect_error([] { ChannelOrder({0, 0, 1}); }, {"not a permutation"});

  // HWC [2,2,3] with value (y * 2 + x) * 3 + c -> CHW value at [c][y][x].
  Tensor chw = Transpose({2, 0, 1}).apply(image(2, 2, 3), kContext);
  EXPECT_EQ(chw.describe(), "uint8[3,2,2]");
  expect_floats(chw, {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11});
  Tensor back = Transpose({1, 2, 0}).apply(chw, kContext);
  expect_floats(back, floats(image(2, 2, 3)));
}

TEST(DataTransforms, PaddleOcrRecPreprocessing) {
  // A 32x100 RGB crop: PaddleOCR resizes to 48 x ceil(48 * 100 / 32) = 48 x 150,
  // normalizes (x / 255 - 0.5) / 0.5, goes CHW and zero-pads on the right to 320.
  Tensor crop(DataType::UInt8, {32, 100, 3});
  for (int64_t y = 0; y < 32; ++y)
    for (int64_t x = 0; x < 100; ++x)
      for (int64_t ch = 0; ch < 3; ++ch) crop.data<uint8_t>()[(y * 100 + x) * 3 + ch] = x < 50 ? 0 : 255;
  TransformPipeline pipeline;
  ResizeOptions r;
  r.mode = ResizeOptions::Mode::Height;
  r.height = 48;
  r.max_width = 320;
  pipeline.add(std::make_unique<Resize>(r));
  pipeline.add(std::make_unique<Normalize>(std::vector<double>{127.5}, std::vector<double>{127.5}));
  pipeline.add(std::make_unique<PadToWidth>(320));
  pipeline.add(std::make_unique<Transpose>(std::vector<int64_t>{2, 0, 1}));
  Tensor out = pipeline.apply(crop, 0, "crop.png");
  ASSERT_EQ(out.describe(), "float32[3,48,320]");
  const float* p = out.data<float>();
  // Column 10 is black (-1), column 140 white (+1), columns 150..319 padding (0).
  for (int64_t ch = 0; ch < 3; ++ch)
    for (int64_t y : {0, 47}) {
      EXPECT_FLOAT_EQ(p[(ch * 48 + y) * 320 + 10], -1.0f);
      EXPECT_FLOAT_EQ(p[(ch * 48 + y) * 320 + 140], 1.0f);
      EXPECT_FLOAT_EQ(p[(ch * 48 + y) * 320 + 150], 0.0f);
      EXPECT_FLOAT_EQ(p[(ch * 48 + y) * 320 + 319], 0.0f);
    }
  // The one-step PadToWidth(320, height 48) produces the same geometry on uint8.
  Tensor quick = PadToWidth(320, 48).apply(crop, kContext);
  EXPECT_EQ(quick.describe(), "uint8[48,320,3]");
  expect_error([&] { PadToWidth(64).apply(crop, kContext); }, {"width 100 exceeds the target width 64"});
}

TEST(DataTransforms, ErrorsNameTheTransformAndSource) {
  TransformPipeline pipeline;
  pipeline.add(std::make_unique<Transpose>(std::vector<int64_t>{2, 0, 1}));
  pipeline.add(std::make_unique<CenterCrop>(2, 2));
  expect_error([&] { pipeline.apply(image(6, 6, 3), 0, "/data/x.jpg"); },
               {"/data/x.jpg: transform 1 CenterCrop(2x2)", "looks like CHW", "before Transpose"});
}

}  // namespace
}  // namespace qtune::data
