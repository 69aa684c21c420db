// BatchNormalization (inference only), LayerNormalization with its statistics outputs,
// and Softmax/LogSoftmax in both axis semantics (selected by the opset the graph imports).
#include <cmath>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnNorm, BatchNormHandDerived) {
  // Channel 0: scale 2, B 1, mean 1, var 3, eps 1 -> (x - 1) / 2 * 2 + 1 = x.
  // Channel 1: scale 1, B 0, mean 0, var 3, eps 1 -> x / 2.
  OneNode n("BatchNormalization", {"x", "s", "b", "m", "v"});
  n.f("epsilon", 1.0f);
  auto y = n.run({nntest::f32({1, 2, 2}, {1, 5, 4, -6}), nntest::f32({2}, {2, 1}), nntest::f32({2}, {1, 0}),
                  nntest::f32({2}, {1, 0}), nntest::f32({2}, {3, 3})});
  nntest::expect_near_all(y[0], {1, 5, 2, -3});
  // Opset 7-8 spatial=0: one parameter set per activation ([C, L] = [2, 2]).
  OneNode a("BatchNormalization", {"x", "s", "b", "m", "v"});
  a.i("spatial", 0).f("epsilon", 0.0f);
  y = a.run({nntest::f32({1, 2, 2}, {1, 1, 1, 1}), nntest::f32({2, 2}, {1, 2, 3, 4}), nntest::f32({2, 2}, {0, 0, 0, 10}),
             nntest::f32({2, 2}, {0, 0, 0, 0}), nntest::f32({2, 2}, {1, 1, 1, 1})});
  nntest::expect_near_all(y[0], {1, 2, 3, 14});
}

TEST(OpsNnNorm, BatchNormTrainingModeIsRejected) {
  std::vector<Tensor> in = {nntest::f32({1, 1, 1}, {1}), nntest::f32({1}, {1}), nntest::f32({1}, {0}),
                            nntest::f32({1}, {0}), nntest::f32({1}, {1})};
  OneNode mode("BatchNormalization", {"x", "s", "b", "m", "v"});
  mode.i("training_mode", 1);
  nntest::expect_error([&] { mode.run(in); }, {"training_mode=1 is not supported"});
  OneNode outputs("BatchNormalization", {"x", "s", "b", "m", "v"}, 3);
  nntest::expect_error([&] { outputs.run(in); }, {"output #1 ('out1') is a training statistic"});
  OneNode old("BatchNormalization", {"x", "s", "b", "m", "v"});
  old.i("is_test", 0);
  nntest::expect_error([&] { old.run(in); }, {"is_test=0"});
  OneNode size("BatchNormalization", {"x", "s", "b", "m", "v"});
  in[4] = nntest::f32({2}, {1, 1});
  nntest::expect_error([&] { size.run(in); }, {"input_var has shape [2], expected [1]"});
}

TEST(OpsNnNorm, LayerNormWithStatisticsOutputs) {
  // Rows [1, 3] and [2, 2] (axis -1), eps 0: means 2 and 2, variances 1 and 0 -> with
  // eps 0.25: inv std 1/sqrt(1.25) and 1/sqrt(0.25) = 2. Scale [1, 2], B [0, 1]:
  // row 0: [-1, 1] * 0.894427 * [1, 2] + [0, 1] = [-0.894427, 2.788854]; row 1: [0, 1].
  OneNode n("LayerNormalization", {"x", "s", "b"}, 3);
  n.f("epsilon", 0.25f);
  auto y = n.run({nntest::f32({2, 2}, {1, 3, 2, 2}), nntest::f32({2}, {1, 2}), nntest::f32({2}, {0, 1})});
  nntest::expect_near_all(y[0], {-0.894427f, 2.788854f, 0, 1});
  EXPECT_EQ(y[1].dims(), (std::vector<int64_t>{2, 1}));
  nntest::expect_near_all(y[1], {2, 2});
  nntest::expect_near_all(y[2], {0.894427f, 2});
  // axis 0 normalizes everything: mean 2, var 0.5; scale [2, 2] broadcasts from [2].
  OneNode all("LayerNormalization", {"x", "s"});
  all.i("axis", 0).f("epsilon", 0.0f);
  const float r = 1 / std::sqrt(0.5f);
  nntest::expect_near_all(all.run({nntest::f32({2, 2}, {1, 3, 2, 2}), nntest::f32({2}, {1, 1})})[0], {-r, r, 0, 0});
  auto info = n.infer({nntest::typed(nntest::shape({"B", "S", "768"})), nntest::typed(nntest::shape({"768"})),
                       nntest::typed(nntest::shape({"768"}))});
  EXPECT_EQ(info[1].shape.to_string(), "[B,S,1]");
  EXPECT_EQ(info[2].dtype, DataType::Float32);
  OneNode bad("LayerNormalization", {"x", "s"});
  nntest::expect_error([&] { bad.run({nntest::f32({2, 2}, {1, 3, 2, 2}), nntest::f32({3}, {1, 1, 1})}); },
                       {"Scale has shape [3]", "does not broadcast to [2]"});
}

