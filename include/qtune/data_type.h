// Element types. The numeric values are ONNX's TensorProto.DataType codes so that
// conversion to and from ONNX is a cast, never a lookup table that can drift.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qtune {

enum class DataType : int32_t {
  Undefined = 0,
  Float32 = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Float64 = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
};

// Bytes per element; 0 for Undefined and String (strings are stored separately).
size_t dtype_size(DataType type);
// Lower-case NumPy-style name: "float32", "int8", "bool", "bfloat16", "string".
std::string_view dtype_name(DataType type);
// Inverse of dtype_name; also accepts ONNX names ("float", "double", "float16").
std::optional<DataType> dtype_from_name(std::string_view name);
// True for a code that ONNX defines (1..16); used to reject corrupt files.
bool dtype_is_known(int32_t code);

template <class T>
constexpr DataType dtype_of();
template <> constexpr DataType dtype_of<float>() { return DataType::Float32; }
template <> constexpr DataType dtype_of<double>() { return DataType::Float64; }
template <> constexpr DataType dtype_of<uint8_t>() { return DataType::UInt8; }
template <> constexpr DataType dtype_of<int8_t>() { return DataType::Int8; }
template <> constexpr DataType dtype_of<uint16_t>() { return DataType::UInt16; }
template <> constexpr DataType dtype_of<int16_t>() { return DataType::Int16; }
template <> constexpr DataType dtype_of<int32_t>() { return DataType::Int32; }
template <> constexpr DataType dtype_of<int64_t>() { return DataType::Int64; }
template <> constexpr DataType dtype_of<uint32_t>() { return DataType::UInt32; }
template <> constexpr DataType dtype_of<uint64_t>() { return DataType::UInt64; }
template <> constexpr DataType dtype_of<bool>() { return DataType::Bool; }

}  // namespace qtune
