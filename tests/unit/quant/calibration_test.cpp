// calibrate() on small built graphs: which tensors it records, that its min/max are what a
// direct session run observes, error reporting, and the statistics file.
#include "quant/calibration.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <set>

#include "../data/data_test_util.h"
#include "exec/session.h"
#include "ir/graph_builder.h"
#include "quant/range_algorithms.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;
using data::testing::TempDir;

Tensor random_input(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// Conv+Relu+Conv+Sigmoid+Add+GlobalAveragePool, plus an int64 Shape output that
// calibration must skip.
ir::Model conv_model() {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})},
                    {ir::Attribute::make_ints("pads", {1, 1, 1, 1})}, "conv1");
  auto* r = b.node("Relu", {c1}, {}, "relu1");
  auto* c2 = b.node("Conv", {r, b.weight("w2", {2, 4, 1, 1})}, {}, "conv2");
  auto* s = b.node("Sigmoid", {c2}, {}, "sig");
  auto* a = b.node("Add", {c2, s}, {}, "add");
  b.output(b.node("GlobalAveragePool", {a}, {}, "gap"));
  b.output(b.node("Shape", {x}, {}, "shape"));
  return b.build();
}

std::vector<Feeds> random_samples(int n, uint64_t seed = 11) {
  std::vector<Feeds> out;
  for (int i = 0; i < n; ++i) out.push_back({{"x", random_input({1, 3, 8, 8}, seed + static_cast<uint64_t>(i))}});
  return out;
}

CalibrationOptions quiet_options() {
  CalibrationOptions o;
  o.threads = 1;
  o.quiet = true;
  return o;
}

CalibrationStats calibrate_samples(const ir::Model& model, std::vector<Feeds> samples,
                                   CalibrationOptions options = quiet_options()) {
  VectorSamples source(std::move(samples));
  return calibrate(model, source, options);
}

TEST(Calibration, RecordsEveryFloatActivationWithTheSessionsMinMax) {
  const ir::Model model = conv_model();
  const auto samples = random_samples(5);
  const CalibrationStats stats = calibrate_samples(model, samples);

  // What a plain session run shows an observer, over the same samples.
  struct Seen {
    float lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
    int64_t count = 0;
  };
  std::map<std::string, Seen> seen;
  exec::SessionOptions so;
  so.optimize = false;
  so.threads = 1;
  exec::Session session(model, so);
  for (const Feeds& feeds : samples)
    session.run(feeds, [&](const ir::Value& v, const Tensor& t) {
      if (v.has_initializer() || t.dtype() != DataType::Float32) return;
      Seen& s = seen[v.name()];
      for (float x : t.values<float>()) {
        s.lo = std::min(s.lo, x);
        s.hi = std::max(s.hi, x);
      }
      s.count += t.numel();
    });

  std::set<std::string> want_names, got_names;
  for (const auto& [name, s] : seen) want_names.insert(name);
  for (const auto& [name, s] : stats.tensors) got_names.insert(name);
  EXPECT_EQ(got_names, want_names);
  EXPECT_EQ(got_names,
            (std::set<std::string>{"x", "conv1_out", "relu1_out", "conv2_out", "sig_out", "add_out", "gap_out"}));
  for (const auto& [name, s] : seen) {
    const TensorStats& t = stats.at(name);
    EXPECT_EQ(t.min(), s.lo) << name;
    EXPECT_EQ(t.max(), s.hi) << name;
    EXPECT_EQ(t.count(), s.count) << name;
  }
  EXPECT_EQ(stats.samples, 5);
  ASSERT_EQ(stats.inputs.size(), 1u);
  EXPECT_EQ(stats.inputs[0], (CalibrationInput{"x", DataType::Float32, {1, 3, 8, 8}}));
  EXPECT_EQ(stats.at("relu1_out").min(), 0.0f);
  expect_error([&] { stats.at("w1"); }, {"no tensor 'w1'"});
}

TEST(Calibration, SamplingSizeLimitsTheSamples) {
  CalibrationOptions options = quiet_options();
  options.sampling_size = 3;
  const CalibrationStats stats = calibrate_samples(conv_model(), random_samples(10), options);
  EXPECT_EQ(stats.samples, 3);
  EXPECT_EQ(stats.at("x").count(), 3 * 3 * 8 * 8);
}

TEST(Calibration, NoSamplesIsAnError) {
  expect_error([] { calibrate_samples(conv_model(), {}); }, {"no samples"});
}

TEST(Calibration, NanInAnInputSampleNamesTheTensorAndSample) {
  auto samples = random_samples(4);
  samples[2]["x"].data<float>()[17] = std::numeric_limits<float>::quiet_NaN();
  expect_error([&] { calibrate_samples(conv_model(), samples); }, {"tensor 'x' has NaN in sample 2"});
}

