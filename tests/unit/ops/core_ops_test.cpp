// The core ops (Add/Sub/Mul/Div/Concat/Reshape/Shape/Constant/Identity) against the ONNX
// backend test cases, plus hand-checked broadcasting edge cases.
#include <gtest/gtest.h>

#include "onnx_node_case.h"
#include "ir/graph.h"
#include "ops/op.h"

namespace qtune {
namespace {

class CoreOpCases : public ::testing::TestWithParam<std::string> {};

TEST_P(CoreOpCases, MatchesOnnxBackendData) {
  auto r = testing::run_onnx_node_case(std::string(testing::kOnnxTestData) + "/node/" + GetParam());
  ASSERT_TRUE(r.ran) << "unsupported op in " << GetParam();
  EXPECT_EQ(r.failure, "") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Ops, CoreOpCases,
    ::testing::Values("test_add", "test_add_bcast", "test_sub", "test_sub_bcast", "test_sub_example", "test_mul",
                      "test_mul_bcast", "test_mul_example", "test_div", "test_div_bcast", "test_div_example",
                      "test_concat_1d_axis_0", "test_concat_2d_axis_1", "test_concat_3d_axis_negative_3",
                      "test_reshape_negative_dim", "test_reshape_reduced_dims", "test_reshape_zero_dim",
                      "test_reshape_allowzero_reordered", "test_shape", "test_shape_start_1_end_negative_1",
                      "test_constant", "test_identity"));

TEST(OpsCore, BroadcastInnerScalarAndMiddleAxis) {
  // a: [2,3,2] = 0..11, b: [3,1] = {100,200,300}; out[i,j,k] = a[i,j,k] + b[j].
  ir::Graph g;
  auto* a = g.add_value("a");
  auto* b = g.add_value("b");
  auto* y = g.add_value("y");
  ir::Node* n = g.add_node("Add", {a, b}, {y}, "add");
  std::vector<float> av(12);
  for (int i = 0; i < 12; ++i) av[static_cast<size_t>(i)] = static_cast<float>(i);
  auto out = ops::run_reference(*n, std::vector<Tensor>{Tensor::from_vector<float>({2, 3, 2}, av),
                                                        Tensor::from_vector<float>({3, 1}, {100, 200, 300})});
  ASSERT_EQ(out[0].dims(), (std::vector<int64_t>{2, 3, 2}));
  std::vector<float> want = {100, 101, 202, 203, 304, 305, 106, 107, 208, 209, 310, 311};
  EXPECT_EQ(std::vector<float>(out[0].values<float>().begin(), out[0].values<float>().end()), want);
}

TEST(OpsCore, IntegerDivisionByZeroDoesNotTrap) {
  ir::Graph g;
  ir::Node* n = g.add_node("Div", {g.add_value("a"), g.add_value("b")}, {g.add_value("y")}, "div");
  auto out = ops::run_reference(*n, std::vector<Tensor>{Tensor::from_vector<int32_t>({2}, {7, 9}),
                                                        Tensor::from_vector<int32_t>({2}, {2, 0})});
  EXPECT_EQ(out[0].data<int32_t>()[0], 3);
  EXPECT_EQ(out[0].data<int32_t>()[1], 0);
}

TEST(OpsCore, IncompatibleBroadcastNamesNode) {
  ir::Graph g;
  ir::Node* n = g.add_node("Mul", {g.add_value("a"), g.add_value("b")}, {g.add_value("y")}, "scale");
  try {
    ops::run_reference(*n, std::vector<Tensor>{Tensor(DataType::Float32, {2, 3}), Tensor(DataType::Float32, {4})});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Mul node 'scale'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("broadcast"), std::string::npos) << e.what();
  }
}

TEST(OpsCore, TableHasNoDuplicates) {
  for (const ops::OpSpec* op : ops::all_ops()) EXPECT_EQ(ops::find_op(op->domain, op->op_type), op) << op->op_type;
}

}  // namespace
}  // namespace qtune
