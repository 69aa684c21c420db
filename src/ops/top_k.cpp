// ONNX TopK: the k largest (or smallest) elements along `axis` and their int64 indices.
// k is input #1 (opset 10+) or the `k` attribute (opset 1). Equal values keep the
// lower index first; NaN ranks above every number. Results are always sorted, which
// also satisfies sorted=0 (whose order ONNX leaves unspecified).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

// k from input #1 when present, else from the attribute; -1 when not known yet.
int64_t top_k_count(const ir::Node& node, std::span<const TensorInfo> inputs) {
  if (is_present(inputs, 1)) {
    const TensorInfo& k = inputs[1];
    if (k.shape.has_rank() && k.shape.is_fully_known() && shape_numel(k.shape.sizes()) != 1)
      fail(node, "input K has shape " + k.shape.to_string() + ", expected a single value [1]");
    if (!k.value) return -1;
    const int64_t v = to_int64s(node, *k.value, "K")[0];
    if (v < 0) fail(node, "K is " + std::to_string(v) + ", expected >= 0");
    return v;
  }
  if (!node.has_attr("k")) fail(node, "needs input K (opset 10+) or attribute 'k' (opset 1)");
  const int64_t v = node.attr_int("k", 0);
  if (v < 0) fail(node, "attribute 'k' is " + std::to_string(v) + ", expected >= 0");
  return v;
}

std::vector<TensorInfo> infer_top_k(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  expect_type(node, inputs, 0, {});
  if (is_present(inputs, 1)) expect_type(node, inputs, 1, {DataType::Int64});
  const int64_t k = top_k_count(node, inputs);
  const ir::Shape& x = inputs[0].shape;
  ir::Shape out = x;
  if (x.has_rank()) {
    if (x.rank() == 0) fail(node, "input is a scalar, expected rank >= 1");
    const size_t axis = static_cast<size_t>(normalize_axis(node, node.attr_int("axis", -1), x.rank()));
    const ir::Dim& n = (*x.dims)[axis];
    if (k >= 0 && n.is_known() && k > n.value)
      fail(node, "K is " + std::to_string(k) + " but axis " + std::to_string(axis) + " has only " +
                     std::to_string(n.value) + " elements");
    (*out.dims)[axis] = k >= 0 ? ir::Dim::known(k) : ir::Dim{};
  }
  return {TensorInfo::typed(inputs[0].dtype, out), TensorInfo::typed(DataType::Int64, out)};
}

// a ranks strictly above b (NaN above all numbers).
template <class T>
bool ranks_above(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return !std::isnan(b);
    if (std::isnan(b)) return false;
  }
  return a > b;
}

class TopKKernel final : public Kernel {
 public:
  explicit TopKKernel(const ir::Node& node) : node_(node), largest_(node.attr_int("largest", 1) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    if (in.size() > 1 && in[1].defined()) infos.push_back(TensorInfo::of(in[1]));
    std::vector<TensorInfo> shapes = infer_top_k(node_, infos);
    const std::vector<int64_t> dims = shapes[0].shape.sizes();
    const int axis = normalize_axis(node_, node_.attr_int("axis", -1), x.rank());
    const int64_t n = x.dim(axis), k = dims[static_cast<size_t>(axis)];
    const int64_t inner = shape_numel(std::span<const int64_t>(x.dims()).subspan(static_cast<size_t>(axis) + 1));
    const int64_t outer = shape_numel(std::span<const int64_t>(x.dims()).first(static_cast<size_t>(axis)));
    out[0] = ctx.allocate(0, x.dtype(), dims);
    Tensor indices = ctx.allocate(1, DataType::Int64, dims);
    int64_t* pi = indices.data<int64_t>();
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* pv = out[0].data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (outer * inner > 64 && x.numel() > 65536)
      for (int64_t oi = 0; oi < outer * inner; ++oi) {
        const int64_t o = oi / inner, i = oi % inner;
        const T* s = px + o * n * inner + i;
        std::vector<int64_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), int64_t{0});
        auto before = [&](int64_t a, int64_t b) {
          const T va = s[a * inner], vb = s[b * inner];
          if (largest_ ? ranks_above(va, vb) : ranks_above(vb, va)) return true;
          if (largest_ ? ranks_above(vb, va) : ranks_above(va, vb)) return false;
          return a < b;
        };
        std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        for (int64_t j = 0; j < k; ++j) {
          const int64_t dst = (o * k + j) * inner + i;
          pv[dst] = s[order[static_cast<size_t>(j)] * inner];
          pi[dst] = order[static_cast<size_t>(j)];
        }
      }
    });
    if (out.size() > 1) out[1] = indices;
  }

 private:
  const ir::Node& node_;
  bool largest_;
};

std::unique_ptr<Kernel> make_top_k_kernel(const ir::Node& node) { return std::make_unique<TopKKernel>(node); }

}  // namespace

const OpSpec& top_k_op() {
  static const OpSpec spec{"", "TopK", infer_top_k, make_top_k_kernel};
  return spec;
}

}  // namespace qtune::ops
