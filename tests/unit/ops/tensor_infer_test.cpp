// Shape rules (OpSpec::infer) of the tensor ops with symbolic and unknown dims: named dims
// pass through where the op keeps them, dims become unknown (never an error) where they
// cannot be derived, and known argument values give exact shapes so folding can happen.
#include <gtest/gtest.h>

#include <limits>

#include "tensor_test_util.h"

namespace qtune {
namespace {

using namespace tensortest;

ops::TensorInfo value_info(const Tensor& t) { return ops::TensorInfo::of(t); }

TEST(OpsTensorInfer, TransposeKeepsSymbols) {
  auto out = OneNode("Transpose", {"x"}).ints("perm", {0, 2, 3, 1}).infer({info(DataType::Float32, shape({sym("N"), known(3), ir::Dim{}, known(5)}))});
  EXPECT_EQ(out[0].shape, shape({sym("N"), ir::Dim{}, known(5), known(3)}));
  // Unknown rank: perm still fixes the output rank.
  auto r = OneNode("Transpose", {"x"}).ints("perm", {1, 0}).infer({info(DataType::Float32, ir::Shape::unknown())});
  EXPECT_EQ(r[0].shape.rank(), 2);
}

TEST(OpsTensorInfer, FlattenSqueezeUnsqueezeWithSymbols) {
  // Flatten axis 2 of [N, 3, 4, 5] -> [?, 20] (N * 3 is unknown); axis 1 -> [N, 60].
  ir::Shape s = shape({sym("N"), known(3), known(4), known(5)});
  EXPECT_EQ(OneNode("Flatten", {"x"}).i("axis", 2).infer({info(DataType::Float32, s)})[0].shape, shape({ir::Dim{}, known(20)}));
  EXPECT_EQ(OneNode("Flatten", {"x"}).infer({info(DataType::Float32, s)})[0].shape, shape({sym("N"), known(60)}));
  // Squeeze axis 1 of [N, 1, W] keeps the names; Unsqueeze axes {0, 3} adds 1s.
  ir::Shape t = shape({sym("N"), known(1), sym("W")});
  EXPECT_EQ(OneNode("Squeeze", {"x", "a"}).infer({info(DataType::Float32, t), value_info(i64({1}, {1}))})[0].shape,
            shape({sym("N"), sym("W")}));
  EXPECT_EQ(OneNode("Unsqueeze", {"x", "a"}).infer({info(DataType::Float32, t), value_info(i64({2}, {0, 3}))})[0].shape,
            shape({known(1), sym("N"), known(1), known(1), sym("W")}));
  // Squeeze without axes on a symbolic dim: it may or may not be 1, so the rank is unknown.
  EXPECT_FALSE(OneNode("Squeeze", {"x"}).infer({info(DataType::Float32, t)})[0].shape.has_rank());
  // Axes given as a run-time input of shape [2]: rank known, dims unknown.
  auto u = OneNode("Unsqueeze", {"x", "a"}).infer({info(DataType::Float32, t), info(DataType::Int64, ir::Shape::of({2}))});
  EXPECT_EQ(u[0].shape.rank(), 5);
}

TEST(OpsTensorInfer, SliceWithKnownAndUnknownArguments) {
  ir::Shape s = shape({sym("N"), known(10), known(8)});
  // starts {2, -3}, ends {INT64_MAX, 100}, axes {1, 2}: axis 1 -> 8, axis 2 -> 3; N kept.
  auto out = OneNode("Slice", {"x", "s", "e", "a"})
                 .infer({info(DataType::Float32, s), value_info(i64({2}, {2, -3})),
                         value_info(i64({2}, {std::numeric_limits<int64_t>::max(), 100})), value_info(i64({2}, {1, 2}))});
  EXPECT_EQ(out[0].shape, shape({sym("N"), known(8), known(3)}));
  // Slicing the symbolic axis gives an unknown dim, not an error.
  auto sym_axis = OneNode("Slice", {"x", "s", "e"}).infer({info(DataType::Float32, s), value_info(i64({1}, {1})), value_info(i64({1}, {5}))});
  EXPECT_EQ(sym_axis[0].shape, shape({ir::Dim{}, known(10), known(8)}));
  // Run-time starts: same rank, unknown dims.
  auto unknown = OneNode("Slice", {"x", "s", "e"}).infer({info(DataType::Float32, s), info(DataType::Int64, ir::Shape::of({1})),
                                                         value_info(i64({1}, {5}))});
  EXPECT_EQ(unknown[0].shape.rank(), 3);
  EXPECT_FALSE(unknown[0].shape.is_fully_known());
}

TEST(OpsTensorInfer, GatherAndGatherElements) {
  // data [V, 64], indices [B, S] on axis 0 -> [B, S, 64].
  auto g = OneNode("Gather", {"d", "i"}).infer({info(DataType::Float32, shape({sym("V"), known(64)})),
                                                info(DataType::Int64, shape({sym("B"), sym("S")}))});
  EXPECT_EQ(g[0].shape, shape({sym("B"), sym("S"), known(64)}));
  OneNode bad("Gather", {"d", "i"});
  bad.i("axis", 2);
  expect_node_error(error_of([&] { bad.infer({info(DataType::Float32, shape({known(2), known(3)})), info(DataType::Int64, ir::Shape::of({1}))}); }),
                    "Gather", "axis 2 is out of range for rank 2");
  auto ge = OneNode("GatherElements", {"d", "i"}).infer({info(DataType::Float32, shape({sym("N"), known(3)})),
                                                         info(DataType::Int64, shape({sym("N"), known(2)}))});
  EXPECT_EQ(ge[0].shape, shape({sym("N"), known(2)}));
}

TEST(OpsTensorInfer, ExpandTileSplitPad) {
  // Expand [N, 1] by shape {1, 4} -> [N, 4].
  EXPECT_EQ(OneNode("Expand", {"x", "s"}).infer({info(DataType::Float32, shape({sym("N"), known(1)})), value_info(i64({2}, {1, 4}))})[0].shape,
            shape({sym("N"), known(4)}));
  // Tile [N, 3] by {1, 2} -> [N, 6]; by {2, 1} the symbolic dim becomes unknown.
  EXPECT_EQ(OneNode("Tile", {"x", "r"}).infer({info(DataType::Float32, shape({sym("N"), known(3)})), value_info(i64({2}, {1, 2}))})[0].shape,
            shape({sym("N"), known(6)}));
  EXPECT_EQ(OneNode("Tile", {"x", "r"}).infer({info(DataType::Float32, shape({sym("N"), known(3)})), value_info(i64({2}, {2, 1}))})[0].shape,
            shape({ir::Dim{}, known(3)}));
  // Split [N, 6] on axis 1 into 3 equal parts -> 3 x [N, 2]; on the symbolic axis -> unknown.
  auto parts = OneNode("Split", {"x"}, 3).i("axis", 1).infer({info(DataType::Float32, shape({sym("N"), known(6)}))});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].shape, shape({sym("N"), known(2)}));
  auto on_n = OneNode("Split", {"x"}, 2).infer({info(DataType::Float32, shape({sym("N"), known(6)}))});
  EXPECT_EQ(on_n[0].shape, shape({ir::Dim{}, known(6)}));
  // Pad [N, 4] with pads {0, 1, 0, 2} -> [N, 7].
  EXPECT_EQ(OneNode("Pad", {"x", "p"}).infer({info(DataType::Float32, shape({sym("N"), known(4)})), value_info(i64({4}, {0, 1, 0, 2}))})[0].shape,
            shape({sym("N"), known(7)}));
}

