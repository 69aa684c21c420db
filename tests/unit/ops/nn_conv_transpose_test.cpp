// ConvTranspose against a naive scatter loop (groups, strides, dilations, pads,
// output_padding, 1-D/2-D/3-D), plus output_shape/auto_pad padding rules by hand.
#include <random>

#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

struct TransposeCase {
  std::vector<int64_t> x, w;  // [N, C, spatial...], [C, M/group, kernel...]
  int64_t group;
  std::vector<int64_t> strides, dilations, pads, output_padding;
};

// Every input element scatters x * w[c, m, tap] to position i * stride - pad + tap * dilation.
std::vector<float> naive_transpose(const Tensor& x, const Tensor& w, const TransposeCase& c, std::vector<int64_t>& dims) {
  const size_t sp = x.dims().size() - 2, off = 3 - sp;
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, p[3] = {0, 0, 0}, o[3] = {1, 1, 1};
  const int64_t N = x.dim(0), C = x.dim(1), Mg = w.dim(1), M = Mg * c.group, Cg = C / c.group;
  dims = {N, M};
  for (size_t i = 0; i < sp; ++i) {
    in[off + i] = x.dims()[2 + i];
    k[off + i] = w.dims()[2 + i];
    s[off + i] = c.strides[i];
    d[off + i] = c.dilations[i];
    p[off + i] = c.pads[i];
    o[off + i] = s[off + i] * (in[off + i] - 1) + c.output_padding[i] + (k[off + i] - 1) * d[off + i] + 1 - c.pads[i] -
                 c.pads[i + sp];
    dims.push_back(o[off + i]);
  }
  std::vector<double> y(static_cast<size_t>(N * M * o[0] * o[1] * o[2]), 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t m = 0; m < Mg; ++m)
        for (int64_t i0 = 0; i0 < in[0]; ++i0)
          for (int64_t i1 = 0; i1 < in[1]; ++i1)
            for (int64_t i2 = 0; i2 < in[2]; ++i2)
              for (int64_t a = 0; a < k[0]; ++a)
                for (int64_t b = 0; b < k[1]; ++b)
                  for (int64_t e = 0; e < k[2]; ++e) {
                    const int64_t z0 = i0 * s[0] - p[0] + a * d[0], z1 = i1 * s[1] - p[1] + b * d[1],
                                  z2 = i2 * s[2] - p[2] + e * d[2];
                    if (z0 < 0 || z0 >= o[0] || z1 < 0 || z1 >= o[1] || z2 < 0 || z2 >= o[2]) continue;
                    const int64_t out_ch = ch / Cg * Mg + m;
                    y[static_cast<size_t>((((n * M + out_ch) * o[0] + z0) * o[1] + z1) * o[2] + z2)] +=
                        double(x.data<float>()[(((n * C + ch) * in[0] + i0) * in[1] + i1) * in[2] + i2]) *
                        w.data<float>()[(((ch * Mg + m) * k[0] + a) * k[1] + b) * k[2] + e];
                  }
  return std::vector<float>(y.begin(), y.end());
}

TEST(OpsNnConvTranspose, MatchesNaiveScatterOverGeometries) {
  const std::vector<TransposeCase> cases = {
      {{1, 3, 4, 5}, {3, 2, 3, 3}, 1, {2, 2}, {1, 1}, {1, 0, 1, 1}, {1, 0}},
      {{2, 4, 5, 3}, {4, 3, 2, 3}, 2, {1, 3}, {2, 1}, {0, 0, 0, 0}, {0, 2}},
      {{1, 6, 7}, {6, 1, 4}, 6, {3}, {2}, {2, 1}, {1}},
      {{1, 2, 3, 3, 2}, {2, 2, 2, 2, 3}, 1, {2, 1, 2}, {1, 2, 1}, {0, 1, 0, 1, 0, 1}, {1, 0, 0}},
      {{1, 70, 6, 6}, {70, 9, 3, 3}, 1, {2, 2}, {1, 1}, {1, 1, 1, 1}, {1, 1}},
  };
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1);
  for (size_t i = 0; i < cases.size(); ++i) {
    const TransposeCase& c = cases[i];
    Tensor x(DataType::Float32, c.x), w(DataType::Float32, c.w);
    for (Tensor* t : {&x, &w})
      for (int64_t j = 0; j < t->numel(); ++j) t->data<float>()[j] = u(rng);
    OneNode n("ConvTranspose", {"x", "w"});
    n.i("group", c.group).ints("strides", c.strides).ints("dilations", c.dilations).ints("pads", c.pads);
    n.ints("output_padding", c.output_padding);
    std::vector<int64_t> dims;
    std::vector<float> want = naive_transpose(x, w, c, dims);
    auto y = n.run({x, w});
    ASSERT_EQ(y[0].dims(), dims) << "case " << i;
    nntest::expect_near_all(y[0], want, 1e-4f);
  }
}

TEST(OpsNnConvTranspose, OutputShapeAndSamePadding) {
  // x = [1, 2, 3] (1-D), w = [1, 1], stride 2: the full result has length 2*2 + 2 = 6:
  // [1, 1, 2, 2, 3, 3]. output_shape 5 -> total padding 1, NOTSET puts the larger half
  // first: pads (1, 0) -> [1, 2, 2, 3, 3]. SAME_UPPER (output = in*stride = 6) pads 0.
  OneNode n("ConvTranspose", {"x", "w"});
  n.ints("strides", {2}).ints("output_shape", {5});
  auto x = nntest::f32({1, 1, 3}, {1, 2, 3});
  auto w = nntest::f32({1, 1, 2}, {1, 1});
  nntest::expect_near_all(n.run({x, w})[0], {1, 2, 2, 3, 3});
  // SAME_UPPER with kernel 3: full length 2*2 + 3 = 7, output 6, total 1 -> pads (0, 1):
  // full = [1, 1, 1+2, 2, 2+3, 3, 3] -> [1, 1, 3, 2, 5, 3].
  OneNode s("ConvTranspose", {"x", "w"});
  s.ints("strides", {2}).s("auto_pad", "SAME_UPPER");
  nntest::expect_near_all(s.run({x, nntest::f32({1, 1, 3}, {1, 1, 1})})[0], {1, 1, 3, 2, 5, 3});
  // SAME_LOWER: pads (1, 0) -> [1, 3, 2, 5, 3, 3].
  OneNode l("ConvTranspose", {"x", "w"});
  l.ints("strides", {2}).s("auto_pad", "SAME_LOWER");
  nntest::expect_near_all(l.run({x, nntest::f32({1, 1, 3}, {1, 1, 1})})[0], {1, 3, 2, 5, 3, 3});
}

TEST(OpsNnConvTranspose, BadAttributesNameTheProblem) {
  auto x = nntest::f32({1, 1, 3}, {1, 2, 3});
  auto w = nntest::f32({1, 1, 2}, {1, 1});
  OneNode n("ConvTranspose", {"x", "w"});
  n.ints("output_padding", {1, 1});
  nntest::expect_error([&] { n.run({x, w}); }, {"'output_padding' has 2 values, expected 1"});
  OneNode p("ConvTranspose", {"x", "w"});
  p.ints("pads", {4, 4});  // full length (3-1)*1 + 2 = 4, minus pads 8 = -4
  nntest::expect_error([&] { p.run({x, w}); }, {"output size -4"});
}

}  // namespace
}  // namespace qtune