TEST(OpsNnNorm, SoftmaxSingleAxisVersusLegacyFlattening) {
  // x = [[0, 0], [ln 3, ln 3]], axis 0.
  // Opset 13: softmax down each column of [e^0, e^ln3] = [1, 3] -> [[.25, .25], [.75, .75]].
  // Opset < 13 (the graph imports opset 11): flatten from axis 0 into one row of 4: [1,1,3,3] / 8.
  const float l3 = std::log(3.0f);
  auto x = nntest::f32({2, 2}, {0, 0, l3, l3});
  OneNode modern("Softmax", {"x"});
  modern.i("axis", 0);
  modern.graph.opset_imports = {{"", 13}};
  nntest::expect_near_all(modern.run({x})[0], {0.25f, 0.25f, 0.75f, 0.75f});
  OneNode legacy("Softmax", {"x"});
  legacy.i("axis", 0);
  legacy.graph.opset_imports = {{"", 11}};
  nntest::expect_near_all(legacy.run({x})[0], {0.125f, 0.125f, 0.375f, 0.375f});
  // Default axes differ too: legacy 1 (rank 3: flatten the last two dims), modern -1.
  auto x3 = nntest::f32({1, 2, 2}, {0, 0, l3, l3});
  OneNode legacy_default("Softmax", {"x"});
  legacy_default.graph.opset_imports = {{"", 9}};
  nntest::expect_near_all(legacy_default.run({x3})[0], {0.125f, 0.125f, 0.375f, 0.375f});
  OneNode modern_default("Softmax", {"x"});
  nntest::expect_near_all(modern_default.run({x3})[0], {0.5f, 0.5f, 0.5f, 0.5f});
  // LogSoftmax, legacy: log(1/8) = -2.0794415, log(3/8) = -0.9808293.
  OneNode log_legacy("LogSoftmax", {"x"});
  log_legacy.i("axis", 0);
  log_legacy.graph.opset_imports = {{"", 12}};
  nntest::expect_near_all(log_legacy.run({x})[0], {-2.0794415f, -2.0794415f, -0.9808293f, -0.9808293f});
  // ... and the single-axis form: log(1/4) = -1.3862944, log(3/4) = -0.2876821.
  OneNode log_modern("LogSoftmax", {"x"});
  log_modern.i("axis", 0);
  nntest::expect_near_all(log_modern.run({x})[0], {-1.3862944f, -1.3862944f, -0.2876821f, -0.2876821f});
}

TEST(OpsNnNorm, SoftmaxStabilityAndErrors) {
  // Large inputs do not overflow: softmax([1000, 1000 + ln 3]) = [0.25, 0.75].
  OneNode n("Softmax", {"x"});
  nntest::expect_near_all(n.run({nntest::f32({2}, {1000, 1000 + std::log(3.0f)})})[0], {0.25f, 0.75f}, 1e-3f);
  OneNode bad("Softmax", {"x"});
  bad.i("axis", 2);
  nntest::expect_error([&] { bad.run({nntest::f32({2, 2}, {1, 2, 3, 4})}); }, {"axis 2 is out of range for rank 2"});
  nntest::expect_error([&] { bad.infer({nntest::typed(nntest::shape({"N", "4"}))}); }, {"axis 2"});
  OneNode type("LogSoftmax", {"x"});
  nntest::expect_error([&] { type.run({Tensor::from_vector<int32_t>({2}, {1, 2})}); }, {"int32", "float32/float64"});
}

}  // namespace
}  // namespace qtune
