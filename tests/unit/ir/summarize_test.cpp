// `qtune summarize` against facts derived independently from the protobuf (and, for
// MACs, from ONNX's own shape inference rather than qtune's).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <map>
#include <set>

#include "analysis/summary.h"
#include "cli_runner.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "onnx_node_case.h"
#include "test_paths.h"
#include "util/atomic_file.h"

namespace qtune {
namespace {

struct ProtoFacts {
  std::vector<std::string> inputs, outputs, likely_outputs;
  std::map<std::string, int64_t> op_types;
  int64_t params = 0;
};

void collect_consumed(const onnx::GraphProto& g, std::set<std::string>& consumed) {
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) consumed.insert(i);
    for (const auto& a : n.attribute()) {
      if (a.has_g()) collect_consumed(a.g(), consumed);
      for (const auto& sg : a.graphs()) collect_consumed(sg, consumed);
    }
  }
}

int64_t numel(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  return n;
}

ProtoFacts facts_from_proto(const std::string& path) {
  onnx::ModelProto p;
  EXPECT_TRUE(p.ParseFromString(read_file_bytes(path)));
  const auto& g = p.graph();
  ProtoFacts f;
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) {
    inits.insert(t.name());
    f.params += numel(t);
  }
  for (const auto& i : g.input())
    if (!inits.count(i.name())) f.inputs.push_back(i.name());
  for (const auto& o : g.output()) f.outputs.push_back(o.name());
  std::set<std::string> consumed;
  collect_consumed(g, consumed);
  for (const auto& n : g.node()) {
    std::string dom = n.domain() == "ai.onnx" ? "" : n.domain();
    ++f.op_types[dom.empty() ? n.op_type() : dom + "." + n.op_type()];
    for (const auto& o : n.output())
      if (!o.empty() && !consumed.count(o)) f.likely_outputs.push_back(o);
    if (n.op_type() == "Constant" && dom.empty())
      for (const auto& a : n.attribute())
        if (a.name() == "value" && a.has_t()) f.params += numel(a.t());
  }
  return f;
}

void expect_summary_matches(const std::string& path, const nlohmann::json& j) {
  ProtoFacts f = facts_from_proto(path);
  std::vector<std::string> inputs;
  for (const auto& v : j["inputs"]) inputs.push_back(v["name"]);
  std::vector<std::string> outputs;
  for (const auto& v : j["outputs"]) outputs.push_back(v["name"]);
  EXPECT_EQ(inputs, f.inputs) << path;
  EXPECT_EQ(outputs, f.outputs) << path;
  EXPECT_EQ(j["likely_inputs"].get<std::vector<std::string>>(), f.inputs) << path;
  EXPECT_EQ(j["likely_outputs"].get<std::vector<std::string>>(), f.likely_outputs) << path;
  using OpCounts = std::map<std::string, int64_t>;
  EXPECT_EQ(j["op_types"].get<OpCounts>(), f.op_types) << path;
  EXPECT_EQ(j["parameters"]["count"].get<int64_t>(), f.params) << path;
}

TEST(IrSummarize, EveryOnnxTestDataModelMatchesProtobuf) {
  for (const auto& path : testing::onnx_testdata_models()) {
    ir::Model m = ir::load_model(path);
    ir::ModelSummary s;
    try {
      s = ir::summarize_model(m, path, {});
    } catch (const Error& e) {
      ADD_FAILURE() << path << ": " << e.what();
      continue;
    }
    expect_summary_matches(path, ir::summary_to_json(s));
    if (HasFailure()) break;
  }
}

