// ReduceSum/Mean/Max/Min (axes as attribute or input, keepdims, noop_with_empty_axes,
// every axis subset against a naive loop, integer and empty cases), ArgMax and TopK
// (ties, NaN, k forms), shape rules and errors.
#include <cmath>
#include <limits>
#include <random>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnReduce, EveryAxisSubsetMatchesNaiveLoop) {
  const std::vector<int64_t> dims = {3, 4, 5, 2};
  Tensor x(DataType::Float64, dims);
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-5, 5);
  for (int64_t i = 0; i < x.numel(); ++i) x.data<double>()[i] = u(rng);
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"}) {
    for (int mask = 1; mask < 16; ++mask) {
      std::vector<int64_t> axes;
      for (int a = 0; a < 4; ++a)
        if (mask & (1 << a)) axes.push_back(a);
      // Naive: walk the input, map each element to its output cell (reduced coords -> 0).
      std::vector<int64_t> out_dims = dims;
      for (int64_t a : axes) out_dims[static_cast<size_t>(a)] = 1;
      std::vector<double> acc(static_cast<size_t>(shape_numel(out_dims)), std::string(op) == "ReduceMax" ? -1e300
                                                                          : std::string(op) == "ReduceMin" ? 1e300 : 0.0);
      for (int64_t i = 0; i < x.numel(); ++i) {
        int64_t rem = i, o = 0, scale = 1;
        for (int a = 3; a >= 0; --a) {
          int64_t c = rem % dims[static_cast<size_t>(a)];
          rem /= dims[static_cast<size_t>(a)];
          if (mask & (1 << a)) c = 0;
          o += c * scale;
          scale *= out_dims[static_cast<size_t>(a)];
        }
        double& cell = acc[static_cast<size_t>(o)];
        const double v = x.data<double>()[i];
        if (std::string(op) == "ReduceMax") cell = std::max(cell, v);
        else if (std::string(op) == "ReduceMin") cell = std::min(cell, v);
        else cell += v;
      }
      if (std::string(op) == "ReduceMean")
        for (double& c : acc) c /= static_cast<double>(x.numel() / shape_numel(out_dims));
      // Half the cases take axes from the attribute (older opsets), half from input #1.
      const bool as_input = mask % 2 == 0;
      OneNode n(op, as_input ? std::vector<std::string>{"x", "axes"} : std::vector<std::string>{"x"});
      if (!as_input) n.ints("axes", axes);
      auto y = as_input ? n.run({x, nntest::i64({static_cast<int64_t>(axes.size())}, axes)}) : n.run({x});
      ASSERT_EQ(y[0].dims(), out_dims) << op << " mask " << mask;
      for (size_t i = 0; i < acc.size(); ++i) EXPECT_NEAR(y[0].data<double>()[i], acc[i], 1e-9) << op << " mask " << mask;
    }
  }
}

TEST(OpsNnReduce, KeepdimsNoopAndDefaultAxes) {
  auto x = nntest::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  OneNode drop("ReduceSum", {"x", "axes"});
  drop.i("keepdims", 0);
  auto y = drop.run({x, nntest::i64({1}, {-1})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2}));
  nntest::expect_near_all(y[0], {6, 15});
  // No axes: every axis (21), unless noop_with_empty_axes makes it an identity.
  OneNode all("ReduceSum", {"x"});
  nntest::expect_near_all(all.run({x})[0], {21});
  OneNode noop("ReduceSum", {"x", "axes"});
  noop.i("noop_with_empty_axes", 1);
  y = noop.run({x, nntest::i64({0}, {})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2, 3}));
  nntest::expect_near_all(y[0], {1, 2, 3, 4, 5, 6});
}

TEST(OpsNnReduce, IntegerAndEmptyReductions) {
  // int32 sums wrap modulo 2^32: (2^31 - 1) + 1 = -2^31. Integer means truncate: 3/2 -> 1, -3/2 -> -1.
  OneNode sum("ReduceSum", {"x"});
  auto y = sum.run({Tensor::from_vector<int32_t>({2}, {std::numeric_limits<int32_t>::max(), 1})});
  EXPECT_EQ(nntest::values<int32_t>(y[0]), (std::vector<int32_t>{std::numeric_limits<int32_t>::min()}));
  OneNode mean("ReduceMean", {"x"});
  mean.ints("axes", {1});
  y = mean.run({Tensor::from_vector<int64_t>({2, 2}, {1, 2, -1, -2})});
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{1, -1}));
  // Reducing an empty axis gives the identity: 0 for sums, -inf for max, the type's max for min.
  Tensor empty(DataType::Float32, {2, 0});
  OneNode esum("ReduceSum", {"x"});
  esum.ints("axes", {1});
  nntest::expect_near_all(esum.run({empty})[0], {0, 0});
  OneNode emax("ReduceMax", {"x"});
  emax.ints("axes", {1});
  y = emax.run({empty});
  EXPECT_TRUE(std::isinf(y[0].data<float>()[0]) && y[0].data<float>()[0] < 0);
  OneNode emin("ReduceMin", {"x"});
  emin.ints("axes", {1});
  EXPECT_EQ(nntest::values<int32_t>(emin.run({Tensor(DataType::Int32, {1, 0})})[0]),
            (std::vector<int32_t>{std::numeric_limits<int32_t>::max()}));
  // NaN propagates through max, as in numpy.
  OneNode nan("ReduceMax", {"x"});
  EXPECT_TRUE(std::isnan(nan.run({nntest::f32({3}, {1, NAN, 2})})[0].data<float>()[0]));
}

