// Bad model files: each gives exactly one line "qtune: error: <file>: <what>" naming the
// node or value concerned, exit status 2, nothing on stdout, no crash.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <random>

#include "cli_runner.h"
#include "test_paths.h"
#include "util/atomic_file.h"

namespace qtune {
namespace {

using testing::run_cli;
using testing::TempDir;

onnx::ModelProto base_model() {
  onnx::ModelProto p;
  p.set_ir_version(8);
  p.add_opset_import()->set_version(13);
  auto* g = p.mutable_graph();
  g->set_name("g");
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(1);
  return p;
}

onnx::NodeProto* add_node(onnx::ModelProto& p, const std::string& op, std::vector<std::string> ins,
                          std::vector<std::string> outs, const std::string& name) {
  auto* n = p.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : ins) n->add_input(i);
  for (auto& o : outs) n->add_output(o);
  return n;
}

void expect_load_error(const std::string& path, const std::string& fragment) {
  auto r = run_cli({"summarize", path});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "") << "no partial output on stdout";
  EXPECT_EQ(r.err.rfind("qtune: error: " + path + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << "expected '" << fragment << "' in: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

std::string write_model(const TempDir& dir, const std::string& name, const onnx::ModelProto& p) {
  std::string path = dir.file(name);
  write_file_atomic(path, p.SerializeAsString());
  return path;
}

TEST(IrLoadErrors, MissingPathDirectoryEmptyFile) {
  TempDir dir("load");
  expect_load_error(dir.file("nope.onnx"), "no such file");
  expect_load_error(dir.path(), "is a directory");
  write_file_atomic(dir.file("empty.onnx"), std::string());
  expect_load_error(dir.file("empty.onnx"), "empty");
}

TEST(IrLoadErrors, RandomBytesAndTruncatedProtobuf) {
  TempDir dir("load");
  std::mt19937 rng(7);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  write_file_atomic(dir.file("noise.onnx"), noise);
  expect_load_error(dir.file("noise.onnx"), "not");
  std::string rec = read_file_bytes(testing::ppocr_model("ch_ppocr_mobile_v2.0_cls_infer.onnx"));
  write_file_atomic(dir.file("truncated.onnx"), rec.substr(0, rec.size() / 2));
  expect_load_error(dir.file("truncated.onnx"), "truncated");
}

TEST(IrLoadErrors, DanglingInput) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Add", {"x", "ghost"}, {"y"}, "adder");
  p.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "dangling.onnx", p), "Add node 'adder' input #1 'ghost' is not produced by any node");
}

TEST(IrLoadErrors, Cycle) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Add", {"x", "z"}, {"y"}, "first");
  add_node(p, "Relu", {"y"}, {"z"}, "second");
  p.mutable_graph()->add_output()->set_name("z");
  expect_load_error(write_model(dir, "cycle.onnx", p), "cycle through Add node 'first'");
}

TEST(IrLoadErrors, MissingRequiredInput) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Conv", {"x"}, {"y"}, "conv1");
  p.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "missing.onnx", p), "Conv node 'conv1': required input #1 (W) is missing");
  auto q = base_model();
  add_node(q, "Conv", {"x", ""}, {"y"}, "conv2");
  q.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "empty_name.onnx", q), "Conv node 'conv2': required input #1 (W) is missing");
}

TEST(IrLoadErrors, UnknownDomain) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Frobnicate", {"x"}, {"y"}, "frob")->set_domain("com.example");
  p.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "domain.onnx", p),
                    "com.example.Frobnicate node 'frob' uses domain 'com.example', which the model does not import");
}

TEST(IrLoadErrors, DuplicateOutputName) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Relu", {"x"}, {"y"}, "a");
  add_node(p, "Sigmoid", {"x"}, {"y"}, "b");
  p.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "dup.onnx", p), "value 'y' is produced twice: by Relu node 'a' and by Sigmoid node 'b'");
  auto q = base_model();
  add_node(q, "Relu", {"x"}, {"x"}, "shadow");
  q.mutable_graph()->add_output()->set_name("x");
  expect_load_error(write_model(dir, "shadow.onnx", q), "Relu node 'shadow' output 'x' has the same name as a graph input");
}

TEST(IrLoadErrors, GraphOutputNotProduced) {
  TempDir dir("load");
  auto p = base_model();
  add_node(p, "Relu", {"x"}, {"y"}, "r");
  p.mutable_graph()->add_output()->set_name("nothing");
  expect_load_error(write_model(dir, "out.onnx", p), "graph output 'nothing' is not produced by any node");
}

TEST(IrLoadErrors, BadInitializerData) {
  TempDir dir("load");
  auto p = base_model();
  auto* w = p.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(1);
  w->add_dims(4);
  w->set_raw_data(std::string(7, '\0'));
  add_node(p, "Add", {"x", "w"}, {"y"}, "a");
  p.mutable_graph()->add_output()->set_name("y");
  expect_load_error(write_model(dir, "raw.onnx", p), "initializer 'w': raw_data holds 7 bytes, expected 16 for float32[4]");
}

}  // namespace
}  // namespace qtune
