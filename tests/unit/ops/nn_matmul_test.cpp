// MatMul and Gemm: numpy matmul rules (1-D operands, batch broadcasting), the blocked
// GEMM against a naive loop at sizes past its blocking, integer types, C broadcasting,
// shape rules with symbolic dims, and errors.
#include <random>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnMatMul, OneDimensionalOperands) {
  OneNode n("MatMul", {"a", "b"});
  // [3] x [3] -> scalar: 1*4 + 2*5 + 3*6 = 32.
  auto y = n.run({nntest::f32({3}, {1, 2, 3}), nntest::f32({3}, {4, 5, 6})});
  EXPECT_TRUE(y[0].dims().empty());
  nntest::expect_near_all(y[0], {32});
  // [2] x [2,3,2]: a row vector times each batch matrix -> [2, 3]... here [2] x [2, 2, 3]
  // b[0] = [[1,2,3],[4,5,6]], b[1] = [[1,0,0],[0,1,0]]; a = [1, 1] -> [5,7,9], [1,1,0].
  y = n.run({nntest::f32({2}, {1, 1}), nntest::f32({2, 2, 3}, {1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2, 3}));
  nntest::expect_near_all(y[0], {5, 7, 9, 1, 1, 0});
  // [2, 3] x [3] -> [2]: [[1,2,3],[4,5,6]] . [1,0,-1] = [-2, -2].
  y = n.run({nntest::f32({2, 3}, {1, 2, 3, 4, 5, 6}), nntest::f32({3}, {1, 0, -1})});
  nntest::expect_near_all(y[0], {-2, -2});
}

// C = A * B by the definition, with numpy batch broadcasting of [..., m, k] x [..., k, n].
std::vector<float> naive_batched(const Tensor& a, const Tensor& b, std::vector<int64_t> batch) {
  const int64_t m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
  const int64_t ba = a.numel() / (m * k), bb = b.numel() / (k * n);
  std::vector<float> out;
  const int64_t batches = shape_numel(batch);
  for (int64_t t = 0; t < batches; ++t) {
    // Right-aligned broadcast: an operand whose batch has one element is reused.
    int64_t ia = ba == 1 ? 0 : t % ba, ib = bb == 1 ? 0 : t % bb;
    if (ba != 1 && ba != batches) ia = t / (batches / ba);  // a broadcast on trailing batch axes
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc += double(a.data<float>()[(ia * m + i) * k + p]) * b.data<float>()[(ib * k + p) * n + j];
        out.push_back(static_cast<float>(acc));
      }
  }
  return out;
}

TEST(OpsNnMatMul, BlockedGemmMatchesNaiveWithBroadcasting) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  auto rnd = [&](std::vector<int64_t> d) {
    Tensor t(DataType::Float32, std::move(d));
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    return t;
  };
  struct Case {
    std::vector<int64_t> a, b, batch;
  };
  // Sizes cross every blocking edge: K > 256 (two K-blocks), M > 64 rows, N > 128 columns,
  // odd remainders; B shared by every batch (folded into one big product); A broadcast.
  const std::vector<Case> cases = {{{70, 300}, {300, 133}, {}},
                                   {{3, 5, 17}, {17, 9}, {3}},
                                   {{2, 1, 4, 6}, {3, 6, 5}, {2, 3}},
                                   {{4, 7}, {2, 7, 130}, {2}},
                                   {{1, 1}, {1, 1}, {}}};
  for (const Case& c : cases) {
    Tensor a = rnd(c.a), b = rnd(c.b);
    OneNode n("MatMul", {"a", "b"});
    auto y = n.run({a, b});
    std::vector<int64_t> dims = c.batch;
    dims.push_back(c.a[c.a.size() - 2]);
    dims.push_back(c.b.back());
    ASSERT_EQ(y[0].dims(), dims);
    nntest::expect_near_all(y[0], naive_batched(a, b, c.batch), 1e-4f);
  }
}

TEST(OpsNnMatMul, IntegerTypesAreExactAndWrap) {
  OneNode n("MatMul", {"a", "b"});
  // int32: [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]].
  auto y = n.run({Tensor::from_vector<int32_t>({2, 2}, {1, 2, 3, 4}), Tensor::from_vector<int32_t>({2, 2}, {5, 6, 7, 8})});
  EXPECT_EQ(nntest::values<int32_t>(y[0]), (std::vector<int32_t>{19, 22, 43, 50}));
  // uint32 wraps modulo 2^32: 65536 * 65536 = 2^32 -> 0, plus 3 * 1 = 3.
  y = n.run({Tensor::from_vector<uint32_t>({1, 2}, {65536, 3}), Tensor::from_vector<uint32_t>({2, 1}, {65536, 1})});
  EXPECT_EQ(nntest::values<uint32_t>(y[0]), (std::vector<uint32_t>{3}));
}

