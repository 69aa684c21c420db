// The tuner through its C++ API, on a small built model with synthetic metrics whose right
// answer is known: it finds exactly the unit that must stay FP32, stops at the first
// passing trial with timeout 0, honours max_trials, resumes an interrupted run without
// re-running finished trials (and ends where an uninterrupted run ends), reuses the
// cached baseline, refuses a workspace holding another run, and writes a deploy.yaml that
// replays to the winning plan.
#include "tune/tuner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cli_runner.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "quant/plan_io.h"

namespace qtune {
namespace {

Tensor random_input(uint64_t seed) {
  Tensor t(DataType::Float32, {1, 3, 8, 8});
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

ir::Model model() {
  ir::GraphBuilder b(13, 5);
  auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c1 = b.node("Relu", {b.node("Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})}, {pads}, "conv1")});
  auto* c2 = b.node("Relu", {b.node("Conv", {c1, b.weight("w2", {4, 4, 3, 3}), b.weight("b2", {4})}, {pads}, "conv2")});
  b.output(b.node("Conv", {c2, b.weight("w3", {2, 4, 1, 1})}, {}, "conv3"));
  return b.build();
}

quant::VectorSamples samples() {
  std::vector<quant::Feeds> s;
  for (uint64_t i = 0; i < 4; ++i) s.push_back({{"x", random_input(i)}});
  return quant::VectorSamples(s);
}

bool weight_quantized(const ir::Model& m, const std::string& node) {
  const ir::Node* n = m.graph->find_node(node);
  return n && n->input(1)->producer() && n->input(1)->producer()->op_type() == "DequantizeLinear";
}

config::TuneConfig make_config(const std::string& workspace, const std::string& tuning_extra = "",
                               const std::string& criterion = "{relative: 0.01}") {
  return config::parse_tune_config("quantization:\n  calibration: {sampling_size: 4}\n"
                                   "evaluation:\n  accuracy: {command: 'unused {model}'}\n"
                                   "  performance: {warmup: 1, iters: 2}\n"
                                   "tuning:\n  accuracy_criterion: " + criterion + "\n  workspace: {path: '" +
                                       workspace + "'}\n" + tuning_extra,
                                   "test.yaml");
}

tune::TuneOptions quiet() {
  tune::TuneOptions o;
  o.quiet = true;
  o.log = nullptr;
  o.threads = 1;
  return o;
}

// 1.0 unless conv2 runs INT8 (0.5): the answer is exactly conv2 in FP32.
struct Conv2Hurts {
  int calls = 0;
  double operator()(const ir::Model& m) {
    ++calls;
    return weight_quantized(m, "conv2") ? 0.5 : 1.0;
  }
};

// Both conv1 and conv2 must stay FP32: every run takes at least three trials whatever order
// the (ISA-dependent) sensitivity ranking puts the units in.
struct Conv1AndConv2Hurt {
  int calls = 0;
  double operator()(const ir::Model& m) {
    ++calls;
    return weight_quantized(m, "conv1") || weight_quantized(m, "conv2") ? 0.5 : 1.0;
  }
};

TEST(Tuner, FindsExactlyTheUnitThatMustStayFp32) {
  testing::TempDir dir("tune");
  Conv2Hurts metric;
  quant::VectorSamples calibration = samples();
  tune::Tuner tuner(make_config(dir.file("ws")), quiet());
  const tune::TuneOutcome out = tuner.tune(model(), calibration, std::ref(metric));
  ASSERT_TRUE(out.met);
  EXPECT_EQ(out.fallbacks, std::vector<std::string>{"conv2"});
  EXPECT_EQ(out.baseline, 1.0);
  EXPECT_DOUBLE_EQ(out.target, 0.99);
  EXPECT_TRUE(weight_quantized(out.best_model, "conv1"));
  EXPECT_FALSE(weight_quantized(out.best_model, "conv2"));
  EXPECT_GT(out.int8_latency_ms, 0.0);
  // The files: the best model runs, deploy.yaml replays to the same plan, summary says it.
  EXPECT_TRUE(weight_quantized(ir::load_model(out.best_model_path), "conv1"));
  const quant::LoadedPlan replay = quant::load_plan(out.deploy_path);
  EXPECT_EQ(replay.plan, out.best.spec.plan);
  EXPECT_EQ(replay.sampling_size, 4);
  std::ifstream summary(out.summary_path);
  const std::string text((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("| fell back to FP32 | conv2 |"), std::string::npos) << text;
  // The history has one line per trial.
  std::ifstream history(dir.file("ws/history.jsonl"));
  int lines = 0;
  for (std::string line; std::getline(history, line);) ++lines;
  EXPECT_EQ(lines, static_cast<int>(out.trials.size()));
}

// approach: dynamic quantizes MatMul weights offline and activations at run time: the
// tuner runs no calibration pass (no statistics file in the workspace) and still tunes.
TEST(Tuner, DynamicApproachRunsNoCalibrationPass) {
  testing::TempDir dir("tune");
  ir::GraphBuilder b(13, 5);
  auto* x = b.input("x", DataType::Float32, {2, 16});
  auto* h = b.node("Relu", {b.node("MatMul", {x, b.weight("w1", {16, 8})}, {}, "fc1")});
  b.output(b.node("MatMul", {h, b.weight("w2", {8, 4})}, {}, "fc2"));
  std::vector<quant::Feeds> feeds;
  for (uint64_t i = 0; i < 4; ++i) {
    Tensor t(DataType::Float32, {2, 16});
    std::mt19937_64 rng(i);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = dist(rng);
    feeds.push_back({{"x", t}});
  }
  quant::VectorSamples calibration(feeds);
  const config::TuneConfig config = config::parse_tune_config(
      "quantization:\n  approach: dynamic\n  calibration: {sampling_size: 4}\n"
      "evaluation:\n  accuracy: {command: 'unused {model}'}\n  performance: {warmup: 1, iters: 2}\n"
      "tuning:\n  accuracy_criterion: {relative: 0.01}\n  workspace: {path: '" + dir.file("ws") + "'}\n",
      "test.yaml");
  tune::Tuner tuner(config, quiet());
  const tune::TuneOutcome out = tuner.tune(b.build(), calibration, [](const ir::Model&) { return 1.0; });
  ASSERT_TRUE(out.met);
  int dynamic_quantizers = 0;
  for (const ir::Node* n : out.best_model.graph->nodes()) dynamic_quantizers += n->op_type() == "DynamicQuantizeLinear";
  EXPECT_EQ(dynamic_quantizers, 2);
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("ws")))
    EXPECT_EQ(entry.path().filename().string().rfind("calibration_", 0), std::string::npos) << entry.path();
}

TEST(Tuner, TimeoutZeroStopsAtTheFirstPassingTrial) {
  testing::TempDir dir("tune");
  quant::VectorSamples calibration = samples();
  tune::Tuner tuner(make_config(dir.file("ws"), "  exit_policy: {timeout: 0, max_trials: 50}\n"), quiet());
  const tune::TuneOutcome out = tuner.tune(model(), calibration, [](const ir::Model&) { return 1.0; });
  ASSERT_TRUE(out.met);
  EXPECT_EQ(out.trials.size(), 1u);
  EXPECT_TRUE(out.fallbacks.empty());
}

TEST(Tuner, MaxTrialsBoundsARunThatNeverPasses) {
  testing::TempDir dir("tune");
  quant::VectorSamples calibration = samples();
  tune::Tuner tuner(make_config(dir.file("ws"), "  exit_policy: {max_trials: 3}\n"), quiet());
  int calls = 0;
  const tune::TuneOutcome out = tuner.tune(model(), calibration, [&](const ir::Model& m) {
    ++calls;
    return calls == 1 ? 1.0 : (weight_quantized(m, "conv1") || weight_quantized(m, "conv2") ? 0.1 : 0.2);
  });
  EXPECT_FALSE(out.met);
  EXPECT_EQ(out.trials.size(), 3u);
  EXPECT_EQ(calls, 4);  // the baseline and three trials
  EXPECT_TRUE(out.best_model_path.empty());
}

TEST(Tuner, ResumesAnInterruptedRunWithoutRepeatingTrials) {
  // The uninterrupted run, for reference.
  testing::TempDir reference_dir("tune");
  Conv1AndConv2Hurt reference_metric;
  quant::VectorSamples c1 = samples();
  const tune::TuneOutcome want =
      tune::Tuner(make_config(reference_dir.file("ws")), quiet()).tune(model(), c1, std::ref(reference_metric));
  ASSERT_GE(want.trials.size(), 3u);

  // The same run killed during its third trial (the metric throws, as a kill would stop it).
  testing::TempDir dir("tune");
  const config::TuneConfig config = make_config(dir.file("ws"));
  int calls = 0;
  quant::VectorSamples c2 = samples();
  EXPECT_THROW(tune::Tuner(config, quiet()).tune(model(), c2,
                                                 [&](const ir::Model& m) {
                                                   if (++calls == 4) throw Error("killed");
                                                   return Conv1AndConv2Hurt()(m);
                                                 }),
               Error);

  // Without --resume the workspace is refused; with it, the two finished trials are read
  // back (no evaluation), the baseline comes from the workspace, the rest runs.
  quant::VectorSamples c3 = samples();
  Conv1AndConv2Hurt metric;
  EXPECT_THROW(tune::Tuner(config, quiet()).tune(model(), c3, std::ref(metric)), Error);
  tune::TuneOptions resume = quiet();
  resume.resume = true;
  quant::VectorSamples c4 = samples();
  const tune::TuneOutcome got = tune::Tuner(config, resume).tune(model(), c4, std::ref(metric));
  ASSERT_EQ(got.trials.size(), want.trials.size());
  EXPECT_TRUE(got.trials[0].reused);
  EXPECT_TRUE(got.trials[1].reused);
  EXPECT_FALSE(got.trials[2].reused);
  EXPECT_EQ(metric.calls, static_cast<int>(want.trials.size()) - 2);  // no baseline, no finished trial
  EXPECT_EQ(got.fallbacks, want.fallbacks);
  EXPECT_EQ(got.best.spec.plan, want.best.spec.plan);
}

// Resuming under a tighter criterion judges the recorded accuracies again.
TEST(Tuner, ResumeJudgesRecordedTrialsByTheCurrentCriterion) {
  testing::TempDir dir("tune");
  quant::VectorSamples c1 = samples();
  // conv2 INT8 costs 1.5%: passes a 2% criterion on the first trial.
  auto metric = [](const ir::Model& m) { return weight_quantized(m, "conv2") ? 0.985 : 1.0; };
  const tune::TuneOutcome loose =
      tune::Tuner(make_config(dir.file("ws"), "", "{relative: 0.02}"), quiet()).tune(model(), c1, metric);
  ASSERT_TRUE(loose.met);
  EXPECT_TRUE(loose.fallbacks.empty());
  tune::TuneOptions resume = quiet();
  resume.resume = true;
  quant::VectorSamples c2 = samples();
  const tune::TuneOutcome tight = tune::Tuner(make_config(dir.file("ws")), resume).tune(model(), c2, metric);
  ASSERT_TRUE(tight.met);
  EXPECT_FALSE(tight.trials[0].meets);  // 0.985 < 0.99: the recorded pass no longer holds
  EXPECT_EQ(tight.fallbacks, std::vector<std::string>{"conv2"});
}

// Another model in the same workspace: its history, statistics and rankings are not reused.
TEST(Tuner, HistoryOfAnotherModelIsRefused) {
  testing::TempDir dir("tune");
  Conv2Hurts metric;
  quant::VectorSamples c1 = samples();
  tune::Tuner(make_config(dir.file("ws")), quiet()).tune(model(), c1, std::ref(metric));
  ir::GraphBuilder b(13, 6);  // same graph, other weights
  auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c = b.node("Relu", {b.node("Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})}, {pads}, "conv1")});
  auto* d = b.node("Relu", {b.node("Conv", {c, b.weight("w2", {4, 4, 3, 3}), b.weight("b2", {4})}, {pads}, "conv2")});
  b.output(b.node("Conv", {d, b.weight("w3", {2, 4, 1, 1})}, {}, "conv3"));
  tune::TuneOptions resume = quiet();
  resume.resume = true;
  quant::VectorSamples c2 = samples();
  try {
    tune::Tuner(make_config(dir.file("ws")), resume).tune(b.build(), c2, std::ref(metric));
    FAIL() << "resumed another model's history";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another model or calibration set"), std::string::npos) << e.what();
  }
}

TEST(Tuner, TornLastHistoryLineIsIgnoredOnResume) {
  testing::TempDir dir("tune");
  const config::TuneConfig config = make_config(dir.file("ws"));
  Conv2Hurts metric;
  quant::VectorSamples c1 = samples();
  tune::Tuner(config, quiet()).tune(model(), c1, std::ref(metric));
  std::ofstream(dir.file("ws/history.jsonl"), std::ios::app) << "{\"trial\": 9, \"key\": \"ab";  // kill mid-write
  tune::TuneOptions resume = quiet();
  resume.resume = true;
  Conv2Hurts again;
  quant::VectorSamples c2 = samples();
  const tune::TuneOutcome out = tune::Tuner(config, resume).tune(model(), c2, std::ref(again));
  EXPECT_TRUE(out.met);
  EXPECT_EQ(again.calls, 0);  // everything came from the history and the cached baseline
  // Appending after the torn line: the torn text is cut, so a later resume still parses.
  std::ofstream(dir.file("ws/history.jsonl"), std::ios::app) << "{\"trial\": 9, \"key\": \"ab";
  const config::TuneConfig more = make_config(dir.file("ws"), "  exit_policy: {timeout: 1000, max_trials: 50}\n");
  quant::VectorSamples c3 = samples();
  tune::Tuner(more, resume).tune(model(), c3, Conv2Hurts());
  quant::VectorSamples c4 = samples();
  EXPECT_NO_THROW(tune::Tuner(more, resume).tune(model(), c4, Conv2Hurts()));
}

}  // namespace
}  // namespace qtune
