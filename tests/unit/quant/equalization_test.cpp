// Channel equalization on a built stem: a convolution whose four output channels span
// ranges 150x apart, read (directly or through a Relu) by a depthwise convolution. The
// pair is found only when B is depthwise and the tensor has no other reader; the rescaled
// float graph computes what the original does; the rescaled tensor's channels all span
// the widest one's range; and the QDQ model with equalization is much closer to FP32 than
// without it (the narrow channels had a few quantization levels).
#include "quant/equalization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../data/data_test_util.h"
#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "quant/calibration.h"
#include "quant/prepare.h"
#include "quant/quantizer.h"

namespace qtune {
namespace {

Tensor random_tensor(const std::vector<int64_t>& dims, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// x -> stem Conv (channel c's weights times kSpread[c]) [-> Relu] -> depthwise Conv -> y.
constexpr float kSpread[4] = {30.0f, 1.0f, 0.2f, 5.0f};

ir::Model stem(bool relu, bool depthwise = true) {
  ir::GraphBuilder b(13, 17);
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  Tensor w = random_tensor({4, 3, 3, 3}, 1);
  for (int64_t c = 0; c < 4; ++c)
    for (int64_t i = 0; i < 27; ++i) w.data<float>()[c * 27 + i] *= kSpread[c];
  auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* a = b.node("Conv", {x, b.constant("wa", w), b.constant("ba", random_tensor({4}, 2))}, {pads}, "stem");
  if (relu) a = b.node("Relu", {a}, {}, "relu");
  ir::Value* bw = depthwise ? b.constant("wb", random_tensor({4, 1, 3, 3}, 3)) : b.constant("wb", random_tensor({4, 4, 3, 3}, 3));
  std::vector<ir::Attribute> attrs = {pads};
  if (depthwise) attrs.push_back(ir::Attribute::make_int("group", 4));
  b.output(b.node("Conv", {a, bw, b.constant("bb", random_tensor({4}, 4))}, attrs, "dw"));
  return b.build();
}

Tensor run(const ir::Model& m, const Tensor& x, bool lower = false) {
  exec::SessionOptions o;
  o.threads = 1;
  o.lower_int8 = lower;
  exec::Session s(m, o, "m");
  return s.run({{"x", x}})[0].second;
}

quant::CalibrationStats calibrate(const ir::Model& prepared) {
  std::vector<quant::Feeds> samples;
  for (uint64_t i = 0; i < 4; ++i) samples.push_back({{"x", random_tensor({1, 3, 8, 8}, 10 + i)}});
  quant::VectorSamples source(samples);
  quant::CalibrationOptions co;
  co.quiet = true;
  co.threads = 1;
  return quant::calibrate(prepared, source, co);
}

double mean_abs_error(const Tensor& a, const Tensor& b) {
  double sum = 0;
  for (int64_t i = 0; i < a.numel(); ++i) sum += std::fabs(a.data<float>()[i] - b.data<float>()[i]);
  return sum / static_cast<double>(a.numel());
}

TEST(ChannelEqualization, FindsConvIntoDepthwisePairsOnly) {
  for (bool relu : {false, true}) {
    const ir::Model m = stem(relu);
    const std::vector<quant::EqualizationPair> pairs = quant::equalization_pairs(*m.graph);
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0].producer, "stem");
    EXPECT_EQ(pairs[0].consumer, "dw");
    EXPECT_EQ(pairs[0].relu, relu ? "relu" : "");
    EXPECT_EQ(pairs[0].tensor, relu ? "relu_out" : "stem_out");
  }
  EXPECT_TRUE(quant::equalization_pairs(*stem(false, false).graph).empty());  // B mixes channels
}

TEST(ChannelEqualization, SameFunctionInFloatWithEqualChannelRanges) {
  for (bool relu : {false, true}) {
    const ir::Model prepared = quant::prepare_for_quantization(stem(relu), "m");
    const quant::CalibrationStats stats = calibrate(prepared);
    const auto pairs = quant::equalization_pairs(*prepared.graph);
    ASSERT_EQ(stats.channels.count(pairs.at(0).tensor), 1u);
    const quant::ChannelRanges& before = stats.channels.at(pairs[0].tensor);
    ir::Model equalized = ir::clone_model(prepared);
    const auto ranges = quant::equalize_channels(*equalized.graph, pairs, stats.channels);
    ASSERT_EQ(ranges.count(pairs[0].tensor), 1u);
    float widest = 0;
    for (size_t c = 0; c < 4; ++c) widest = std::max({widest, std::fabs(before.min[c]), std::fabs(before.max[c])});
    const quant::Range r = ranges.at(pairs[0].tensor);
    EXPECT_LE(std::max(-r.lo, r.hi), widest * 1.0001f);

    const Tensor x = random_tensor({1, 3, 8, 8}, 99);
    const Tensor want = run(prepared, x), got = run(equalized, x);
    for (int64_t i = 0; i < want.numel(); ++i)
      EXPECT_NEAR(got.data<float>()[i], want.data<float>()[i], 1e-4f * (1 + std::fabs(want.data<float>()[i])));
    // Every channel of the rescaled tensor now reaches (nearly) the widest range.
    exec::SessionOptions o;
    o.optimize = false;
    exec::Session s(equalized, o, "m");
    std::vector<float> reach(4, 0.0f);
    s.run({{"x", random_tensor({1, 3, 8, 8}, 10)}}, [&](const ir::Value& v, const Tensor& t) {
      if (v.name() != pairs[0].tensor) return;
      for (int64_t c = 0; c < 4; ++c)
        for (int64_t i = 0; i < 64; ++i) reach[c] = std::max(reach[c], std::fabs(t.data<float>()[c * 64 + i]));
    });
    for (size_t c = 0; c < 4; ++c) EXPECT_GT(reach[c], 0.5f * widest) << "channel " << c;
  }
}

TEST(ChannelEqualization, QuantizedModelIsCloserToFp32) {
  const ir::Model fp32 = stem(false);
  const ir::Model prepared = quant::prepare_for_quantization(fp32, "m");
  const quant::CalibrationStats stats = calibrate(prepared);
  quant::Quantizer quantizer(prepared, "m");
  quant::QuantPlan on = quant::default_plan(), off = on;
  off.channel_equalization = false;
  const Tensor x = random_tensor({1, 3, 8, 8}, 11);
  const Tensor want = run(fp32, x);
  const double error_on = mean_abs_error(run(quantizer.quantize(stats, on).model, x, true), want);
  const double error_off = mean_abs_error(run(quantizer.quantize(stats, off).model, x, true), want);
  EXPECT_LT(error_on, 0.5 * error_off) << error_on << " vs " << error_off;
}

// The channel ranges travel with the statistics: saved and loaded exactly, merged, split
// across workers and checkpoints like the histograms.
TEST(ChannelEqualization, ChannelRangesSurviveSaveLoadMergeAndWorkers) {
  const ir::Model prepared = quant::prepare_for_quantization(stem(true), "m");
  std::vector<quant::Feeds> samples;
  for (uint64_t i = 0; i < 5; ++i) samples.push_back({{"x", random_tensor({1, 3, 8, 8}, 30 + i)}});
  auto run_on = [&](size_t from, size_t to, int threads, std::map<int64_t, quant::CalibrationStats>* checkpoints) {
    quant::VectorSamples source(std::vector<quant::Feeds>(samples.begin() + from, samples.begin() + to));
    quant::CalibrationOptions co;
    co.quiet = true;
    co.threads = threads;
    if (checkpoints) {
      co.checkpoints = {2};
      co.checkpoint_stats = checkpoints;
    }
    return quant::calibrate(prepared, source, co);
  };
  std::map<int64_t, quant::CalibrationStats> checkpoints;
  const quant::CalibrationStats all = run_on(0, 5, 2, &checkpoints);
  ASSERT_EQ(all.channels.size(), 1u);
  EXPECT_EQ(all.channels.begin()->second.min.size(), 4u);
  EXPECT_EQ(all, run_on(0, 5, 1, nullptr));
  EXPECT_EQ(checkpoints.at(2), run_on(0, 2, 1, nullptr));
  quant::CalibrationStats merged = run_on(0, 2, 1, nullptr);
  merged.merge(run_on(2, 5, 1, nullptr));
  EXPECT_EQ(merged, all);
  data::testing::TempDir dir;
  all.save(dir / "stats.json");
  EXPECT_EQ(quant::CalibrationStats::load(dir / "stats.json"), all);
}

TEST(ChannelEqualization, RangesOfDifferentChannelCountsDoNotMerge) {
  quant::ChannelRanges a, b;
  const float data[6] = {1, -2, 3, 4, 5, -6};
  a.update(data, 1, 2, 3);
  EXPECT_EQ(a.min, (std::vector<float>{-2, -6}));
  EXPECT_EQ(a.max, (std::vector<float>{3, 5}));
  b.update(data, 1, 3, 2);
  EXPECT_THROW(a.merge(b), Error);
}

}  // namespace
}  // namespace qtune
