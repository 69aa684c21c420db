// ONNX Gemm: Y = alpha * op(A) * op(B) + beta * C, op = optional transpose, C optional
// and unidirectionally broadcast to [M, N].
#include <cmath>

#include "ops/nn_conv.h"
#include "ops/nn_gemm.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

struct GemmDims {
  ir::Dim m, k_a, k_b, n;
};

GemmDims gemm_dims(const ir::Node& node, const ir::Shape& a, const ir::Shape& b) {
  for (const ir::Shape* s : {&a, &b})
    if (s->has_rank() && s->rank() != 2)
      fail(node, std::string(s == &a ? "A" : "B") + " has shape " + s->to_string() + ", expected a matrix (rank 2)");
  const bool ta = node.attr_int("transA", 0) != 0, tb = node.attr_int("transB", 0) != 0;
  GemmDims d;
  if (a.has_rank()) {
    d.m = (*a.dims)[ta ? 1 : 0];
    d.k_a = (*a.dims)[ta ? 0 : 1];
  }
  if (b.has_rank()) {
    d.k_b = (*b.dims)[tb ? 1 : 0];
    d.n = (*b.dims)[tb ? 0 : 1];
  }
  if (d.k_a.is_known() && d.k_b.is_known() && d.k_a.value != d.k_b.value)
    fail(node, "inner dimensions differ: A is " + a.to_string() + (ta ? " (transposed)" : "") + ", B is " +
                   b.to_string() + (tb ? " (transposed)" : ""));
  return d;
}

// C must broadcast to [M, N] without growing: each of its trailing dims is 1 or equal.
void check_c(const ir::Node& node, const ir::Shape& c, const GemmDims& d) {
  if (!c.has_rank()) return;
  if (c.rank() > 2) fail(node, "C has shape " + c.to_string() + ", expected rank <= 2");
  const ir::Dim* targets[2] = {&d.m, &d.n};
  for (int i = 0; i < c.rank(); ++i) {
    const ir::Dim& cd = (*c.dims)[static_cast<size_t>(i)];
    const ir::Dim& t = *targets[2 - c.rank() + i];
    if (cd.is_known() && t.is_known() && cd.value != 1 && cd.value != t.value)
      fail(node, "C has shape " + c.to_string() + ", which does not broadcast to [" + std::to_string(d.m.value) + "," +
                     std::to_string(d.n.value) + "]");
  }
}

}  // namespace

std::vector<TensorInfo> infer_gemm(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  expect_type(node, inputs, 0,
              {DataType::Float32, DataType::Float64, DataType::Int32, DataType::Int64, DataType::UInt32, DataType::UInt64});
  expect_type(node, inputs, 1, {inputs[0].dtype});
  GemmDims d = gemm_dims(node, inputs[0].shape, inputs[1].shape);
  if (is_present(inputs, 2)) {
    expect_type(node, inputs, 2, {inputs[0].dtype});
    check_c(node, inputs[2].shape, d);
  }
  return single_output(inputs[0].dtype, ir::Shape{std::vector<ir::Dim>{d.m, d.n}});
}

namespace {

class GemmKernel final : public Kernel {
 public:
  explicit GemmKernel(const ir::Node& node)
      : node_(node),
        alpha_(node.attr_float("alpha", 1.0f)),
        beta_(node.attr_float("beta", 1.0f)),
        trans_a_(node.attr_int("transA", 0) != 0),
        trans_b_(node.attr_int("transB", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const bool has_c = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(in[0]), TensorInfo::of(in[1])};
    if (has_c) infos.push_back(TensorInfo::of(in[2]));
    std::vector<int64_t> dims = infer_gemm(node_, infos)[0].shape.sizes();
    out[0] = ctx.allocate(0, in[0].dtype(), dims);
    dispatch_numeric(node_, in[0].dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t> || std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>)
        compute<T>(in[0], in[1], has_c ? &in[2] : nullptr, out[0], ctx.threads);
    });
  }

 private:
  template <class T>
  void compute(const Tensor& a, const Tensor& b, const Tensor* c, Tensor& y, int threads) const {
    const int64_t M = y.dim(0), N = y.dim(1), K = trans_a_ ? a.dim(0) : a.dim(1);
    T* py = y.data<T>();
    if (c) fill_with_c<T>(*c, M, N, py);
    MatrixView<T> va = matrix_view(a.data<T>(), a.dim(1), trans_a_);
    MatrixView<T> vb = matrix_view(b.data<T>(), b.dim(1), trans_b_);
    if constexpr (std::is_floating_point_v<T>) {
      gemm<T>(M, N, K, static_cast<T>(alpha_), va, vb, c ? static_cast<T>(beta_) : T(0), py, N, threads);
    } else {
      // Integer Gemm: alpha and beta must be whole numbers so the result stays exact.
      if (alpha_ != std::floor(alpha_) || beta_ != std::floor(beta_) || std::fabs(alpha_) > 1e15f || std::fabs(beta_) > 1e15f)
        fail(node_, "alpha and beta must be whole numbers for integer inputs, got " + std::to_string(alpha_) + " and " +
                        std::to_string(beta_));
      std::vector<T> product(static_cast<size_t>(M * N));
      matmul_integer<T>(M, N, K, va, vb, product.data(), N, threads);
      using U = std::make_unsigned_t<T>;
      const U alpha = static_cast<U>(static_cast<int64_t>(alpha_)), beta = static_cast<U>(static_cast<int64_t>(beta_));
      for (int64_t i = 0; i < M * N; ++i) {
        U v = static_cast<U>(alpha * static_cast<U>(product[static_cast<size_t>(i)]));
        if (c) v = static_cast<U>(v + static_cast<U>(beta * static_cast<U>(py[i])));
        py[i] = static_cast<T>(v);
      }
    }
  }

  // Y = C broadcast to [M, N] (C is [], [N], [1, N], [M, 1], [M, N], ...).
  template <class T>
  static void fill_with_c(const Tensor& c, int64_t M, int64_t N, T* y) {
    const T* pc = c.data<T>();
    const auto& d = c.dims();
    const int64_t cm = d.size() == 2 ? d[0] : 1, cn = d.empty() ? 1 : d.back();
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) y[i * N + j] = pc[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
  }

  const ir::Node& node_;
  float alpha_, beta_;
  bool trans_a_, trans_b_;
};

}  // namespace

std::unique_ptr<Kernel> make_gemm_kernel(const ir::Node& node) { return std::make_unique<GemmKernel>(node); }

const OpSpec& gemm_op() {
  static const OpSpec spec{"", "Gemm", infer_gemm, make_gemm_kernel};
  return spec;
}

}  // namespace qtune::ops