TEST(Calibration, NanProducedInsideTheModelNamesTheTensor) {
  ir::GraphBuilder b;
  b.output(b.node("Log", {b.input("x", DataType::Float32, {1, 4})}, {}, "log"));
  const ir::Model model = b.build();
  std::vector<Feeds> samples = {{{"x", Tensor::from_vector<float>({1, 4}, {1, 2, 3, 4})}},
                                {{"x", Tensor::from_vector<float>({1, 4}, {1, -2, 3, 4})}}};
  expect_error([&] { calibrate_samples(model, samples); }, {"tensor 'log_out' has NaN in sample 1"});
}

TEST(Calibration, WrongInputNameShapeOrTypeIsRefused) {
  const ir::Model model = conv_model();
  expect_error(
      [&] {
        calibrate_samples(model, {{{"y", random_input({1, 3, 8, 8}, 1)}}});
      },
      {"calibration sample 0", "no input 'y'", "inputs: x"});
  expect_error(
      [&] {
        calibrate_samples(model, {{{"x", random_input({1, 3, 8, 9}, 1)}}});
      },
      {"calibration sample 0", "input 'x'", "float32[1,3,8,9]", "expects float32[1,3,8,8]"});
  expect_error(
      [&] {
        calibrate_samples(model, {{{"x", random_input({3, 8, 8}, 1)}}});
      },
      {"input 'x'", "expects float32[1,3,8,8]"});
  expect_error(
      [&] {
        calibrate_samples(model, {{{"x", Tensor(DataType::Float64, {1, 3, 8, 8})}}});
      },
      {"input 'x'", "float64[1,3,8,8]", "expects float32[1,3,8,8]"});
  expect_error([&] { calibrate_samples(model, {Feeds{}}); }, {"input 'x' is missing"});
}

TEST(Calibration, SaveLoadRoundTripIsExact) {
  const CalibrationStats stats = calibrate_samples(conv_model(), random_samples(4));
  TempDir dir;
  const std::string path = dir / "calib.json";
  stats.save(path);
  const CalibrationStats loaded = CalibrationStats::load(path);
  EXPECT_EQ(loaded, stats);
  // Compact: one line, histograms trimmed to their non-empty span.
  const std::string text = data::testing::read_bytes(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  // Ranges computed from the loaded stats are the same.
  for (const auto& [name, s] : stats.tensors)
    EXPECT_EQ(kl_range(loaded.at(name), Scheme::UInt8Asymmetric), kl_range(s, Scheme::UInt8Asymmetric)) << name;
}

TEST(Calibration, CorruptFilesNameTheFileAndKey) {
  const CalibrationStats stats = calibrate_samples(conv_model(), random_samples(2));
  TempDir dir;
  const std::string path = dir / "calib.json";
  stats.save(path);
  const std::string good = data::testing::read_bytes(path);

  data::testing::write_bytes(path, good.substr(0, good.size() / 2));
  expect_error([&] { CalibrationStats::load(path); }, {path, "not valid JSON"});

  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    data::testing::write_bytes(path, text);
  };
  with("\"format\":\"qtune-calibration\"", "\"format\":\"other\"");
  expect_error([&] { CalibrationStats::load(path); }, {path, "key 'format'"});
  with("\"samples\":2", "\"samples\":\"two\"");
  expect_error([&] { CalibrationStats::load(path); }, {path, "key 'samples'", "expected an integer"});
  with("\"counts\":[", "\"counts\":[\"x\",");
  expect_error([&] { CalibrationStats::load(path); }, {path, "key 'tensors.", ".counts[0]'"});
  with("\"count\":", "\"cnt\":");
  expect_error([&] { CalibrationStats::load(path); }, {path, ".count'", "missing"});
  with("\"count\":", "\"count\":1");  // prepends a digit: the counts no longer add up
  expect_error([&] { CalibrationStats::load(path); }, {path, "key 'tensors.", "sum to"});
  expect_error([&] { CalibrationStats::load(dir / "missing.json"); }, {"missing.json"});
}

TEST(Calibration, MergingTwoRunsEqualsOneRun) {
  const ir::Model model = conv_model();
  const auto samples = random_samples(5);
  CalibrationStats a = calibrate_samples(model, std::vector<Feeds>(samples.begin(), samples.begin() + 3));
  const CalibrationStats b = calibrate_samples(model, std::vector<Feeds>(samples.begin() + 3, samples.end()));
  a.merge(b);
  EXPECT_EQ(a, calibrate_samples(model, samples));
}

TEST(Calibration, StatisticsRememberTheModelInputs) {
  const CalibrationStats stats = calibrate_samples(conv_model(), random_samples(1));
  stats.check_model(conv_model(), "model.onnx");
  ir::GraphBuilder b;
  b.output(b.node("Relu", {b.input("x", DataType::Float32, {1, 3, 16, 16})}));
  expect_error([&] { stats.check_model(b.build(), "other.onnx"); },
               {"other.onnx", "x float32[1,3,8,8]", "[1,3,16,16]"});
  CalibrationStats other = stats;
  other.inputs[0].name = "y";
  expect_error([&] { other.merge(stats); }, {"different models"});
}

}  // namespace
}  // namespace qtune::quant
