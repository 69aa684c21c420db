// Einsum: the common forms (matmul, transpose, reductions, attention, outer product),
// diagonals, ellipsis broadcasting, implicit output, three operands, each checked
// against a direct evaluation of the sum, plus shape rules and malformed equations.
#include <map>
#include <random>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

// Direct evaluation: loop over every assignment of all labels (letters only), multiply
// the operands' elements and add into the output element. Slow but obviously right.
std::vector<double> brute_einsum(const std::string& inputs_spec, const std::string& output,
                                 const std::vector<Tensor>& ops) {
  std::vector<std::string> terms;
  std::string cur;
  for (char c : inputs_spec) {
    if (c == ',') {
      terms.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  terms.push_back(cur);
  std::map<char, int64_t> size;
  for (size_t k = 0; k < terms.size(); ++k)
    for (size_t a = 0; a < terms[k].size(); ++a) size[terms[k][a]] = ops[k].dims()[a];
  std::vector<char> labels;
  for (auto& [c, s] : size) labels.push_back(c);
  int64_t out_n = 1;
  for (char c : output) out_n *= size[c];
  std::vector<double> out(static_cast<size_t>(out_n), 0.0);
  std::map<char, int64_t> at;
  std::function<void(size_t)> rec = [&](size_t li) {
    if (li == labels.size()) {
      double prod = 1;
      for (size_t k = 0; k < terms.size(); ++k) {
        int64_t off = 0;
        for (size_t a = 0; a < terms[k].size(); ++a) off = off * ops[k].dims()[a] + at[terms[k][a]];
        prod *= ops[k].value_as_double(off);
      }
      int64_t o = 0;
      for (char c : output) o = o * size[c] + at[c];
      out[static_cast<size_t>(o)] += prod;
      return;
    }
    for (int64_t v = 0; v < size[labels[li]]; ++v) {
      at[labels[li]] = v;
      rec(li + 1);
    }
  };
  rec(0);
  return out;
}

TEST(OpsNnEinsum, CommonFormsMatchDirectSums) {
  struct Case {
    std::string eq, inputs, output;
    std::vector<std::vector<int64_t>> dims;
  };
  const std::vector<Case> cases = {
      {"ij,jk->ik", "ij,jk", "ik", {{3, 4}, {4, 5}}},
      {"bij,bjk->bik", "bij,bjk", "bik", {{2, 3, 4}, {2, 4, 2}}},
      {"ij->ji", "ij", "ji", {{3, 5}}},
      {"ij->i", "ij", "i", {{3, 5}}},
      {"ij->", "ij", "", {{3, 5}}},
      {"bhid,bhjd->bhij", "bhid,bhjd", "bhij", {{2, 3, 4, 5}, {2, 3, 6, 5}}},
      {"bhij,bhjd->bhid", "bhij,bhjd", "bhid", {{2, 3, 4, 6}, {2, 3, 6, 5}}},
      {"i,j->ij", "i,j", "ij", {{3}, {4}}},
      {"ii->i", "ii", "i", {{4, 4}}},
      {"ii", "ii", "", {{4, 4}}},
      {"ij,jk", "ij,jk", "ik", {{2, 3}, {3, 4}}},
      {"ij,jk,kl->il", "ij,jk,kl", "il", {{2, 3}, {3, 4}, {4, 2}}},
      {"abc,cd->dba", "abc,cd", "dba", {{2, 3, 4}, {4, 5}}},
      {"ab,ab->", "ab,ab", "", {{3, 4}, {3, 4}}},
      {"i j , j k -> i k", "ij,jk", "ik", {{2, 2}, {2, 3}}},
  };
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1, 1);
  for (const Case& c : cases) {
    std::vector<Tensor> ops;
    std::vector<std::string> names;
    for (size_t k = 0; k < c.dims.size(); ++k) {
      Tensor t(DataType::Float64, c.dims[k]);
      for (int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = u(rng);
      ops.push_back(t);
      names.push_back(std::string(1, static_cast<char>('a' + k)));
    }
    OneNode n("Einsum", names);
    n.s("equation", c.eq);
    auto y = n.run(ops);
    std::vector<double> want = brute_einsum(c.inputs, c.output, ops);
    ASSERT_EQ(y[0].numel(), static_cast<int64_t>(want.size())) << c.eq;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(y[0].data<double>()[i], want[i], 1e-9) << c.eq << " @" << i;
  }
}

TEST(OpsNnEinsum, EllipsisBroadcasts) {
  // "...ij,...jk->...ik" with batch dims [2, 1] and [3]: result batch [2, 3]. A[b0] = b0+1
  // times identity (2x2), B[b1] = (b1+1) * ones (2x2) -> (b0+1)(b1+1) * ones.
  OneNode n("Einsum", {"a", "b"});
  n.s("equation", "...ij,...jk->...ik");
  auto a = nntest::f32({2, 1, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2});
  auto b = nntest::f32({3, 2, 2}, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  auto y = n.run({a, b});
  ASSERT_EQ(y[0].dims(), (std::vector<int64_t>{2, 3, 2, 2}));
  std::vector<float> want;
  for (int b0 = 1; b0 <= 2; ++b0)
    for (int b1 = 1; b1 <= 3; ++b1)
      for (int e = 0; e < 4; ++e) want.push_back(static_cast<float>(b0 * b1));
  nntest::expect_near_all(y[0], want);
  // Implicit output with an ellipsis: "...ii" -> the batched diagonal [..., i]
  // (ellipsis first, then letters used once: none).
  OneNode d("Einsum", {"a"});
  d.s("equation", "...ii->...i");
  nntest::expect_near_all(d.run({nntest::iota_f32({2, 3, 3})})[0], {0, 4, 8, 9, 13, 17});
}

TEST(OpsNnEinsum, IntegerOperands) {
  OneNode n("Einsum", {"a", "b"});
  n.s("equation", "ij,j->i");
  auto y = n.run({Tensor::from_vector<int64_t>({2, 2}, {1, 2, 3, 4}), Tensor::from_vector<int64_t>({2}, {10, 1})});
  EXPECT_EQ(nntest::values<int64_t>(y[0]), (std::vector<int64_t>{12, 34}));
  // Integer sums wrap modulo 2^32 instead of overflowing: (2^31 - 1) + 1 = -2^31.
  OneNode s("Einsum", {"a"});
  s.s("equation", "i->");
  y = s.run({Tensor::from_vector<int32_t>({2}, {2147483647, 1})});
  EXPECT_EQ(nntest::values<int32_t>(y[0]), (std::vector<int32_t>{-2147483647 - 1}));
}

TEST(OpsNnEinsum, ShapeRuleAndErrors) {
  OneNode n("Einsum", {"q", "k"});
  n.s("equation", "bhid,bhjd->bhij");
  auto out = n.infer({nntest::typed(nntest::shape({"B", "12", "S", "64"})), nntest::typed(nntest::shape({"B", "12", "T", "64"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[B,12,S,T]");
  OneNode bad("Einsum", {"a", "b"});
  bad.s("equation", "ij,jk->ik");
  nntest::expect_error([&] { bad.run({Tensor(DataType::Float32, {2, 3}), Tensor(DataType::Float32, {4, 5})}); },
                       {"label 'j' has size 3 and 4"});
  OneNode rank("Einsum", {"a"});
  rank.s("equation", "ijk->i");
  nntest::expect_error([&] { rank.run({Tensor(DataType::Float32, {2, 3})}); }, {"names 3 axes", "rank 2"});
  OneNode chars("Einsum", {"a"});
  chars.s("equation", "i1->i");
  nntest::expect_error([&] { chars.run({Tensor(DataType::Float32, {2, 3})}); }, {"invalid character '1'"});
  OneNode count("Einsum", {"a"});
  count.s("equation", "ij,jk->ik");
  nntest::expect_error([&] { count.run({Tensor(DataType::Float32, {2, 3})}); }, {"2 operands", "1 inputs"});
  OneNode missing("Einsum", {"a"});
  missing.s("equation", "ij->ik");
  nntest::expect_error([&] { missing.run({Tensor(DataType::Float32, {2, 3})}); }, {"output label 'k' appears in no input"});
  OneNode twice("Einsum", {"a"});
  twice.s("equation", "ij->ii");
  nntest::expect_error([&] { twice.run({Tensor(DataType::Float32, {2, 3})}); }, {"'i' appears twice"});
}

}  // namespace
}  // namespace qtune
