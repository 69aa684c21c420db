// Calibration of the real PP-OCRv4 recognizer (Release only: the sanitizer run excludes
// ^RealModel).
#include <gtest/gtest.h>

#include <random>

#include "ir/model_io.h"
#include "quant/calibration.h"
#include "quant/range_algorithms.h"
#include "test_paths.h"

namespace qtune::quant {
namespace {

TEST(RealModelCalibration, PPOCRv4RecHasStatsForEveryLayerAndNoZeroScales) {
  const std::string path = testing::ppocr_model("ch_PP-OCRv4_rec_infer.onnx");
  const ir::Model model = ir::load_model(path);
  std::vector<Feeds> samples;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  for (int i = 0; i < 3; ++i) {
    Tensor x(DataType::Float32, {1, 3, 48, 320});
    for (float& v : std::span<float>(x.data<float>(), static_cast<size_t>(x.numel()))) v = dist(rng);
    samples.push_back({{"x", x}});
  }
  VectorSamples source(std::move(samples));
  CalibrationOptions options;
  options.quiet = true;
  options.threads = 2;
  options.model_source = path;
  const CalibrationStats stats = calibrate(model, source, options);
  EXPECT_EQ(stats.samples, 3);
  EXPECT_GT(stats.tensors.size(), 100u);
  for (const auto& [name, s] : stats.tensors) {
    EXPECT_GT(s.count(), 0) << name;
    for (RangeMethod m : {RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::KL, RangeMethod::MSE})
      for (Scheme scheme : {Scheme::UInt8Asymmetric, Scheme::Int8Symmetric}) {
        const QuantParams p = choose_params(compute_range(s, m, scheme), scheme);
        EXPECT_GT(p.scale[0], 0.0f) << name << " " << range_method_name(m);
        EXPECT_TRUE(std::isfinite(p.scale[0])) << name;
      }
  }
}

}  // namespace
}  // namespace qtune::quant
