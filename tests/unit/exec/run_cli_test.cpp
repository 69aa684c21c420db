// qtune run through the real CLI: .npy inputs in, one .npy per output out (file-safe
// names), the same numbers exec::Session computes in-process, named inputs for
// multi-input models, one-line errors with exit code 2, backends and the profile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <regex>

#include "cli_runner.h"
#include "data/npy.h"
#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"

namespace qtune {
namespace {

using testing::run_cli;
using testing::TempDir;

Tensor random_tensor(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = dist(rng);
  return t;
}

// x[batch,3,12,12] -> Conv+Relu ("features_out") -> pool -> Gemm -> Softmax ("out/prob:0").
std::string save_cnn(const TempDir& dir) {
  ir::GraphBuilder b(17, 5);
  auto* x = b.input("x", DataType::Float32, {-1, 3, 12, 12});
  auto* conv = b.node("Conv", {x, b.weight("w", {8, 3, 3, 3}), b.weight("b", {8})},
                      {ir::Attribute::make_ints("pads", {1, 1, 1, 1})});
  auto* features = b.node("Relu", {conv}, {}, "features");
  auto* pooled = b.node("Flatten", {b.node("GlobalAveragePool", {features})});
  auto* logits = b.node("Gemm", {pooled, b.weight("fc", {10, 8}, 2.0f), b.weight("fc_b", {10})},
                        {ir::Attribute::make_int("transB", 1)});
  ir::Value* prob = b.graph().add_value("out/prob:0");
  b.graph().add_node("Softmax", {logits}, {prob}, "prob")->set_attr(ir::Attribute::make_int("axis", -1));
  b.output(features);
  b.output(prob);
  std::string path = dir.file("cnn.onnx");
  ir::save_model(b.build(), path);
  return path;
}

// a[2,3], b[2,3] -> Sub -> "diff"
std::string save_two_inputs(const TempDir& dir) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {2, 3});
  auto* bb = b.input("b", DataType::Float32, {2, 3});
  b.output(b.node("Sub", {a, bb}, {}, "diff"));
  std::string path = dir.file("two.onnx");
  ir::save_model(b.build(), path);
  return path;
}

std::string write_input(const TempDir& dir, const std::string& name, const Tensor& t) {
  std::string path = dir.file(name);
  data::write_npy(path, t);
  return path;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Exit code 2 and exactly one line "qtune: error: ..." on stderr; returns the message.
std::string one_error(const testing::CliResult& r) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("qtune: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  return r.err;
}

// Values within `tolerance` of the range (max - min) of `want`.
void expect_close(const Tensor& got, const Tensor& want, double tolerance, const std::string& what) {
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  ASSERT_EQ(got.dims(), want.dims()) << what;
  double lo = INFINITY, hi = -INFINITY, worst = 0;
  for (int64_t k = 0; k < want.numel(); ++k) {
    lo = std::min(lo, want.value_as_double(k));
    hi = std::max(hi, want.value_as_double(k));
    worst = std::max(worst, std::fabs(got.value_as_double(k) - want.value_as_double(k)));
  }
  EXPECT_LE(worst, tolerance * std::max(hi - lo, 1e-30)) << what << ": largest difference " << worst;
}

TEST(RunCli, WritesEachOutputAsNpyMatchingSession) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  Tensor x = random_tensor({2, 3, 12, 12}, 1);
  std::string out_dir = dir.file("outs");
  auto r = run_cli({"run", model, "--input", write_input(dir, "x.npy", x), "--output-dir", out_dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "features_out: float32[2,8,12,12]")) << r.out;
  EXPECT_TRUE(contains(r.out, "out/prob:0: float32[2,10]")) << r.out;
  EXPECT_TRUE(contains(r.out, out_dir + "/out_prob_0.npy")) << r.out;

  // In process, as the CLI sets it up.
  ir::Model m = ir::load_model(model);
  exec::SessionOptions so;
  so.input_shapes = {{"x", x.dims()}};
  exec::Session session(m, so);
  auto want = session.run({{"x", x}});
  ASSERT_EQ(want.size(), 2u);
  expect_close(data::read_npy(out_dir + "/features_out.npy"), want[0].second, 1e-6, "features_out");
  expect_close(data::read_npy(out_dir + "/out_prob_0.npy"), want[1].second, 1e-6, "out/prob:0");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out_dir), std::filesystem::directory_iterator()), 2);
}

TEST(RunCli, WithoutOutputDirOnlyPrints) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  auto r = run_cli({"run", model, "--input", write_input(dir, "x.npy", random_tensor({2, 3, 12, 12}, 2))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "features_out: float32[2,8,12,12]  min ")) << r.out;
  EXPECT_TRUE(contains(r.out, "out/prob:0: float32[2,10]  min ")) << r.out;
  EXPECT_FALSE(contains(r.out, "->")) << r.out;
}

