// Conv and ConvTranspose: hand-derived cases, the blocked/im2col/depthwise paths checked
// against a naive textbook loop over many geometries, shape rules with symbolic dims,
// and errors.
#include <random>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

struct ConvCase {
  std::vector<int64_t> x, w;  // [N, C, spatial...], [M, C/group, kernel...]
  int64_t group;
  std::vector<int64_t> strides, dilations, pads;
};

Tensor random_tensor(std::vector<int64_t> dims, std::mt19937& rng) {
  Tensor t(DataType::Float32, std::move(dims));
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

// Textbook convolution: for every output element, the sum over its window (3-D normal form).
std::vector<float> naive_conv(const Tensor& x, const Tensor& w, const Tensor& b, const ConvCase& c,
                              std::vector<int64_t>& out_dims) {
  const size_t sp = x.dims().size() - 2, off = 3 - sp;
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, p[3] = {0, 0, 0}, o[3] = {1, 1, 1};
  out_dims = {x.dim(0), w.dim(0)};
  for (size_t i = 0; i < sp; ++i) {
    in[off + i] = x.dims()[2 + i];
    k[off + i] = w.dims()[2 + i];
    s[off + i] = c.strides[i];
    d[off + i] = c.dilations[i];
    p[off + i] = c.pads[i];
    o[off + i] = (in[off + i] + c.pads[i] + c.pads[i + sp] - (k[off + i] - 1) * d[off + i] - 1) / s[off + i] + 1;
    out_dims.push_back(o[off + i]);
  }
  const int64_t N = x.dim(0), C = x.dim(1), M = w.dim(0), Cg = C / c.group, Mg = M / c.group;
  std::vector<float> y;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t z0 = 0; z0 < o[0]; ++z0)
        for (int64_t z1 = 0; z1 < o[1]; ++z1)
          for (int64_t z2 = 0; z2 < o[2]; ++z2) {
            double acc = b.defined() ? b.data<float>()[m] : 0.0;
            for (int64_t cc = 0; cc < Cg; ++cc)
              for (int64_t a = 0; a < k[0]; ++a)
                for (int64_t e = 0; e < k[1]; ++e)
                  for (int64_t f = 0; f < k[2]; ++f) {
                    const int64_t i0 = z0 * s[0] - p[0] + a * d[0], i1 = z1 * s[1] - p[1] + e * d[1],
                                  i2 = z2 * s[2] - p[2] + f * d[2];
                    if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2]) continue;
                    const int64_t ch = m / Mg * Cg + cc;
                    acc += double(x.data<float>()[(((n * C + ch) * in[0] + i0) * in[1] + i1) * in[2] + i2]) *
                           w.data<float>()[(((m * Cg + cc) * k[0] + a) * k[1] + e) * k[2] + f];
                  }
            y.push_back(static_cast<float>(acc));
          }
  return y;
}