TEST(OpsNnMatMul, ShapeRuleWithSymbolicDims) {
  OneNode n("MatMul", {"a", "b"});
  auto out = n.infer({nntest::typed(nntest::shape({"batch", "seq", "768"})), nntest::typed(nntest::shape({"768", "3072"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[batch,seq,3072]");
  out = n.infer({nntest::typed(nntest::shape({"B", "1", "4", "8"})), nntest::typed(nntest::shape({"12", "8", "?"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[B,12,4,?]");
  out = n.infer({nntest::typed(nntest::shape({"K"})), nntest::typed(nntest::shape({"K", "5"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[5]");
  out = n.infer({nntest::typed(ir::Shape::unknown()), nntest::typed(nntest::shape({"2", "5"}))});
  EXPECT_FALSE(out[0].shape.has_rank());
}

TEST(OpsNnMatMul, ErrorsNameTheShapes) {
  OneNode n("MatMul", {"a", "b"});
  nntest::expect_error([&] { n.run({Tensor(DataType::Float32, {2, 3}), Tensor(DataType::Float32, {4, 5})}); },
                       {"inner dimensions differ", "[2,3]", "[4,5]"});
  nntest::expect_error([&] { n.run({Tensor(DataType::Float32, {2, 2, 3}), Tensor(DataType::Float32, {3, 3, 5})}); },
                       {"broadcast"});
  nntest::expect_error([&] { n.run({Tensor(DataType::Float32, {2, 3}), Tensor(DataType::Float64, {3, 5})}); },
                       {"input #1 is float64"});
  nntest::expect_error([&] { n.run({Tensor(DataType::Int8, {2, 3}), Tensor(DataType::Int8, {3, 5})}); },
                       {"input #0 is int8"});
}

TEST(OpsNnGemm, TransposesAlphaBetaAndBroadcastC) {
  // A^T with A = [[1,2],[3,4],[5,6]] (3x2) -> [[1,3,5],[2,4,6]]; B = [[1],[1],[1]] (3x1)
  // -> A^T B = [[9],[12]]; alpha 2 -> [[18],[24]]; C = [[1],[2]] ([M,1]), beta 10 ->
  // [[28],[44]].
  OneNode n("Gemm", {"a", "b", "c"});
  n.i("transA", 1).f("alpha", 2).f("beta", 10);
  auto y = n.run({nntest::f32({3, 2}, {1, 2, 3, 4, 5, 6}), nntest::f32({3, 1}, {1, 1, 1}), nntest::f32({2, 1}, {1, 2})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2, 1}));
  nntest::expect_near_all(y[0], {28, 44});
  // transB with B stored [N, K] = [[1,0],[0,1],[1,1]] and A = [[1,2]]: A B^T = [[1, 2, 3]];
  // C = [10, 20, 30] broadcast over rows.
  OneNode t("Gemm", {"a", "b", "c"});
  t.i("transB", 1);
  y = t.run({nntest::f32({1, 2}, {1, 2}), nntest::f32({3, 2}, {1, 0, 0, 1, 1, 1}), nntest::f32({3}, {10, 20, 30})});
  nntest::expect_near_all(y[0], {11, 22, 33});
}

TEST(OpsNnGemm, IntegerAndErrors) {
  OneNode n("Gemm", {"a", "b", "c"});
  n.f("alpha", 2).f("beta", 3);
  // 2 * ([[1,2]] x [[3],[4]]) + 3 * [[5]] = 2 * 11 + 15 = 37.
  auto y = n.run({Tensor::from_vector<int64_t>({1, 2}, {1, 2}), Tensor::from_vector<int64_t>({2, 1}, {3, 4}),
                  Tensor::from_vector<int64_t>({1, 1}, {5})});
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{37}));
  OneNode half("Gemm", {"a", "b"});
  half.f("alpha", 0.5f);
  nntest::expect_error([&] { half.run({Tensor::from_vector<int32_t>({1, 1}, {1}), Tensor::from_vector<int32_t>({1, 1}, {1})}); },
                       {"whole numbers"});
  OneNode bad("Gemm", {"a", "b", "c"});
  nntest::expect_error([&] { bad.run({Tensor(DataType::Float32, {2, 3}), Tensor(DataType::Float32, {3, 4}), Tensor(DataType::Float32, {3, 4})}); },
                       {"C has shape [3,4]", "does not broadcast to [2,4]"});
  nntest::expect_error([&] { bad.run({Tensor(DataType::Float32, {2, 3, 1}), Tensor(DataType::Float32, {3, 4}), Tensor()}); },
                       {"A has shape [2,3,1]", "rank 2"});
  auto out = bad.infer({nntest::typed(nntest::shape({"N", "512"})), nntest::typed(nntest::shape({"512", "10"})),
                        nntest::typed(nntest::shape({"10"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[N,10]");
}

}  // namespace
}  // namespace qtune
