// qtune quantize through the real CLI: a folder of .npy samples in, a QDQ model out that
// qtune runs; --verbose says what stays FP32 and why; --stats skips the calibration pass
// on a second run; --plan replays a plan; bad calibration data and conflicting options are
// one-line errors with exit status 2 and no output file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cli_runner.h"
#include "data/npy.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "quant/plan_io.h"

namespace qtune {
namespace {

using testing::run_cli;

Tensor random_input(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// conv1 + Relu -> conv2 -> GlobalAveragePool -> Flatten -> Softmax.
std::string save_model(const testing::TempDir& dir) {
  ir::GraphBuilder b(13, 9);
  auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* x = b.input("x", DataType::Float32, {1, 3, 12, 12});
  auto* c1 = b.node("Relu", {b.node("Conv", {x, b.weight("w1", {8, 3, 3, 3}), b.weight("b1", {8})}, {pads}, "conv1")});
  auto* c2 = b.node("Conv", {c1, b.weight("w2", {4, 8, 3, 3}), b.weight("b2", {4})}, {pads}, "conv2");
  auto* flat = b.node("Flatten", {b.node("GlobalAveragePool", {c2}, {}, "gap")}, {}, "flat");
  b.output(b.node("Softmax", {flat}, {ir::Attribute::make_int("axis", 1)}, "prob"));
  const std::string path = dir.file("model.onnx");
  ir::save_model(b.build(), path);
  return path;
}

std::string save_samples(const testing::TempDir& dir, const std::vector<int64_t>& dims, int count) {
  const std::string folder = dir.file("calib");
  std::filesystem::create_directories(folder);
  for (int i = 0; i < count; ++i)
    data::write_npy(folder + "/" + std::to_string(i) + ".npy", random_input(dims, static_cast<uint64_t>(i)));
  return folder;
}

bool weight_quantized(const ir::Model& m, const std::string& node) {
  const ir::Node* n = m.graph->find_node(node);
  return n && n->input(1)->producer() && n->input(1)->producer()->op_type() == "DequantizeLinear";
}

TEST(QuantizeCli, NpyFolderToQdqModelWithReasons) {
  testing::TempDir dir("quantize");
  const std::string model = save_model(dir), calib = save_samples(dir, {1, 3, 12, 12}, 5);
  auto r = run_cli({"quantize", model, "-o", dir.file("int8.onnx"), "--calib", calib, "--stats", dir.file("stats.json"),
                    "--verbose", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("calibration: 5 samples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int8  conv1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Conv+Relu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(no INT8 form): Softmax 1"), std::string::npos) << r.out;
  const ir::Model q = ir::load_model(dir.file("int8.onnx"));
  EXPECT_TRUE(weight_quantized(q, "conv1"));
  EXPECT_TRUE(weight_quantized(q, "conv2"));
  // It runs (on INT8 kernels) and gives probabilities.
  data::write_npy(dir.file("x.npy"), random_input({1, 3, 12, 12}, 99));
  auto run = run_cli({"run", dir.file("int8.onnx"), "--input", dir.file("x.npy"), "--output-dir", dir.file("out")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Tensor p = data::read_npy(dir.file("out/prob_out.npy"));
  float sum = 0;
  for (float v : p.values<float>()) sum += v;
  EXPECT_NEAR(sum, 1.0f, 1e-4f);

  // A second run reuses the statistics: no calibration pass.
  auto again = run_cli({"quantize", model, "-o", dir.file("again.onnx"), "--stats", dir.file("stats.json"), "--algo",
                        "percentile", "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("statistics reused"), std::string::npos) << again.out;

  // Excluding a node keeps it FP32 and says why.
  auto excluded = run_cli({"quantize", model, "-o", dir.file("ex.onnx"), "--stats", dir.file("stats.json"),
                           "--exclude-node", "conv2", "--verbose", "--quiet"});
  ASSERT_EQ(excluded.exit_code, 0) << excluded.err;
  EXPECT_NE(excluded.out.find("fp32  conv2"), std::string::npos) << excluded.out;
  EXPECT_NE(excluded.out.find("name matches excluded pattern 'conv2'"), std::string::npos) << excluded.out;
  EXPECT_FALSE(weight_quantized(ir::load_model(dir.file("ex.onnx")), "conv2"));
}

TEST(QuantizeCli, PlanReplaysNodeFallbacks) {
  testing::TempDir dir("quantize");
  const std::string model = save_model(dir), calib = save_samples(dir, {1, 3, 12, 12}, 3);
  quant::QuantPlan plan;
  plan.nodes["conv1"].precision = quant::Precision::FP32;
  std::ofstream(dir.file("deploy.yaml")) << quant::plan_to_yaml(plan, 3);
  auto r = run_cli({"quantize", model, "-o", dir.file("p.onnx"), "--calib", calib, "--plan", dir.file("deploy.yaml"),
                    "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ir::Model q = ir::load_model(dir.file("p.onnx"));
  EXPECT_FALSE(weight_quantized(q, "conv1"));
  EXPECT_TRUE(weight_quantized(q, "conv2"));
  auto both = run_cli({"quantize", model, "-o", dir.file("b.onnx"), "--calib", calib, "--plan", dir.file("deploy.yaml"),
                       "--algo", "kl"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--plan replaces --algo"), std::string::npos) << both.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.onnx")));
}

// --dynamic needs no calibration data: the MatMul/Gemm weights become int8 with a
// DynamicQuantizeLinear before them; the model still runs.
TEST(QuantizeCli, DynamicNeedsNoCalibration) {
  testing::TempDir dir("quantize");
  ir::GraphBuilder b(13, 4);
  auto* x = b.input("x", DataType::Float32, {3, 12});
  auto* h = b.node("Relu", {b.node("Gemm", {x, b.weight("w1", {12, 8}), b.weight("b1", {8})}, {}, "fc1")});
  b.output(b.node("MatMul", {h, b.weight("w2", {8, 4})}, {}, "fc2"));
  ir::save_model(b.build(), dir.file("mlp.onnx"));
  auto r = run_cli({"quantize", dir.file("mlp.onnx"), "-o", dir.file("dyn.onnx"), "--dynamic", "--verbose"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("calibration: none"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int8  fc2"), std::string::npos) << r.out;
  const ir::Model q = ir::load_model(dir.file("dyn.onnx"));
  int integer = 0;
  for (const ir::Node* n : q.graph->nodes()) integer += n->op_type() == "MatMulInteger";
  EXPECT_EQ(integer, 2);
  data::write_npy(dir.file("x.npy"), random_input({3, 12}, 1));
  auto run = run_cli({"run", dir.file("dyn.onnx"), "--input", dir.file("x.npy"), "--output-dir", dir.file("out")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST(QuantizeCli, BadCalibrationDataIsOneLineErrors) {
  testing::TempDir dir("quantize");
  const std::string model = save_model(dir);
  auto none = run_cli({"quantize", model, "-o", dir.file("x.onnx")});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("give --calib DATA"), std::string::npos) << none.err;

  const std::string calib = save_samples(dir, {1, 3, 10, 12}, 2);  // wrong height
  auto shape = run_cli({"quantize", model, "-o", dir.file("x.onnx"), "--calib", calib, "--quiet"});
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_NE(shape.err.find("'x'"), std::string::npos) << shape.err;
  EXPECT_NE(shape.err.find("[1,3,12,12]"), std::string::npos) << shape.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.onnx")));

  auto empty = run_cli({"quantize", model, "-o", dir.file("x.onnx"), "--calib", dir.file("nothing"), "--quiet"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("nothing"), std::string::npos) << empty.err;
  EXPECT_EQ(std::count(empty.err.begin(), empty.err.end(), '\n'), 1) << empty.err;
}

}  // namespace
}  // namespace qtune