TEST(RunCli, NamedInputsForMultiInputModel) {
  TempDir dir("run");
  std::string model = save_two_inputs(dir);
  Tensor a = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::from_vector<float>({2, 3}, {0.5f, 0, -1, 4, 10, 2});
  auto r = run_cli({"run", model, "--input", "b=" + write_input(dir, "B.npy", b), "--input",
                    "a=" + write_input(dir, "A.npy", a), "--output-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Tensor diff = data::read_npy(dir.file("diff_out.npy"));
  ASSERT_EQ(diff.dims(), (std::vector<int64_t>{2, 3}));
  const std::vector<float> want = {0.5f, 2, 4, 0, -5, 4};  // a - b: the names decide, not the order
  EXPECT_EQ(std::vector<float>(diff.values<float>().begin(), diff.values<float>().end()), want);
}

TEST(RunCli, BareInputOnMultiInputModelAsksForNames) {
  TempDir dir("run");
  std::string model = save_two_inputs(dir);
  std::string a = write_input(dir, "A.npy", random_tensor({2, 3}, 3));
  std::string msg = one_error(run_cli({"run", model, "--input", a}));
  EXPECT_TRUE(contains(msg, "--input " + a + ": the model has 2 inputs; name each one as NAME=FILE.npy")) << msg;
}

TEST(RunCli, SameInputTwiceIsNamed) {
  TempDir dir("run");
  std::string model = save_two_inputs(dir);
  std::string a = write_input(dir, "A.npy", random_tensor({2, 3}, 3));
  std::string msg = one_error(run_cli({"run", model, "--input", "a=" + a, "--input", "a=" + a}));
  EXPECT_TRUE(contains(msg, "input 'a' is given twice")) << msg;
}

TEST(RunCli, MissingNpyFileIsNamed) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string msg = one_error(run_cli({"run", model, "--input", dir.file("nope.npy")}));
  EXPECT_TRUE(contains(msg, dir.file("nope.npy"))) << msg;
}

TEST(RunCli, WrongInputNameListsModelInputs) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x.npy", random_tensor({1, 3, 12, 12}, 4));
  std::string msg = one_error(run_cli({"run", model, "--input", "image=" + path}));
  EXPECT_TRUE(contains(msg, "input 'image': the model has no such input (inputs: x)")) << msg;
}

TEST(RunCli, WrongDtypeNamesGotAndExpected) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x64.npy", Tensor(DataType::Float64, {1, 3, 12, 12}));
  std::string msg = one_error(run_cli({"run", model, "--input", path}));
  EXPECT_TRUE(contains(msg, "input 'x' is float64[1,3,12,12], the model expects float32 [1,3,12,12]")) << msg;
}

TEST(RunCli, WrongRankNamesDeclaredShape) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x3d.npy", random_tensor({3, 12, 12}, 5));
  std::string msg = one_error(run_cli({"run", model, "--input", path}));
  EXPECT_TRUE(contains(msg, "input 'x': the model declares rank 4 [x_d0,3,12,12], got 3 dims [3,12,12]")) << msg;
}

TEST(RunCli, UnknownBackendNamesAllowedValues) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x.npy", random_tensor({1, 3, 12, 12}, 6));
  std::string msg = one_error(run_cli({"run", model, "--input", path, "--backend", "foo"}));
  EXPECT_TRUE(contains(msg, "--backend 'foo': expected 'ref' or 'dnnl'")) << msg;
}

TEST(RunCli, NegativeThreadsRefused) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x.npy", random_tensor({1, 3, 12, 12}, 7));
  std::string msg = one_error(run_cli({"run", model, "--input", path, "--threads", "-1"}));
  EXPECT_TRUE(contains(msg, "--threads must be >= 0")) << msg;
}

TEST(RunCli, RefAndDnnlBackendsAgree) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x.npy", random_tensor({3, 3, 12, 12}, 8));
  auto ref = run_cli({"run", model, "--input", path, "--backend", "ref", "--output-dir", dir.file("ref")});
  auto dnnl = run_cli({"run", model, "--input", path, "--output-dir", dir.file("dnnl")});
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  ASSERT_EQ(dnnl.exit_code, 0) << dnnl.err;
  for (const char* file : {"features_out.npy", "out_prob_0.npy"})
    expect_close(data::read_npy(dir.file("dnnl/") + file), data::read_npy(dir.file("ref/") + file), 1e-4, file);
}

TEST(RunCli, ProfileShowsConvOnDnnl) {
  TempDir dir("run");
  std::string model = save_cnn(dir);
  std::string path = write_input(dir, "x.npy", random_tensor({2, 3, 12, 12}, 9));
  auto r = run_cli({"run", model, "--input", path, "--profile", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Profile: ")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n(Fused|Nhwc)?Conv \[dnnl\] +1 )"))) << r.out;
  EXPECT_TRUE(contains(r.out, "out/prob:0: float32[2,10]")) << r.out;
}

}  // namespace
}  // namespace qtune
