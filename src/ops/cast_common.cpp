#include "ops/cast_common.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>

#include "ops/half_float.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct HalfTag {};
struct BFloatTag {};

// How a type is stored, read into a C++ number, and written from one.
template <class T>
struct Elem {
  using Storage = T;
  static T load(T v) { return v; }
  template <class V>
  static T store(V v) { return convert_number<T>(v); }
};

template <>
struct Elem<HalfTag> {
  using Storage = uint16_t;
  static float load(uint16_t bits) { return float16_to_float(bits); }
  template <class V>
  static uint16_t store(V v) { return float16_from(static_cast<double>(v)); }
};

template <>
struct Elem<BFloatTag> {
  using Storage = uint16_t;
  static float load(uint16_t bits) { return bfloat16_to_float(bits); }
  template <class V>
  static uint16_t store(V v) { return bfloat16_from(static_cast<double>(v)); }
};

template <class Fn>
void dispatch_cast(const ir::Node& node, DataType type, Fn&& fn) {
  switch (type) {
    case DataType::Float32: fn.template operator()<float>(); return;
    case DataType::Float64: fn.template operator()<double>(); return;
    case DataType::Float16: fn.template operator()<HalfTag>(); return;
    case DataType::BFloat16: fn.template operator()<BFloatTag>(); return;
    case DataType::Int8: fn.template operator()<int8_t>(); return;
    case DataType::Int16: fn.template operator()<int16_t>(); return;
    case DataType::Int32: fn.template operator()<int32_t>(); return;
    case DataType::Int64: fn.template operator()<int64_t>(); return;
    case DataType::UInt8: fn.template operator()<uint8_t>(); return;
    case DataType::UInt16: fn.template operator()<uint16_t>(); return;
    case DataType::UInt32: fn.template operator()<uint32_t>(); return;
    case DataType::UInt64: fn.template operator()<uint64_t>(); return;
    case DataType::Bool: fn.template operator()<bool>(); return;
    default: fail(node, "cannot cast " + std::string(dtype_name(type)) + " tensors");
  }
}

template <class V>
std::string number_to_string(V v) {
  if constexpr (std::is_floating_point_v<V>) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  return std::string(buf, res.ptr);
}

// Parses one whole string as a number of type V; nullopt when it is not one.
template <class V>
std::optional<V> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  if constexpr (std::is_floating_point_v<V>) {
    // strtod also accepts "NaN", "INF", "+INF", "-INF", "inf", ... (case-insensitive).
    const char* begin = s.c_str();
    char* end = nullptr;
    V v;
    if constexpr (std::is_same_v<V, float>) v = std::strtof(begin, &end);  // one rounding, not two
    else v = static_cast<V>(std::strtod(begin, &end));
    if (end != begin + s.size() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
    return v;
  } else {
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    V v{};
    auto res = std::from_chars(begin, s.data() + s.size(), v);
    if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  }
}

void cast_from_string(const ir::Node& node, const Tensor& src, Tensor& dst) {
  const auto& strings = src.string_data();
  if (dst.dtype() == DataType::String) {
    dst.string_data() = strings;
    return;
  }
  if (dst.dtype() == DataType::Bool) fail(node, "casting string to bool is not supported (the spelling of true/false is not defined)");
  dispatch_cast(node, dst.dtype(), [&]<class To>() {
    using Value = std::conditional_t<std::is_same_v<To, HalfTag> || std::is_same_v<To, BFloatTag>, double, To>;
    if constexpr (!std::is_same_v<To, bool>) {  // rejected above
      auto* out = static_cast<typename Elem<To>::Storage*>(dst.raw());
      for (size_t i = 0; i < strings.size(); ++i) {
        std::optional<Value> v = parse_number<Value>(strings[i]);
        if (!v)
          fail(node, "element " + std::to_string(i) + " \"" + strings[i] + "\" is not a valid " + std::string(dtype_name(dst.dtype())) + " number");
        out[i] = Elem<To>::store(*v);
      }
    }
  });
}

void cast_to_string(const ir::Node& node, const Tensor& src, Tensor& dst) {
  if (src.dtype() == DataType::Bool) fail(node, "casting bool to string is not supported (the spelling of true/false is not defined)");
  auto& strings = dst.string_data();
  dispatch_cast(node, src.dtype(), [&]<class From>() {
    if constexpr (!std::is_same_v<From, bool>) {  // rejected above
      const auto* in = static_cast<const typename Elem<From>::Storage*>(src.raw());
      for (size_t i = 0; i < strings.size(); ++i) strings[i] = number_to_string(Elem<From>::load(in[i]));
    }
  });
}

}  // namespace

bool castable_type(DataType type) {
  return type != DataType::Undefined && type != DataType::Complex64 && type != DataType::Complex128 && dtype_is_known(static_cast<int32_t>(type));
}

void cast_into(const ir::Node& node, const Tensor& src, Tensor& dst, int threads) {
  if (src.numel() != dst.numel()) fail(node, "cast output " + dst.describe() + " does not match input " + src.describe());
  if (src.dtype() == DataType::String) return cast_from_string(node, src, dst);
  if (dst.dtype() == DataType::String) return cast_to_string(node, src, dst);
  const int64_t n = src.numel();
  dispatch_cast(node, src.dtype(), [&]<class From>() {
    dispatch_cast(node, dst.dtype(), [&]<class To>() {
      const auto* in = static_cast<const typename Elem<From>::Storage*>(src.raw());
      auto* out = static_cast<typename Elem<To>::Storage*>(dst.raw());
#pragma omp parallel for num_threads(threads) schedule(static) if (n > 65536)
      for (int64_t i = 0; i < n; ++i) out[i] = Elem<To>::store(Elem<From>::load(in[i]));
    });
  });
}

}  // namespace qtune::ops
