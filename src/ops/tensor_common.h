// Shared pieces of the tensor/elementwise op files: ONNX type lists, unary shape rules,
// reading integer inputs (axes, repeats, pads), axis-list normalization, and the
// float -> integer conversion that never has undefined behaviour.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>

#include "ops/op_helpers.h"

namespace qtune::ops {

inline constexpr std::array kFloatTypes = {DataType::Float16, DataType::Float32, DataType::Float64, DataType::BFloat16};
inline constexpr std::array kSignedTypes = {DataType::Float16, DataType::Float32, DataType::Float64, DataType::BFloat16,
                                            DataType::Int8,    DataType::Int16,   DataType::Int32,   DataType::Int64};
inline constexpr std::array kNumericTypes = {DataType::Float16, DataType::Float32, DataType::Float64, DataType::BFloat16,
                                             DataType::Int8,    DataType::Int16,   DataType::Int32,   DataType::Int64,
                                             DataType::UInt8,   DataType::UInt16,  DataType::UInt32,  DataType::UInt64};
inline constexpr std::array kIndexTypes = {DataType::Int32, DataType::Int64};
inline constexpr std::array kBoolType = {DataType::Bool};

// Like expect_type, for a type list held in an array. Undefined (unknown) types pass.
void expect_type_in(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                    std::span<const DataType> allowed);

// One input of an allowed type; the output has its type and shape.
std::vector<TensorInfo> infer_unary(const ir::Node& node, std::span<const TensorInfo> inputs,
                                    std::span<const DataType> allowed);

// Binary elementwise rules with a bool output: comparisons take two same-typed numeric
// inputs (`allowed`), logic ops (And/Or/Xor) two bools. Shapes broadcast.
std::vector<TensorInfo> infer_compare(const ir::Node& node, std::span<const TensorInfo> inputs,
                                      std::span<const DataType> allowed);
std::vector<TensorInfo> infer_logic(const ir::Node& node, std::span<const TensorInfo> inputs);

// The known contents of integer input `index` (int32/int64), or nullopt when absent or
// not known before run time.
std::optional<std::vector<int64_t>> known_ints(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                                               const char* what);

// An axes list that is an attribute before opset 13 (Squeeze, Unsqueeze, ReduceSum...)
// and input #index from opset 13. `given` is false when the node has neither; `values`
// is empty when the input's contents are not known before run time.
struct AxesArg {
  bool given = false;
  std::optional<std::vector<int64_t>> values;
  int64_t count = -1;  // number of axes when known from values or the input's shape
};
AxesArg axes_arg(const ir::Node& node, std::span<const TensorInfo> inputs, int index, const char* attr);
// Kernel side: the axes, or nullopt when neither input nor attribute is given.
std::optional<std::vector<int64_t>> kernel_axes(const ir::Node& node, std::span<const Tensor> in, size_t index,
                                                const char* attr);

// A rank-`rank` shape whose dims are all unknown (rank < 0: unknown rank).
ir::Shape unknown_shape(int rank);

// Maps each axis into [0, rank); rejects out-of-range and repeated axes naming the node.
std::vector<int> normalize_axes(const ir::Node& node, std::span<const int64_t> axes, int rank);

// The single value of a scalar or one-element integer tensor.
int64_t scalar_int(const ir::Node& node, const Tensor& t, const char* what);

// a + b and a * b for sizes computed from attribute or input values; overflow (only
// possible with absurd values) is an error naming the node and `what`.
int64_t checked_add(const ir::Node& node, int64_t a, int64_t b, const char* what);
int64_t checked_mul(const ir::Node& node, int64_t a, int64_t b, const char* what);

// True when the kernel input at `index` was given (not omitted).
inline bool has_input(std::span<const Tensor> in, size_t index) { return index < in.size() && in[index].defined(); }

// Float -> integer conversion with ONNX's truncation toward zero; NaN becomes 0 and values
// beyond the range saturate (C++ leaves both undefined). Integer -> integer wraps like
// NumPy's astype.
template <class To, class From>
To convert_number(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From{0};
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (std::isnan(v)) return To{0};
    const long double t = std::trunc(static_cast<long double>(v));
    if (t <= static_cast<long double>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (t >= static_cast<long double>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(t);
  } else {
    return static_cast<To>(v);
  }
}

// Signed integer arithmetic that wraps instead of overflowing (undefined in C++).
template <class T>
T wrapping_add(T a, T b) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return static_cast<T>(a + b);
  }
}

template <class T>
T wrapping_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, T>>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

template <class T>
T wrapping_neg(T a) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U{0} - static_cast<U>(a)));
  } else {
    return static_cast<T>(-a);
  }
}

}  // namespace qtune::ops