TEST(OpsNnConv, MatchesNaiveLoopOverGeometries) {
  // Covers: 1-D/2-D/3-D, dense (GEMM with im2col), 1x1 pointwise (direct GEMM), grouped,
  // depthwise (direct loop) with multiplier, dilations, strides, asymmetric pads, and
  // sizes past the GEMM blocking (K > 256, M > 64, N > one 128-column tile).
  const std::vector<ConvCase> cases = {
      {{2, 3, 7, 9}, {4, 3, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {{1, 4, 10, 11}, {6, 2, 3, 2}, 2, {2, 1}, {1, 2}, {0, 2, 1, 0}},
      {{1, 6, 9, 9}, {12, 1, 3, 3}, 6, {2, 2}, {1, 1}, {1, 1, 1, 1}},
      {{2, 5, 8, 8}, {5, 1, 5, 5}, 5, {1, 1}, {2, 2}, {4, 4, 4, 4}},
      {{1, 40, 6, 5}, {70, 40, 1, 1}, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      {{1, 33, 20, 20}, {80, 33, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {{2, 3, 17}, {5, 3, 4}, 1, {3}, {2}, {2, 1}},
      {{1, 2, 5, 6, 4}, {3, 2, 2, 3, 2}, 1, {1, 2, 1}, {2, 1, 1}, {1, 0, 1, 0, 1, 1}},
      {{1, 1, 12, 12}, {4, 1, 3, 3}, 1, {2, 2}, {1, 1}, {1, 1, 1, 1}},
  };
  std::mt19937 rng(7);
  for (size_t i = 0; i < cases.size(); ++i) {
    const ConvCase& c = cases[i];
    Tensor x = random_tensor(c.x, rng), w = random_tensor(c.w, rng), b = random_tensor({c.w[0]}, rng);
    OneNode n("Conv", {"x", "w", "b"});
    n.i("group", c.group).ints("strides", c.strides).ints("dilations", c.dilations).ints("pads", c.pads);
    std::vector<int64_t> want_dims;
    std::vector<float> want = naive_conv(x, w, b, c, want_dims);
    for (int threads : {1, 2}) {
      ops::KernelContext ctx;
      ctx.threads = threads;
      std::vector<Tensor> outs(1);
      ops::find_op("", "Conv")->make_ref_kernel(*n.node)->run(std::vector<Tensor>{x, w, b}, outs, ctx);
      ASSERT_EQ(outs[0].dims(), want_dims) << "case " << i;
      nntest::expect_near_all(outs[0], want, 1e-4f);
    }
  }
}

TEST(OpsNnConv, HandDerivedSameLowerAndNoBias) {
  // x = 1..5 (1-D), w = [1, 10], stride 1, SAME_LOWER: total pad = k - 1 = 1, all of it
  // at the start, so y[i] = x[i-1] * 1 + x[i] * 10 with x[-1] = 0:
  // [10, 1+20, 2+30, 3+40, 4+50] = [10, 21, 32, 43, 54].
  OneNode n("Conv", {"x", "w"});
  n.s("auto_pad", "SAME_LOWER");
  auto y = n.run({nntest::f32({1, 1, 5}, {1, 2, 3, 4, 5}), nntest::f32({1, 1, 2}, {1, 10})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 1, 5}));
  nntest::expect_near_all(y[0], {10, 21, 32, 43, 54});
  // SAME_UPPER puts the pad at the end: y[i] = x[i] + 10 x[i+1] = [21, 32, 43, 54, 5].
  OneNode u("Conv", {"x", "w"});
  u.s("auto_pad", "SAME_UPPER");
  nntest::expect_near_all(u.run({nntest::f32({1, 1, 5}, {1, 2, 3, 4, 5}), nntest::f32({1, 1, 2}, {1, 10})})[0],
                          {21, 32, 43, 54, 5});
}

TEST(OpsNnConv, TransposeHandDerived) {
  // 1-D, x = [1, 2], w = [1, 1, 1], stride 2: output length (2-1)*2 + 3 = 5; x0 spreads
  // over 0..2 and x1 over 2..4, overlapping at 2: [1, 1, 1+2, 2, 2]. Bias 0.5 on top;
  // pads [1, 0] crop the first element.
  OneNode n("ConvTranspose", {"x", "w", "b"});
  n.ints("strides", {2});
  auto y = n.run({nntest::f32({1, 1, 2}, {1, 2}), nntest::f32({1, 1, 3}, {1, 1, 1}), nntest::f32({1}, {0.5f})});
  nntest::expect_near_all(y[0], {1.5f, 1.5f, 3.5f, 2.5f, 2.5f});
  OneNode p("ConvTranspose", {"x", "w"});
  p.ints("strides", {2}).ints("pads", {1, 0});
  nntest::expect_near_all(p.run({nntest::f32({1, 1, 2}, {1, 2}), nntest::f32({1, 1, 3}, {1, 1, 1})})[0], {1, 3, 2, 2});
}

TEST(OpsNnConv, TransposeGroupsAndOutputPadding) {
  // Two groups of one channel each, w = [[2], [3]] (kernel 1), stride 2, output_padding 1:
  // length (2-1)*2 + 1 + 1 = 4; channel 0 = 2*x0 at 0, 2*x1 at 2; channel 1 = 3*x.
  OneNode n("ConvTranspose", {"x", "w"});
  n.i("group", 2).ints("strides", {2}).ints("output_padding", {1});
  auto y = n.run({nntest::f32({1, 2, 2}, {1, 2, 3, 4}), nntest::f32({2, 1, 1}, {2, 3})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 2, 4}));
  nntest::expect_near_all(y[0], {2, 0, 4, 0, 9, 0, 12, 0});
}

TEST(OpsNnConv, ShapeRuleKeepsSymbolicBatchAndComputesSpatial) {
  OneNode n("Conv", {"x", "w"});
  n.ints("strides", {2, 2}).ints("pads", {1, 1, 1, 1});
  // 640 + 2 - 3 = 639, /2 = 319, + 1 = 320.
  auto out = n.infer({nntest::typed(nntest::shape({"N", "3", "640", "?"})), nntest::typed(nntest::shape({"16", "3", "3", "3"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[N,16,320,?]");
  // Unknown weight shape but kernel_shape given: spatial dims still computed.
  OneNode k("Conv", {"x", "w"});
  k.ints("kernel_shape", {3}).s("auto_pad", "VALID");
  out = k.infer({nntest::typed(nntest::shape({"B", "4", "10"})), nntest::typed(ir::Shape::unknown())});
  EXPECT_EQ(out[0].shape.to_string(), "[B,?,8]");
  // SAME: ceil(in / stride) even with the kernel unknown.
  OneNode s("Conv", {"x", "w"});
  s.s("auto_pad", "SAME_UPPER").ints("strides", {3});
  out = s.infer({nntest::typed(nntest::shape({"1", "4", "10"})), nntest::typed(ir::Shape::unknown())});
  EXPECT_EQ(out[0].shape.to_string(), "[1,?,4]");
  // ConvTranspose: (5-1)*2 + 3 = 11 with symbolic batch; W [C, M/group, k] with group 2 -> M = 6.
  OneNode t("ConvTranspose", {"x", "w"});
  t.ints("strides", {2}).i("group", 2);
  out = t.infer({nntest::typed(nntest::shape({"N", "4", "5"})), nntest::typed(nntest::shape({"4", "3", "3"}))});
  EXPECT_EQ(out[0].shape.to_string(), "[N,6,11]");
}

TEST(OpsNnConv, BadInputsNameTheProblem) {
  auto x = nntest::f32({1, 4, 5, 5}, std::vector<float>(100, 1));
  {
    OneNode n("Conv", {"x", "w"});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {2, 3, 3, 3})}); }, {"4 channels", "group 1"});
  }
  {
    OneNode n("Conv", {"x", "w"});
    n.i("group", 2);
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {3, 2, 3, 3})}); }, {"not divisible by group 2"});
  }
  {
    OneNode n("Conv", {"x", "w"});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {2, 4, 7, 7})}); }, {"smaller than the window extent 7"});
  }
  {
    OneNode n("Conv", {"x", "w"});
    n.s("auto_pad", "SAME");
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {2, 4, 3, 3})}); }, {"auto_pad", "SAME_UPPER"});
  }
  {
    OneNode n("Conv", {"x", "w", "b"});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {2, 4, 3, 3}), Tensor(DataType::Float32, {3})}); },
                         {"bias B has shape [3]", "expected [2]"});
  }
  {
    OneNode n("Conv", {"x", "w"});
    n.ints("strides", {1});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {2, 4, 3, 3})}); }, {"'strides' has 1 values, expected 2"});
  }
  {
    OneNode n("Conv", {"x", "w"});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float64, {2, 4, 3, 3})}); }, {"input #1 is float64"});
  }
  {
    OneNode n("ConvTranspose", {"x", "w"});
    nntest::expect_error([&] { n.run({x, Tensor(DataType::Float32, {3, 1, 3, 3})}); }, {"4 channels but weight W has 3"});
  }
}

}  // namespace
}  // namespace qtune
