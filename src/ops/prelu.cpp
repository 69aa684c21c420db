// ONNX PRelu: x for x >= 0, slope * x below; slope broadcasts to x's shape in one direction
// (opset 7+: numpy rules, the output has x's shape). Opset 6 and older instead applied a
// 1-D slope of size C per channel (axis 1); a 1-D slope that numpy rules cannot broadcast
// but that matches axis 1 is read that way, which keeps those models working and is
// unambiguous (under numpy rules the model would be invalid).
#include <array>

#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr std::array kPreluTypes = {DataType::Float16, DataType::Float32, DataType::Float64, DataType::BFloat16,
                                    DataType::Int32,   DataType::Int64,   DataType::UInt32,  DataType::UInt64};

bool numpy_broadcastable_to(std::span<const int64_t> from, std::span<const int64_t> to) {
  if (from.size() > to.size()) return false;
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[offset + i]) return false;
  return true;
}

// The slope's dims as they broadcast against x (see the header comment for the legacy form).
std::vector<int64_t> effective_slope_dims(const ir::Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& slope) {
  if (numpy_broadcastable_to(slope, x)) return slope;
  if (slope.size() == 1 && x.size() >= 2 && slope[0] == x[1]) {
    std::vector<int64_t> per_channel(x.size() - 1, 1);
    per_channel[0] = slope[0];
    return per_channel;
  }
  fail(node, "slope of shape [" + format_dims(slope) + "] does not broadcast to the input's shape [" + format_dims(x) + "]");
}

std::vector<TensorInfo> infer_prelu(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 0, kPreluTypes);
  if (inputs[1].dtype != DataType::Undefined && inputs[0].dtype != DataType::Undefined && inputs[1].dtype != inputs[0].dtype)
    fail(node, "slope is " + std::string(dtype_name(inputs[1].dtype)) + ", expected the input's type " +
                   std::string(dtype_name(inputs[0].dtype)));
  if (inputs[0].shape.is_fully_known() && inputs[1].shape.is_fully_known())
    effective_slope_dims(node, inputs[0].shape.sizes(), inputs[1].shape.sizes());
  return single_output(inputs[0].dtype, inputs[0].shape);
}

class PreluKernel final : public Kernel {
 public:
  explicit PreluKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (any_half_input(in)) return run_half_via_float(*this, in, out, ctx);
    const Tensor& x = in[0];
    const Tensor& slope = in[1];
    if (slope.dtype() != x.dtype())
      fail(node_, "slope is " + std::string(dtype_name(slope.dtype())) + ", expected the input's type " +
                      std::string(dtype_name(x.dtype())));
    std::vector<int64_t> dims_list[2] = {x.dims(), effective_slope_dims(node_, x.dims(), slope.dims())};
    auto plan = plan_broadcast(dims_list, x.dims());
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      broadcast_binary(plan, x.data<T>(), slope.data<T>(), out[0].data<T>(),
                       [](T v, T s) { return v < T(0) ? wrapping_mul(v, s) : v; }, ctx.threads);
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_prelu_kernel(const ir::Node& node) { return std::make_unique<PreluKernel>(node); }

}  // namespace

const OpSpec& prelu_op() {
  static const OpSpec spec{"", "PRelu", infer_prelu, make_prelu_kernel};
  return spec;
}

}  // namespace qtune::ops
