// ONNX Range: [start, start + delta, ...] up to (not including) limit; three scalars of
// one type (float, double, int16, int32, int64). Element count: max(ceil((limit - start)
// / delta), 0), computed exactly for integers; delta 0 is an error.
#include <array>
#include <cmath>
#include <type_traits>

#include "ops/tensor_common.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

constexpr std::array kRangeTypes = {DataType::Float32, DataType::Float64, DataType::Int16, DataType::Int32, DataType::Int64};
constexpr int64_t kMaxElements = int64_t{1} << 40;  // a guard against absurd lengths

template <class T>
int64_t element_count(const ir::Node& node, T start, T limit, T delta) {
  if (delta == T(0)) fail(node, "delta is 0");
  if constexpr (std::is_floating_point_v<T>) {
    const T steps = std::ceil((limit - start) / delta);
    if (std::isnan(steps)) fail(node, "start, limit and delta must be finite");
    if (steps <= T(0)) return 0;
    if (steps > static_cast<T>(kMaxElements)) fail(node, "the range has too many elements");
    return static_cast<int64_t>(steps);
  } else {
    const auto span = static_cast<__int128>(limit) - start;
    if (span == 0 || ((span > 0) != (delta > 0))) return 0;
    const __int128 step = delta > 0 ? delta : -static_cast<__int128>(delta);
    const __int128 count = ((span > 0 ? span : -span) + step - 1) / step;
    if (count > kMaxElements) fail(node, "the range has too many elements");
    return static_cast<int64_t>(count);
  }
}

template <class T>
T scalar_of(const ir::Node& node, const Tensor& t, const char* what) {
  if (t.numel() != 1) fail(node, std::string(what) + " must be a scalar, got " + t.describe());
  return t.data<T>()[0];
}

std::vector<TensorInfo> infer_range(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 3);
  for (int i = 0; i < 3; ++i) {
    expect_type_in(node, inputs, i, kRangeTypes);
    const DataType t = inputs[static_cast<size_t>(i)].dtype;
    if (t != DataType::Undefined && inputs[0].dtype != DataType::Undefined && t != inputs[0].dtype)
      fail(node, "start, limit and delta must have one type, got " + std::string(dtype_name(inputs[0].dtype)) + " and " +
                     std::string(dtype_name(t)));
  }
  const DataType type = inputs[0].dtype;
  if (!all_values_known(inputs)) return single_output(type, unknown_shape(1));
  int64_t n = 0;
  dispatch_numeric(node, type, [&]<class T>() {
    n = element_count<T>(node, scalar_of<T>(node, *inputs[0].value, "start"), scalar_of<T>(node, *inputs[1].value, "limit"),
                         scalar_of<T>(node, *inputs[2].value, "delta"));
  });
  return single_output(type, ir::Shape::of({n}));
}

class RangeKernel final : public Kernel {
 public:
  explicit RangeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const DataType type = in[0].dtype();
    if (in[1].dtype() != type || in[2].dtype() != type)
      fail(node_, "start, limit and delta must have one type, got " + std::string(dtype_name(type)) + ", " +
                      std::string(dtype_name(in[1].dtype())) + " and " + std::string(dtype_name(in[2].dtype())));
    auto body = [&]<class T>() {
      const T start = scalar_of<T>(node_, in[0], "start"), delta = scalar_of<T>(node_, in[2], "delta");
      const int64_t n = element_count<T>(node_, start, scalar_of<T>(node_, in[1], "limit"), delta);
      out[0] = ctx.allocate(0, type, {n});
      T* o = out[0].data<T>();
      // Every element lies between start and limit, so for integers the wrapping
      // arithmetic lands on the exact value even where i * delta alone would overflow.
      for (int64_t i = 0; i < n; ++i) o[i] = wrapping_add(start, wrapping_mul(static_cast<T>(i), delta));
    };
    switch (type) {
      case DataType::Float32: body.template operator()<float>(); break;
      case DataType::Float64: body.template operator()<double>(); break;
      case DataType::Int16: body.template operator()<int16_t>(); break;
      case DataType::Int32: body.template operator()<int32_t>(); break;
      case DataType::Int64: body.template operator()<int64_t>(); break;
      default: fail(node_, "unsupported type " + std::string(dtype_name(type)) + " (expected float, double, int16, int32 or int64)");
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_range_kernel(const ir::Node& node) { return std::make_unique<RangeKernel>(node); }

}  // namespace

const OpSpec& range_op() {
  static const OpSpec spec{"", "Range", infer_range, make_range_kernel};
  return spec;
}

}  // namespace qtune::ops
