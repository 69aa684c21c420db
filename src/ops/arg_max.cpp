// ONNX ArgMax: int64 index of the largest element along `axis` (keepdims, ties go to the
// first index, or the last with select_last_index=1; a NaN counts as the largest).
#include <cmath>

#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_arg_max(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_type(node, inputs, 0, {});
  const ir::Shape& x = inputs[0].shape;
  if (!x.has_rank()) return single_output(DataType::Int64, ir::Shape::unknown());
  if (x.rank() == 0) fail(node, "input is a scalar, expected rank >= 1");
  const int axis = normalize_axis(node, node.attr_int("axis", 0), x.rank());
  ir::Shape out = x;
  if (node.attr_int("keepdims", 1) != 0) (*out.dims)[static_cast<size_t>(axis)] = ir::Dim::known(1);
  else out.dims->erase(out.dims->begin() + axis);
  return single_output(DataType::Int64, out);
}

template <class T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

class ArgMaxKernel final : public Kernel {
 public:
  explicit ArgMaxKernel(const ir::Node& node) : node_(node), last_(node.attr_int("select_last_index", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    out[0] = ctx.allocate(0, DataType::Int64, infer_arg_max(node_, infos)[0].shape.sizes());
    const int axis = normalize_axis(node_, node_.attr_int("axis", 0), x.rank());
    const int64_t n = x.dim(axis);
    const auto tail = std::span<const int64_t>(x.dims()).subspan(static_cast<size_t>(axis) + 1);
    const int64_t inner = shape_numel(tail), outer = shape_numel(std::span<const int64_t>(x.dims()).first(static_cast<size_t>(axis)));
    if (n == 0 && out[0].numel() > 0) fail(node_, "axis " + std::to_string(axis) + " of " + x.describe() + " is empty");
    int64_t* py = out[0].data<int64_t>();
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (x.numel() > 65536)
      for (int64_t oi = 0; oi < outer * inner; ++oi) {
        const T* s = px + oi / inner * n * inner + oi % inner;
        int64_t best = 0;
        for (int64_t i = 1; i < n; ++i) {
          const T v = s[i * inner], b = s[best * inner];
          if (is_nan(b) && !last_) break;  // the first NaN wins
          if (is_nan(v) || v > b || (last_ && v == b)) best = i;
        }
        py[oi] = best;
      }
    });
  }

 private:
  const ir::Node& node_;
  bool last_;
};

std::unique_ptr<Kernel> make_arg_max_kernel(const ir::Node& node) { return std::make_unique<ArgMaxKernel>(node); }

}  // namespace

const OpSpec& arg_max_op() {
  static const OpSpec spec{"", "ArgMax", infer_arg_max, make_arg_max_kernel};
  return spec;
}

}  // namespace qtune::ops
