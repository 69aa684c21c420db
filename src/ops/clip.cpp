// ONNX Clip: min(max(x, lo), hi). Before opset 11 the bounds are float attributes
// 'min'/'max'; from 11 they are optional scalar inputs of x's type, either of which may
// be omitted. NaN stays NaN; lo > hi yields hi everywhere (NumPy's clip does the same).
#include <limits>
#include <type_traits>

#include "ops/tensor_common.h"
#include "ops/type_dispatch.h"
#include "ops/half_float.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_clip(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 3);
  expect_type_in(node, inputs, 0, kNumericTypes);
  for (int i = 1; i < 3; ++i) {
    if (!is_present(inputs, i)) continue;
    const TensorInfo& bound = inputs[static_cast<size_t>(i)];
    const char* name = i == 1 ? "min" : "max";
    if (bound.dtype != DataType::Undefined && inputs[0].dtype != DataType::Undefined && bound.dtype != inputs[0].dtype)
      fail(node, std::string(name) + " is " + std::string(dtype_name(bound.dtype)) + ", expected the input's type " +
                     std::string(dtype_name(inputs[0].dtype)));
    if (bound.shape.is_fully_known() && shape_numel(bound.shape.sizes()) != 1)
      fail(node, std::string(name) + " must be a scalar, got shape " + bound.shape.to_string());
  }
  return single_output(inputs[0].dtype, inputs[0].shape);
}

class ClipKernel final : public Kernel {
 public:
  explicit ClipKernel(const ir::Node& node)
      : node_(node),
        has_attr_min_(node.has_attr("min")),
        has_attr_max_(node.has_attr("max")),
        attr_min_(node.attr_float("min", 0)),
        attr_max_(node.attr_float("max", 0)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (any_half_input(in)) return run_half_via_float(*this, in, out, ctx);
    const Tensor& x = in[0];
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      T lo = std::is_floating_point_v<T> ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
      T hi = std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
      bound_value<T>(in, 1, has_attr_min_, attr_min_, lo);
      bound_value<T>(in, 2, has_attr_max_, attr_max_, hi);
      const T* px = x.data<T>();
      T* po = out[0].data<T>();
      const int64_t n = x.numel();
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (n > 65536)
      for (int64_t i = 0; i < n; ++i) {
        const T v = px[i] < lo ? lo : px[i];
        po[i] = v > hi ? hi : v;
      }
    });
  }

 private:
  // The bound from input `index` when given, else from the pre-opset-11 attribute.
  template <class T>
  void bound_value(std::span<const Tensor> in, size_t index, bool has_attr, float attr_value, T& bound) const {
    const char* name = index == 1 ? "min" : "max";
    if (has_input(in, index)) {
      const Tensor& t = in[index];
      if (t.dtype() != in[0].dtype())
        fail(node_, std::string(name) + " is " + std::string(dtype_name(t.dtype())) + ", expected the input's type " +
                        std::string(dtype_name(in[0].dtype())));
      if (t.numel() != 1) fail(node_, std::string(name) + " must be a scalar, got " + t.describe());
      bound = t.data<T>()[0];
    } else if (has_attr) {
      bound = convert_number<T>(attr_value);
    }
  }

  const ir::Node& node_;
  bool has_attr_min_, has_attr_max_;
  float attr_min_, attr_max_;
};

std::unique_ptr<Kernel> make_clip_kernel(const ir::Node& node) { return std::make_unique<ClipKernel>(node); }

}  // namespace

const OpSpec& clip_op() {
  static const OpSpec spec{"", "Clip", infer_clip, make_clip_kernel};
  return spec;
}

}  // namespace qtune::ops