TEST(IrSummarize, PpOcrModelsThroughCliJson) {
  for (const auto& file : testing::ppocr_model_files()) {
    std::string path = testing::ppocr_model(file);
    auto r = testing::run_cli({"summarize", path, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_summary_matches(path, nlohmann::json::parse(r.out));
  }
}

// MACs from ONNX's shape inference (independent of qtune's op rules) for models where it
// resolves every shape: Conv = prod(out) * prod(W[1:]); ConvTranspose = prod(in) * prod(W[1:]);
// MatMul = prod(out) * K (last dim of A); Gemm = prod(out) * K.
int64_t onnx_reference_macs(const std::string& path, const std::vector<int64_t>& input_dims) {
  onnx::ModelProto p;
  EXPECT_TRUE(p.ParseFromString(read_file_bytes(path)));
  auto* shape = p.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int i = 0; i < shape->dim_size(); ++i) shape->mutable_dim(i)->set_dim_value(input_dims[static_cast<size_t>(i)]);
  onnx::shape_inference::InferShapes(p);
  std::map<std::string, std::vector<int64_t>> dims;
  auto record = [&](const onnx::ValueInfoProto& vi) {
    std::vector<int64_t> d;
    for (const auto& x : vi.type().tensor_type().shape().dim()) d.push_back(x.has_dim_value() ? x.dim_value() : -1);
    dims[vi.name()] = d;
  };
  for (const auto& vi : p.graph().value_info()) record(vi);
  for (const auto& vi : p.graph().input()) record(vi);
  for (const auto& t : p.graph().initializer()) dims[t.name()] = {t.dims().begin(), t.dims().end()};
  auto prod = [](const std::vector<int64_t>& v, size_t from) {
    int64_t n = 1;
    for (size_t i = from; i < v.size(); ++i) n *= v[i];
    return n;
  };
  int64_t total = 0;
  for (const auto& n : p.graph().node()) {
    if (n.op_type() == "Conv") total += prod(dims.at(n.output(0)), 0) * prod(dims.at(n.input(1)), 1);
    if (n.op_type() == "ConvTranspose") total += prod(dims.at(n.input(0)), 0) * prod(dims.at(n.input(1)), 1);
    if (n.op_type() == "MatMul") {
      // ONNX leaves the cls model's flattened FC input unknown; with batch 1 the FC is
      // [1,K] x [K,N], i.e. K*N MACs from the weight's own dims.
      const auto& a_dims = dims[n.input(0)];
      const auto& b_dims = dims.at(n.input(1));
      bool a_known = !a_dims.empty() && std::find(a_dims.begin(), a_dims.end(), -1) == a_dims.end();
      total += a_known ? prod(dims.at(n.output(0)), 0) * a_dims.back() : prod(b_dims, 0);
    }
    if (n.op_type() == "Gemm") {
      bool trans_a = false;
      for (const auto& a : n.attribute()) trans_a |= a.name() == "transA" && a.i() != 0;
      const auto& a_dims = dims.at(n.input(0));
      total += prod(dims.at(n.output(0)), 0) * (trans_a ? a_dims[0] : a_dims[1]);
    }
  }
  return total;
}

TEST(IrSummarize, MacsMatchOnnxShapeInference) {
  struct Case {
    const char* file;
    std::vector<int64_t> dims;
  };
  for (const Case& c : {Case{"ch_PP-OCRv4_det_infer.onnx", {1, 3, 640, 640}},
                        Case{"ch_ppocr_mobile_v2.0_cls_infer.onnx", {1, 3, 48, 192}}}) {
    std::string path = testing::ppocr_model(c.file);
    int64_t want = onnx_reference_macs(path, c.dims);
    ASSERT_GT(want, 0);
    ir::Model m = ir::load_model(path);
    auto s = ir::summarize_model(m, path, {{"x", c.dims}});
    ASSERT_TRUE(s.total_macs.has_value()) << c.file;
    EXPECT_EQ(*s.total_macs, want) << c.file;
    EXPECT_TRUE(s.macs_unknown_nodes.empty()) << c.file << ": " << s.macs_unknown_nodes.front();
  }
}

TEST(IrSummarize, RecModelResolvesEveryShapeThroughReshapes) {
  // ONNX's own data propagation stops at the rec model's Shape->...->Reshape chains;
  // qtune's value propagation must resolve every MatMul and Conv for a concrete input.
  std::string path = testing::ppocr_model("ch_PP-OCRv4_rec_infer.onnx");
  ir::Model m = ir::load_model(path);
  auto s = ir::summarize_model(m, path, {{"x", {1, 3, 48, 320}}});
  ASSERT_TRUE(s.total_macs.has_value());
  EXPECT_TRUE(s.macs_unknown_nodes.empty()) << s.macs_unknown_nodes.size() << " unknown, first: "
                                            << (s.macs_unknown_nodes.empty() ? "" : s.macs_unknown_nodes.front());
  EXPECT_EQ(m.graph->outputs()[0]->shape.to_string(), "[1,40,6625]");
}

TEST(IrSummarize, HandDerivedMacs) {
  // Conv: x[1,3,8,8], W[4,3,3,3], pads 1 -> y[1,4,8,8]: 4*8*8 outputs * 3*3*3 = 6912 MACs.
  // MatMul: [1,256] x [256,10] -> 2560 MACs.  Relu: 0.  Total 9472.
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {ir::Attribute::make_ints("pads", {1, 1, 1, 1})}, "conv");
  auto* r = b.node("Relu", {y});
  auto* flat = b.node("Reshape", {r, b.constant("shape", Tensor::from_vector<int64_t>({2}, {1, 256}))});
  b.output(b.node("MatMul", {flat, b.weight("fc", {256, 10})}, {}, "fc"));
  ir::Model m = b.build();
  auto s = ir::summarize_model(m, "built", {});
  ASSERT_TRUE(s.total_macs.has_value());
  EXPECT_EQ(*s.total_macs, 9472);
  std::map<std::string, int64_t> by_type;
  for (const auto& ot : s.op_types) by_type[ot.op_type] = ot.macs;
  EXPECT_EQ(by_type["Conv"], 6912);
  EXPECT_EQ(by_type["MatMul"], 2560);
  EXPECT_EQ(s.param_count, 4 * 27 + 2 + 2560);
}

TEST(IrSummarize, SymbolicInputWithoutShapeSaysMacsUnknown) {
  auto r = testing::run_cli({"summarize", testing::ppocr_model("ch_PP-OCRv4_rec_infer.onnx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("MACs: unknown"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x"), std::string::npos);
}

TEST(IrSummarize, BadShapeArgumentsAreClear) {
  std::string rec = testing::ppocr_model("ch_PP-OCRv4_rec_infer.onnx");
  auto wrong_name = testing::run_cli({"summarize", rec, "--shape", "image=1,3,48,320"});
  EXPECT_EQ(wrong_name.exit_code, 2);
  EXPECT_NE(wrong_name.err.find("the model has no such input (inputs: x)"), std::string::npos) << wrong_name.err;
  auto wrong_rank = testing::run_cli({"summarize", rec, "--shape", "x=1,3,48"});
  EXPECT_EQ(wrong_rank.exit_code, 2);
  EXPECT_NE(wrong_rank.err.find("declares rank 4"), std::string::npos) << wrong_rank.err;
  auto fixed_dim = testing::run_cli({"summarize", rec, "--shape", "x=1,1,48,320"});
  EXPECT_EQ(fixed_dim.exit_code, 2);
  EXPECT_NE(fixed_dim.err.find("dim 1 is fixed to 3"), std::string::npos) << fixed_dim.err;
  auto syntax = testing::run_cli({"summarize", rec, "--shape", "x=1,a"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_NE(syntax.err.find("--shape x"), std::string::npos) << syntax.err;
}

}  // namespace
}  // namespace qtune
