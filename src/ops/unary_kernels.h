// Unary elementwise kernels beyond float math: ops that ONNX also defines on integers
// (Relu, Neg, Abs, Sign) and on bool (Not). Fn has a templated operator()(T) and is built
// from the node, like UnaryFloatKernel's functors.
#pragma once

#include "ops/elementwise.h"
#include "ops/tensor_common.h"
#include "util/parallel_for.h"

namespace qtune::ops {

enum class UnaryTypes { Signed, Numeric, Bool };

// Floats and signed integers (ops like Neg that have no unsigned form).
template <class Fn>
void dispatch_signed(const ir::Node& node, DataType type, Fn&& fn) {
  switch (type) {
    case DataType::Float32: fn.template operator()<float>(); return;
    case DataType::Float64: fn.template operator()<double>(); return;
    case DataType::Int64: fn.template operator()<int64_t>(); return;
    case DataType::Int32: fn.template operator()<int32_t>(); return;
    case DataType::Int16: fn.template operator()<int16_t>(); return;
    case DataType::Int8: fn.template operator()<int8_t>(); return;
    default:
      fail(node, "unsupported element type " + std::string(dtype_name(type)) + " (expected a float or signed integer type)");
  }
}

template <class Fn, UnaryTypes Types>
class UnaryKernel final : public Kernel {
 public:
  explicit UnaryKernel(const ir::Node& node) : node_(node), fn_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    if (Types != UnaryTypes::Bool && is_half_type(x.dtype())) return run_half_via_float(*this, in, out, ctx);
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    const int64_t n = x.numel();
    auto body = [&]<class T>() {
      const T* px = x.data<T>();
      T* po = out[0].data<T>();
      util::parallel_for(n, ctx.threads, n > 65536, [&](int64_t i) { po[i] = fn_(px[i]); });
    };
    if constexpr (Types == UnaryTypes::Bool) {
      if (x.dtype() != DataType::Bool) fail(node_, "expects a bool input, got " + std::string(dtype_name(x.dtype())));
      body.template operator()<bool>();
    } else if constexpr (Types == UnaryTypes::Signed) {
      dispatch_signed(node_, x.dtype(), body);
    } else {
      dispatch_numeric(node_, x.dtype(), body);
    }
  }

 private:
  const ir::Node& node_;
  Fn fn_;
};

template <class Fn, UnaryTypes Types>
std::unique_ptr<Kernel> make_unary_kernel(const ir::Node& node) {
  return std::make_unique<UnaryKernel<Fn, Types>>(node);
}

// Shape rules of unary ops by accepted type family (ONNX's type constraints).
inline std::vector<TensorInfo> infer_unary_float(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_unary(node, inputs, kFloatTypes);
}
inline std::vector<TensorInfo> infer_unary_signed(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_unary(node, inputs, kSignedTypes);
}
inline std::vector<TensorInfo> infer_unary_numeric(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_unary(node, inputs, kNumericTypes);
}
inline std::vector<TensorInfo> infer_unary_bool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_unary(node, inputs, kBoolType);
}

}  // namespace qtune::ops
