// ONNX Pow: base ^ exponent elementwise with numpy broadcasting. The exponent may have a
// different numeric type than the base (opset 12+); the output has the base's type.
// Integer ^ non-negative integer is exact (wrapping on overflow like NumPy); a negative
// integer exponent gives 1/base^n truncated toward zero. Integer ^ float is computed in
// double and truncated toward zero, saturating out-of-range results.
#include <array>
#include <cmath>
#include <type_traits>

#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr std::array kBaseTypes = {DataType::Float16, DataType::Float32, DataType::Float64,
                                   DataType::BFloat16, DataType::Int32, DataType::Int64};

template <class T, class E>
T int_power(T base, E exponent) {
  if constexpr (std::is_signed_v<E>) {
    if (exponent < E(0)) {
      if (base == T(1)) return T(1);
      if (base == T(-1)) return (exponent % 2 == 0) ? T(1) : T(-1);
      return T(0);  // |1 / base^n| < 1 truncates to 0 (base 0: ONNX leaves it undefined)
    }
  }
  T result = T(1);
  auto n = static_cast<uint64_t>(exponent);
  while (n) {
    if (n & 1u) result = wrapping_mul(result, base);
    base = wrapping_mul(base, base);
    n >>= 1;
  }
  return result;
}

template <class T, class E>
T power(T base, E exponent) {
  if constexpr (std::is_same_v<T, E> && std::is_floating_point_v<T>) return std::pow(base, exponent);
  else if constexpr (std::is_floating_point_v<T>) return static_cast<T>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
  else if constexpr (std::is_integral_v<E>) return int_power(base, exponent);
  else return convert_number<T>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
}

std::vector<TensorInfo> infer_pow(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 0, kBaseTypes);
  expect_type_in(node, inputs, 1, kNumericTypes);
  ir::Shape shapes[2] = {inputs[0].shape, inputs[1].shape};
  return single_output(inputs[0].dtype, broadcast_shapes(node, shapes));
}

class PowKernel final : public Kernel {
 public:
  explicit PowKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (any_half_input(in)) return run_half_via_float(*this, in, out, ctx);
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    std::vector<int64_t> dims_list[2] = {a.dims(), b.dims()};
    auto out_dims = broadcast_dims(node_, dims_list);
    auto plan = plan_broadcast(dims_list, out_dims);
    out[0] = ctx.allocate(0, a.dtype(), out_dims);
    auto with_base = [&]<class T>() {
      dispatch_numeric(node_, b.dtype(), [&]<class E>() {
        broadcast_binary(plan, a.data<T>(), b.data<E>(), out[0].data<T>(), [](T x, E y) { return power(x, y); },
                         ctx.threads);
      });
    };
    switch (a.dtype()) {
      case DataType::Float32: with_base.template operator()<float>(); break;
      case DataType::Float64: with_base.template operator()<double>(); break;
      case DataType::Int32: with_base.template operator()<int32_t>(); break;
      case DataType::Int64: with_base.template operator()<int64_t>(); break;
      default: fail(node_, "base type " + std::string(dtype_name(a.dtype())) + " is not supported (expected float or int32/int64)");
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_pow_kernel(const ir::Node& node) { return std::make_unique<PowKernel>(node); }

}  // namespace

const OpSpec& pow_op() {
  static const OpSpec spec{"", "Pow", infer_pow, make_pow_kernel};
  return spec;
}

}  // namespace qtune::ops