TEST(OpsNnReduce, ShapeRulesAndErrors) {
  OneNode n("ReduceMean", {"x"});
  n.ints("axes", {2, 3});
  EXPECT_EQ(n.infer({nntest::typed(nntest::shape({"N", "C", "H", "W"}))})[0].shape.to_string(), "[N,C,1,1]");
  OneNode unknown_axes("ReduceSum", {"x", "axes"});
  EXPECT_EQ(unknown_axes.infer({nntest::typed(nntest::shape({"N", "4"})), nntest::typed(nntest::shape({"1"}), DataType::Int64)})[0]
                .shape.to_string(),
            "[?,?]");
  unknown_axes.i("keepdims", 0);
  EXPECT_FALSE(unknown_axes.infer({nntest::typed(nntest::shape({"N", "4"})), nntest::typed(nntest::shape({"1"}), DataType::Int64)})[0]
                   .shape.has_rank());
  auto x = nntest::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  OneNode range("ReduceMax", {"x"});
  range.ints("axes", {2});
  nntest::expect_error([&] { range.run({x}); }, {"axis 2 is out of range for rank 2"});
  OneNode twice("ReduceMin", {"x"});
  twice.ints("axes", {1, -1});
  nntest::expect_error([&] { twice.run({x}); }, {"axes lists an axis twice"});
  OneNode axes_type("ReduceSum", {"x", "axes"});
  nntest::expect_error([&] { axes_type.run({x, Tensor::from_vector<int32_t>({1}, {0})}); }, {"input #1 is int32"});
}

TEST(OpsNnReduce, ArgMaxTiesNanAndErrors) {
  // Rows [1, 3, 3] and [2, 2, 1]: first max at 1 and 0; last max at 2 and 1.
  auto x = nntest::f32({2, 3}, {1, 3, 3, 2, 2, 1});
  OneNode first("ArgMax", {"x"});
  first.i("axis", 1).i("keepdims", 0);
  auto y = first.run({x});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2}));
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{1, 0}));
  OneNode last("ArgMax", {"x"});
  last.i("axis", -1).i("select_last_index", 1);
  y = last.run({x});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{2, 1}));
  // Default axis 0 over columns: [1,2] -> 1, [3,2] -> 0, [3,1] -> 0. NaN wins.
  OneNode cols("ArgMax", {"x"});
  EXPECT_EQ(nntest::values<int64_t>(cols.run({x})[0]), (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(nntest::values<int64_t>(cols.run({nntest::f32({3}, {1, NAN, 5})})[0]), (std::vector<int64_t>{1}));
  nntest::expect_error([&] { cols.run({Tensor(DataType::Float32, {0, 2})}); }, {"axis 0", "is empty"});
  nntest::expect_error([&] { cols.run({nntest::f32({}, {1})}); }, {"scalar"});
}

TEST(OpsNnReduce, TopKOrderingAndForms) {
  // [3, 1, 3, 2] largest 3: the tied 3s keep index order (0, 2), then 2 (index 3).
  auto x = nntest::f32({4}, {3, 1, 3, 2});
  OneNode n("TopK", {"x", "k"}, 2);
  auto y = n.run({x, nntest::i64({1}, {3})});
  nntest::expect_near_all(y[0], {3, 3, 2});
  EXPECT_EQ(nntest::values<int64_t>(y[1]), (std::vector<int64_t>{0, 2, 3}));
  // Smallest 2: 1 (index 1), 2 (index 3). Opset 1 takes k from the attribute.
  OneNode s("TopK", {"x"}, 2);
  s.i("k", 2).i("largest", 0).i("sorted", 0);
  y = s.run({x});
  EXPECT_EQ(nntest::values<int64_t>(y[1]), (std::vector<int64_t>{1, 3}));
  // Along axis 0 of [[1, 9], [5, 2]] (k 1): column maxima 5 (row 1) and 9 (row 0). NaN ranks first.
  OneNode a("TopK", {"x", "k"}, 2);
  a.i("axis", 0);
  y = a.run({nntest::f32({2, 2}, {1, 9, 5, 2}), nntest::i64({1}, {1})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(nntest::values<int64_t>(y[1]), (std::vector<int64_t>{1, 0}));
  y = n.run({nntest::f32({3}, {1, NAN, 7}), nntest::i64({1}, {2})});
  EXPECT_EQ(nntest::values<int64_t>(y[1]), (std::vector<int64_t>{1, 2}));
  // Unknown K value: the axis becomes unknown, other dims (symbolic) stay.
  auto info = n.infer({nntest::typed(nntest::shape({"N", "100"})), nntest::typed(nntest::shape({"1"}), DataType::Int64)});
  EXPECT_EQ(info[0].shape.to_string(), "[N,?]");
  EXPECT_EQ(info[1].dtype, DataType::Int64);
  nntest::expect_error([&] { n.run({x, nntest::i64({1}, {5})}); }, {"K is 5", "only 4 elements"});
  nntest::expect_error([&] { n.run({x, nntest::i64({1}, {-1})}); }, {"K is -1"});
  nntest::expect_error([&] { n.run({x, nntest::i64({2}, {1, 2})}); }, {"input K has shape [2]"});
  OneNode none("TopK", {"x"}, 2);
  nntest::expect_error([&] { none.run({x}); }, {"needs input K", "attribute 'k'"});
}

}  // namespace
}  // namespace qtune
