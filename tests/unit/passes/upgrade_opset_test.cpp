// upgrade_opset: each rewritten operator computes the same after the upgrade (the original
// graph runs under its old opset, the upgraded one under the new), unknown operators are
// refused before anything changes, and the PP-OCR models (opset 9 and 11) upgraded to 13
// give the same outputs on qtune and on ONNX Runtime.
#include "passes/upgrade_opset.h"

#include "cli_runner.h"
#include "ir/shape_inference.h"
#include "ort_peer.h"
#include "pass_test_util.h"
#include "test_paths.h"

namespace qtune::passtest {
namespace {

size_t to13(ir::Graph& g) { return passes::upgrade_opset(g, 13); }


TEST(UpgradeOpset, AttributesBecomeInputs) {
  ir::GraphBuilder b(9);
  auto* x = b.input("x", DataType::Float32, {2, 6, 1, 5});
  auto* sliced = b.node("Slice", {x}, {ints("starts", {1, 0}), ints("ends", {6, 4}), ints("axes", {1, 3})});
  auto* clipped = b.node("Clip", {sliced}, {f("min", -0.2f), f("max", 0.3f)});
  auto* low_only = b.node("Clip", {clipped}, {f("min", 0.0f)});
  auto* squeezed = b.node("Squeeze", {low_only}, {ints("axes", {2})});
  auto* back = b.node("Unsqueeze", {squeezed}, {ints("axes", {0})});
  b.output(b.node("Dropout", {back}, {f("ratio", 0.3f)}));
  PassResult r = apply_and_compare(b.build(), to13);
  EXPECT_EQ(r.rewrites, 6u);
  EXPECT_EQ(r.model.opset_version(""), 13);
  for (const ir::Node* n : r.model.graph->nodes())
    for (const char* attr : {"starts", "ends", "axes", "min", "max", "ratio"})
      EXPECT_FALSE(n->has_attr(attr)) << n->describe() << " still has " << attr;
}

TEST(UpgradeOpset, ReduceSumSplitPadTopK) {
  ir::GraphBuilder b(9);
  auto* x = b.input("x", DataType::Float32, {3, 8});
  auto* padded = b.node("Pad", {x}, {ints("pads", {0, 1, 0, 1}), f("value", 0.5f)});
  auto parts = b.node_outputs("Split", {padded}, 2, {i("axis", 1), ints("split", {4, 6})});
  auto topk = b.node_outputs("TopK", {parts[1]}, 2, {i("k", 3)});
  auto* summed = b.node("ReduceSum", {parts[0]}, {ints("axes", {1}), i("keepdims", 1)});
  b.output(b.node("Add", {summed, topk[0]}));
  PassResult r = apply_and_compare(b.build(), to13);
  EXPECT_EQ(r.rewrites, 4u);
}

// Legacy Softmax over a non-last axis normalizes the flattened trailing dims.
TEST(UpgradeOpset, LegacySoftmaxKeepsItsMeaning) {
  ir::GraphBuilder b(11);
  auto* x = b.input("x", DataType::Float32, {2, 3, 4});
  auto* legacy = b.node("Softmax", {x}, {i("axis", 1)});
  auto* last = b.node("LogSoftmax", {legacy}, {i("axis", 2)});
  b.output(b.node("Softmax", {last}));  // default axis 1 before 13
  PassResult r = apply_and_compare(b.build(), to13);
  EXPECT_EQ(count_ops(r.model, "Flatten"), 2u);  // axis 1 twice (explicit and default)
  EXPECT_EQ(count_ops(r.model, "Reshape"), 2u);
}

TEST(UpgradeOpset, UpsampleBecomesAsymmetricResize) {
  for (const char* mode : {"nearest", "linear"}) {
    ir::GraphBuilder b(9);
    auto* x = b.input("x", DataType::Float32, {1, 2, 3, 4});
    b.output(b.node("Upsample", {x, b.constant("scales", floats({4}, {1, 1, 2, 3}))},
                    {ir::Attribute::make_string("mode", mode)}));
    PassResult r = apply_and_compare(b.build(), to13);
    EXPECT_EQ(count_ops(r.model, "Resize"), 1u) << mode;
    EXPECT_EQ(count_ops(r.model, "Upsample"), 0u) << mode;
  }
}

TEST(UpgradeOpset, RefusesOperatorsItDoesNotKnowAndChangesNothing) {
  ir::GraphBuilder b(9);
  auto* x = b.input("x", DataType::Float32, {1, 4, 2, 2});
  b.output(b.node("DepthToSpace", {b.node("Relu", {x})}, {i("blocksize", 2)}));
  ir::Model m = b.build();
  try {
    passes::upgrade_opset(*m.graph, 13);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("opset upgrade 9 -> 13"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("DepthToSpace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(m.opset_version(""), 9);
}

TEST(UpgradeOpset, NothingToDoAtOrAboveTarget) {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::Float32, {2});
  b.output(b.node("Relu", {x}));
  ir::Model m = b.build();
  EXPECT_EQ(passes::upgrade_opset(*m.graph, 13), 0u);
  EXPECT_THROW(passes::upgrade_opset(*m.graph, 9), Error);
}

// The real models, upgraded to 13 and saved: qtune runs them as before, and ONNX Runtime
// (which implements each opset's semantics independently) gives the same outputs for the
// upgraded file as for the original one.
TEST(RealModelUpgradeOpset, PpOcrModelsToOpset13) {
  const std::vector<std::pair<std::string, std::vector<int64_t>>> models = {
      {"ch_PP-OCRv4_rec_infer.onnx", {1, 3, 48, 320}},
      {"ch_ppocr_mobile_v2.0_cls_infer.onnx", {1, 3, 48, 192}},
      {"ch_PP-OCRv4_det_infer.onnx", {1, 3, 96, 128}}};
  testing::TempDir dir("upgrade");
  for (const auto& [file, dims] : models) {
    ir::Model original = ir::load_model(testing::ppocr_model(file));
    ir::apply_input_shapes(*original.graph, {{"x", dims}});
    PassResult r = apply_and_compare(original, to13, 1e-6);
    EXPECT_EQ(r.model.opset_version(""), 13) << file;
    std::string before = dir.file("original_" + file), after = dir.file("upgraded_" + file);
    ir::save_model(original, before);
    ir::save_model(r.model, after);
    const auto feeds = random_inputs(r.model);
    auto want = testing::run_onnxruntime(before, feeds);
    auto got = testing::run_onnxruntime(after, feeds);
    for (const auto& [name, tensor] : want)
      EXPECT_LE(testing::max_error_over_range(got.at(name), tensor), 1e-5) << file << " " << name;
  }
}

}  // namespace
}  // namespace qtune::passtest
