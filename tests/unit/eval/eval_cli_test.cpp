// qtune eval through the real CLI: the metric on a real dataset equals an independent
// computation, short last batches are not scored twice, config errors name their key, and
// (RealModelEval) PP-OCRv4 recognition reads rendered text lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data/idx.h"
#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "test_paths.h"

namespace qtune {
namespace {

using testing::run_cli;

const std::string kFashion = "/usr/share/datasets/fashion-mnist/";

// [N,1,28,28] -> Flatten -> Gemm(784 -> 10): a random linear classifier.
std::string save_linear_classifier(const testing::TempDir& dir) {
  ir::GraphBuilder b(13, 42);
  auto* x = b.input("image", DataType::Float32, {-1, 1, 28, 28});
  auto* flat = b.node("Flatten", {x}, {ir::Attribute::make_int("axis", 1)});
  b.output(b.node("Gemm", {flat, b.weight("w", {784, 10}, 0.05f), b.weight("b", {10})}, {}, "logits"));
  std::string path = dir.file("linear.onnx");
  ir::save_model(b.build(), path);
  return path;
}

std::string write_config(const testing::TempDir& dir, const std::string& body) {
  std::string path = dir.file("eval.yaml");
  std::ofstream(path) << body;
  return path;
}

const char* kFashionConfig = R"(evaluation:
  accuracy:
    metric: {topk: {k: 1}}
    dataloader:
      batch_size: 64
      dataset: {IDX: {images: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz,
                      labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz}}
      transform:
        - Cast: {dtype: float32}
        - Scale: {factor: 0.00392156862745098}
)";

// Top-1 accuracy computed sample by sample, without the loader or the metric classes.
double direct_top1(const std::string& model_path) {
  data::IdxDataset dataset({kFashion + "t10k-images-idx3-ubyte.gz", kFashion + "t10k-labels-idx1-ubyte.gz", false});
  ir::Model model = ir::load_model(model_path);
  exec::Session session(model, exec::SessionOptions{}, model_path);
  int64_t correct = 0;
  for (size_t i = 0; i < dataset.size(); ++i) {
    data::Sample s = dataset.get(i);
    Tensor x(DataType::Float32, {1, 1, 28, 28});
    for (int64_t k = 0; k < 784; ++k) x.data<float>()[k] = static_cast<float>(s.inputs[0].data<uint8_t>()[k]) / 255.0f;
    auto out = session.run({{"image", x}});
    const float* logits = out[0].second.data<float>();
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (logits[c] > logits[best]) best = c;
    correct += best == *s.label.class_id;
  }
  return static_cast<double>(correct) / static_cast<double>(dataset.size());
}

TEST(EvalCli, TopOneOnFashionMnistMatchesDirectComputation) {
  if (!std::filesystem::exists(kFashion)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  testing::TempDir dir("eval");
  std::string model = save_linear_classifier(dir);
  auto r = run_cli({"eval", model, "--config", write_config(dir, kFashionConfig), "--json", dir.file("r.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.file("r.json"));
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["samples"], 10000);  // 10000 = 156 * 64 + 16: the padded rows are not scored
  EXPECT_NEAR(j["value"].get<double>(), direct_top1(model), 1e-9);
  EXPECT_NE(r.out.find("topk"), std::string::npos) << r.out;
}

TEST(EvalCli, ConfigErrorsNameTheKey) {
  testing::TempDir dir("eval");
  std::string model = save_linear_classifier(dir);
  auto typo = run_cli({"eval", model, "--config", write_config(dir, "evaluation:\n  acuracy: {}\n")});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("evaluation.acuracy: unknown key; did you mean 'accuracy'?"), std::string::npos) << typo.err;
  auto no_metric = run_cli({"eval", model, "--config", write_config(dir, "evaluation:\n  accuracy: {dataloader: {}}\n")});
  EXPECT_EQ(no_metric.exit_code, 2);
  EXPECT_NE(no_metric.err.find("evaluation.accuracy.metric: missing required key"), std::string::npos) << no_metric.err;
  auto bad_yaml = run_cli({"eval", model, "--config", write_config(dir, "evaluation: [unclosed\n")});
  EXPECT_EQ(bad_yaml.exit_code, 2);
  EXPECT_NE(bad_yaml.err.find("not valid YAML"), std::string::npos) << bad_yaml.err;
  if (!std::filesystem::exists(kFashion)) return;
  auto bad_output = run_cli({"eval", model, "--config",
                             write_config(dir, std::string("model: {outputs: [probs]}\n") + kFashionConfig)});
  EXPECT_EQ(bad_output.exit_code, 2);
  EXPECT_NE(bad_output.err.find("has no output 'probs' (outputs: logits_out)"), std::string::npos) << bad_output.err;
}

// PP-OCRv4 recognition on text lines rendered with qtune render-text: every word is read.
TEST(RealModelEval, RecognizerReadsRenderedLines) {
  testing::TempDir dir("eval");
  std::ofstream(dir.file("words.txt")) << "hello\nworld\nqtune\nINT8\n2026\nquantize\n";
  auto render = run_cli({"render-text", "--words", dir.file("words.txt"), "--font",
                         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "--out", dir.file("lines"), "--count", "12"});
  ASSERT_EQ(render.exit_code, 0) << render.err;
  std::string config = write_config(dir, "evaluation:\n  accuracy:\n    metric: {OCRWordAccuracy: {keys: " +
                                             testing::ppocr_model("ppocr_keys_v1.txt") + R"(}}
    dataloader:
      batch_size: 5
      dataset: {TextLines: {root: lines, labels: lines/labels.txt}}
      transform:
        - PadToWidth: {width: 320, height: 48}
        - Cast: {dtype: float32}
        - Scale: {factor: 0.00392156862745098}
        - Normalize: {mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]}
        - Transpose: {perm: [2, 0, 1]}
)");
  auto r = run_cli({"eval", testing::ppocr_model("ch_PP-OCRv4_rec_infer.onnx"), "--config", config, "--json",
                    dir.file("r.json"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.file("r.json"));
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["samples"], 12);
  EXPECT_GE(j["value"].get<double>(), 0.9) << r.out;
}

}  // namespace
}  // namespace qtune
