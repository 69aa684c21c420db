// qtune benchmark: statistics, the worker protocol end to end through the CLI, JSON
// fields, and clear errors for inputs it cannot shape or peers that do not start.
#include <gtest/gtest.h>

#include <filesystem>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/latency_stats.h"
#include "cli_runner.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "test_paths.h"

namespace qtune {
namespace {

using testing::run_cli;

TEST(BenchLatency, NearestRankPercentiles) {
  std::vector<double> ms;
  for (int i = 100; i >= 1; --i) ms.push_back(i);
  bench::LatencySummary s = bench::summarize_latencies(ms);
  EXPECT_EQ(s.count, 100);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_DOUBLE_EQ(s.p50, 50);
  EXPECT_DOUBLE_EQ(s.p90, 90);
  EXPECT_DOUBLE_EQ(s.p99, 99);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 100);
  bench::LatencySummary one = bench::summarize_latencies({7.5});
  EXPECT_DOUBLE_EQ(one.p99, 7.5);
  EXPECT_EQ(bench::summarize_latencies({}).count, 0);
}

// A small CNN with a symbolic batch dim (and optionally a symbolic width).
std::string save_small_cnn(const testing::TempDir& dir, const std::string& name, bool symbolic_width) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {-1, 3, 16, symbolic_width ? -1 : 16});
  auto* y = b.node("Conv", {x, b.weight("w", {8, 3, 3, 3}), b.weight("b", {8})},
                   {ir::Attribute::make_ints("pads", {1, 1, 1, 1})});
  b.output(b.node("Relu", {y}));
  std::string path = dir.file(name);
  ir::save_model(b.build(), path);
  return path;
}

TEST(BenchCli, TwoModelsSideBySideWithJson) {
  testing::TempDir dir("bench");
  std::string model = save_small_cnn(dir, "cnn.onnx", false);
  auto r = run_cli({"benchmark", model, model, "--batch", "2", "--iters", "4", "--warmup", "1", "--threads", "1",
                    "--backend", "ref", "--json", dir.file("out.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("speedup"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("qtune ref"), std::string::npos) << r.out;
  std::ifstream in(dir.file("out.json"));
  nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 2u);
  for (const auto& m : j["models"]) {
    EXPECT_EQ(m["model"], model);
    EXPECT_EQ(m["batch"], 2);
    EXPECT_EQ(m["threads"], 1);
    EXPECT_EQ(m["instances"], 1);
    EXPECT_EQ(m["runs"], 4);
    for (const char* k : {"mean", "p50", "p90", "p99"}) EXPECT_GT(m["latency_ms"][k].get<double>(), 0) << k;
    EXPECT_LE(m["latency_ms"]["p50"].get<double>(), m["latency_ms"]["p99"].get<double>());
    EXPECT_GT(m["throughput"].get<double>(), 0);
    EXPECT_GT(m["peak_rss_bytes"].get<int64_t>(), 1000000);
  }
  EXPECT_DOUBLE_EQ(j["models"][0]["speedup"].get<double>(), 1.0);
}

// --data: the first batch of a config's evaluation dataloader (Fashion-MNIST, 4 per batch).
TEST(BenchCli, DataFromAConfigsDataloader) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/")) GTEST_SKIP() << "dataset-fashion-mnist missing";
  testing::TempDir dir("bench");
  ir::GraphBuilder b(13);
  auto* x = b.input("image", DataType::Float32, {-1, 1, 28, 28});
  b.output(b.node("Gemm", {b.node("Flatten", {x}), b.weight("w", {784, 10})}));
  const std::string model = dir.file("linear.onnx");
  ir::save_model(b.build(), model);
  std::ofstream(dir.file("cfg.yaml")) << R"(evaluation:
  accuracy:
    metric: {topk: {k: 1}}
    dataloader:
      batch_size: 4
      dataset: {IDX: {images: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz,
                      labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz}}
      transform: [{Cast: {dtype: float32}}]
)";
  auto r = run_cli({"benchmark", model, "--data", dir.file("cfg.yaml"), "--iters", "3", "--threads", "1", "--json",
                    dir.file("out.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.file("out.json"));
  EXPECT_EQ(nlohmann::json::parse(in)["models"][0]["batch"], 4);
  auto both = run_cli({"benchmark", model, "--data", dir.file("cfg.yaml"), "--input", "image=x.npy", "--quiet"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--data and --input"), std::string::npos) << both.err;
}

TEST(BenchCli, InstancesRunConcurrently) {
  testing::TempDir dir("bench");
  std::string model = save_small_cnn(dir, "cnn.onnx", false);
  auto r = run_cli({"benchmark", model, "--iters", "3", "--instances", "2", "--threads", "1", "--json",
                    dir.file("out.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.file("out.json"));
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["models"][0]["instances"], 2);
  EXPECT_EQ(j["models"][0]["runs"], 6);  // latencies from both instances
}

TEST(BenchCli, UnfixedDimNeedsShape) {
  testing::TempDir dir("bench");
  std::string model = save_small_cnn(dir, "wide.onnx", true);
  auto r = run_cli({"benchmark", model, "--iters", "1", "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("input 'x'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--shape x=DIMS"), std::string::npos) << r.err;
  auto ok = run_cli({"benchmark", model, "--iters", "1", "--shape", "x=1,3,16,24", "--quiet"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(BenchCli, PeerThatCannotStartIsNamed) {
  testing::TempDir dir("bench");
  std::string model = save_small_cnn(dir, "cnn.onnx", false);
  auto r = run_cli({"benchmark", model, "--iters", "1", "--peer", "/nonexistent/peer-runtime", "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/peer-runtime"), std::string::npos) << r.err;
}

// ONNX Runtime through its worker script, on a real model.
TEST(RealModelBenchmark, OnnxRuntimePeer) {
  testing::TempDir dir("bench");
  std::string worker = std::string(QTUNE_SOURCE_DIR) + "/tools/ort/worker.mjs";
  auto r = run_cli({"benchmark", testing::ppocr_model("ch_ppocr_mobile_v2.0_cls_infer.onnx"), "--shape",
                    "x=1,3,48,192", "--iters", "3", "--threads", "1", "--peer", "node " + worker, "--json",
                    dir.file("out.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.file("out.json"));
  nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_EQ(j["models"][0]["runtime"], "qtune dnnl");
  EXPECT_EQ(j["models"][1]["runtime"], "onnxruntime 1.30.0");
  EXPECT_GT(j["models"][1]["throughput"].get<double>(), 0);
}

}  // namespace
}  // namespace qtune
