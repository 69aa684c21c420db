// ONNX Mod: elementwise remainder with numpy broadcasting. fmod = 0 (integers only): the
// result takes the divisor's sign, like Python's %; fmod = 1: it takes the dividend's
// sign, like C's fmod. ONNX leaves x mod 0 undefined; qtune returns 0 for integers (NumPy
// does too) and NaN for floats, and INT_MIN mod -1 is 0 instead of a trap.
#include <cmath>
#include <limits>
#include <type_traits>

#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

template <class T>
T int_remainder(T a, T b, bool sign_of_divisor) {
  if (b == T(0)) return T(0);
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return T(0);  // also avoids INT_MIN % -1
    T r = static_cast<T>(a % b);
    if (sign_of_divisor && r != T(0) && ((r < T(0)) != (b < T(0)))) r = static_cast<T>(r + b);
    return r;
  } else {
    return static_cast<T>(a % b);
  }
}

bool fmod_of(const ir::Node& node) {
  int64_t v = node.attr_int("fmod", 0);
  if (v != 0 && v != 1) fail(node, "attribute 'fmod' is " + std::to_string(v) + ", expected 0 or 1");
  return v == 1;
}

std::vector<TensorInfo> infer_mod(const ir::Node& node, std::span<const TensorInfo> inputs) {
  bool c_style = fmod_of(node);
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 0, kNumericTypes);
  DataType t = inputs[0].dtype;
  bool is_float = t == DataType::Float32 || t == DataType::Float64 || is_half_type(t);
  if (is_float && !c_style) fail(node, "floating-point inputs require attribute fmod=1");
  return infer_binary(node, inputs);
}

class ModKernel final : public Kernel {
 public:
  explicit ModKernel(const ir::Node& node) : node_(node), c_style_(fmod_of(node)) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    if (a.dtype() != b.dtype())
      fail(node_, "inputs have different types " + std::string(dtype_name(a.dtype())) + " and " +
                      std::string(dtype_name(b.dtype())));
    if (is_half_type(a.dtype())) return run_half_via_float(*this, in, out, ctx);  // fmod is exact in float32
    std::vector<int64_t> dims_list[2] = {a.dims(), b.dims()};
    auto out_dims = broadcast_dims(node_, dims_list);
    auto plan = plan_broadcast(dims_list, out_dims);
    out[0] = ctx.allocate(0, a.dtype(), out_dims);
    const bool python_sign = !c_style_;
    dispatch_numeric(node_, a.dtype(), [&]<class T>() {
      if constexpr (std::is_floating_point_v<T>) {
        if (python_sign) fail(node_, "floating-point inputs require attribute fmod=1");
        broadcast_binary(plan, a.data<T>(), b.data<T>(), out[0].data<T>(), [](T x, T y) { return std::fmod(x, y); },
                         ctx.threads);
      } else {
        broadcast_binary(plan, a.data<T>(), b.data<T>(), out[0].data<T>(),
                         [python_sign](T x, T y) { return int_remainder(x, y, python_sign); }, ctx.threads);
      }
    });
  }

 private:
  const ir::Node& node_;
  bool c_style_;
};

std::unique_ptr<Kernel> make_mod_kernel(const ir::Node& node) { return std::make_unique<ModKernel>(node); }

}  // namespace

const OpSpec& mod_op() {
  static const OpSpec spec{"", "Mod", infer_mod, make_mod_kernel};
  return spec;
}

}  // namespace qtune::ops
