// ONNX Equal: elementwise a == b with numpy broadcasting, bool output. Numeric types
// (NaN is unequal to everything), bool (opset 11) and string (opset 19) inputs.
#include <array>

#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct EqualFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};

constexpr std::array kEqualTypes = {DataType::Float16, DataType::Float32, DataType::Float64, DataType::BFloat16,
                                    DataType::Int8,    DataType::Int16,   DataType::Int32,   DataType::Int64,
                                    DataType::UInt8,   DataType::UInt16,  DataType::UInt32,  DataType::UInt64,
                                    DataType::Bool,    DataType::String};

std::vector<TensorInfo> infer_equal(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kEqualTypes);
}

// Numeric inputs go through BinaryKernel; bool and string need their own element loop.
class EqualKernel final : public Kernel {
 public:
  explicit EqualKernel(const ir::Node& node) : node_(node), numeric_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    if (a.dtype() != DataType::Bool && a.dtype() != DataType::String) return numeric_.run(in, out, ctx);
    if (a.dtype() != b.dtype())
      fail(node_, "inputs have different types " + std::string(dtype_name(a.dtype())) + " and " +
                      std::string(dtype_name(b.dtype())));
    std::vector<int64_t> dims_list[2] = {a.dims(), b.dims()};
    auto out_dims = broadcast_dims(node_, dims_list);
    auto plan = plan_broadcast(dims_list, out_dims);
    out[0] = ctx.allocate(0, DataType::Bool, out_dims);
    if (a.dtype() == DataType::Bool) {
      broadcast_binary(plan, a.data<bool>(), b.data<bool>(), out[0].data<bool>(), EqualFn{}, ctx.threads);
    } else {
      broadcast_binary(plan, a.string_data().data(), b.string_data().data(), out[0].data<bool>(),
                       [](const std::string& x, const std::string& y) { return x == y; }, ctx.threads);
    }
  }

 private:
  const ir::Node& node_;
  BinaryKernel<EqualFn, TypeFamily::Numeric, true> numeric_;
};

std::unique_ptr<Kernel> make_equal_kernel(const ir::Node& node) { return std::make_unique<EqualKernel>(node); }

}  // namespace

const OpSpec& equal_op() {
  static const OpSpec spec{"", "Equal", infer_equal, make_equal_kernel};
  return spec;
}

}  // namespace qtune::ops
