#include "qtune/data_type.h"

#include <array>

namespace qtune {
namespace {

struct TypeInfo {
  DataType type;
  size_t size;
  std::string_view name;
  std::string_view onnx_name;
};

// Indexed by the ONNX code; the static_assert keeps the table and the enum in step.
constexpr std::array<TypeInfo, 17> kTypes = {{
    {DataType::Undefined, 0, "undefined", "undefined"},
    {DataType::Float32, 4, "float32", "float"},
    {DataType::UInt8, 1, "uint8", "uint8"},
    {DataType::Int8, 1, "int8", "int8"},
    {DataType::UInt16, 2, "uint16", "uint16"},
    {DataType::Int16, 2, "int16", "int16"},
    {DataType::Int32, 4, "int32", "int32"},
    {DataType::Int64, 8, "int64", "int64"},
    {DataType::String, 0, "string", "string"},
    {DataType::Bool, 1, "bool", "bool"},
    {DataType::Float16, 2, "float16", "float16"},
    {DataType::Float64, 8, "float64", "double"},
    {DataType::UInt32, 4, "uint32", "uint32"},
    {DataType::UInt64, 8, "uint64", "uint64"},
    {DataType::Complex64, 8, "complex64", "complex64"},
    {DataType::Complex128, 16, "complex128", "complex128"},
    {DataType::BFloat16, 2, "bfloat16", "bfloat16"},
}};
static_assert(kTypes.size() == static_cast<size_t>(DataType::BFloat16) + 1);

}  // namespace

bool dtype_is_known(int32_t code) { return code >= 1 && code < static_cast<int32_t>(kTypes.size()); }

size_t dtype_size(DataType type) {
  auto code = static_cast<int32_t>(type);
  return code >= 0 && code < static_cast<int32_t>(kTypes.size()) ? kTypes[code].size : 0;
}

std::string_view dtype_name(DataType type) {
  auto code = static_cast<int32_t>(type);
  return code >= 0 && code < static_cast<int32_t>(kTypes.size()) ? kTypes[code].name : "invalid";
}

std::optional<DataType> dtype_from_name(std::string_view name) {
  for (const auto& info : kTypes) {
    if (info.type == DataType::Undefined) continue;
    if (name == info.name || name == info.onnx_name) return info.type;
  }
  return std::nullopt;
}

}  // namespace qtune