TEST(OpsTensorInfer, ValueDependentShapesAndSize) {
  // Range(0, 10, 3) -> 4 elements once the values are known; unknown length otherwise.
  auto r = OneNode("Range", {"s", "l", "d"}).infer({value_info(i64({}, {0})), value_info(i64({}, {10})), value_info(i64({}, {3}))});
  EXPECT_EQ(r[0].shape, ir::Shape::of({4}));
  auto ru = OneNode("Range", {"s", "l", "d"}).infer({info(DataType::Int64, ir::Shape::of({})), value_info(i64({}, {10})), value_info(i64({}, {3}))});
  EXPECT_EQ(ru[0].shape, shape({ir::Dim{}}));
  // Size of a fully known shape is a known value (shape propagation); of [N, 3] it is not.
  auto size = OneNode("Size", {"x"}).infer({info(DataType::Float32, ir::Shape::of({2, 3}))});
  ASSERT_TRUE(size[0].value.has_value());
  EXPECT_EQ(size[0].value->data<int64_t>()[0], 6);
  EXPECT_FALSE(OneNode("Size", {"x"}).infer({info(DataType::Float32, shape({sym("N"), known(3)}))})[0].value.has_value());
  // ConstantOfShape from a known shape value; Cast keeps the shape and sets the type.
  EXPECT_EQ(OneNode("ConstantOfShape", {"s"}).infer({value_info(i64({2}, {2, 5}))})[0].shape, ir::Shape::of({2, 5}));
  auto c = OneNode("Cast", {"x"}).i("to", 7).infer({info(DataType::Float32, shape({sym("N")}))});
  EXPECT_EQ(c[0].dtype, DataType::Int64);
  EXPECT_EQ(c[0].shape, shape({sym("N")}));
}

TEST(OpsTensorInfer, ElementwiseBroadcastAndTypeErrors) {
  // Where(cond [N,1], x [1,C], y []) -> [N, C].
  auto w = OneNode("Where", {"c", "x", "y"}).infer({info(DataType::Bool, shape({sym("N"), known(1)})),
                                                    info(DataType::Float32, shape({known(1), sym("C")})), info(DataType::Float32, shape({}))});
  EXPECT_EQ(w[0].shape, shape({sym("N"), sym("C")}));
  auto m = OneNode("Max", {"a", "b", "c"}).infer({info(DataType::Int32, shape({sym("N"), known(1)})), info(DataType::Int32, shape({known(4)})),
                                                  info(DataType::Int32, shape({}))});
  EXPECT_EQ(m[0].shape, shape({sym("N"), known(4)}));
  OneNode mixed("Sum", {"a", "b"});
  expect_node_error(error_of([&] { mixed.infer({info(DataType::Float32, shape({})), info(DataType::Float64, shape({}))}); }), "Sum",
                    "input #1 is float64, input #0 is float32");
  OneNode cast("Cast", {"x"});
  cast.i("to", 99);
  expect_node_error(error_of([&] { cast.infer({info(DataType::Float32, shape({}))}); }), "Cast", "'to' is 99");
}

}  // namespace
}  // namespace qtune
