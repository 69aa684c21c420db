// Calls fn.template operator()<T>() for the C++ type of a DataType, so kernels are
// written once as templates. Types outside the given family are an error naming the node.
#pragma once

#include <cstdint>

#include "ops/op_helpers.h"

namespace qtune::ops {

template <class Fn>
void dispatch_float(const ir::Node& node, DataType type, Fn&& fn) {
  switch (type) {
    case DataType::Float32: fn.template operator()<float>(); return;
    case DataType::Float64: fn.template operator()<double>(); return;
    default: fail(node, "unsupported element type " + std::string(dtype_name(type)) + " (expected float32/float64)");
  }
}

template <class Fn>
void dispatch_numeric(const ir::Node& node, DataType type, Fn&& fn) {
  switch (type) {
    case DataType::Float32: fn.template operator()<float>(); return;
    case DataType::Float64: fn.template operator()<double>(); return;
    case DataType::Int64: fn.template operator()<int64_t>(); return;
    case DataType::Int32: fn.template operator()<int32_t>(); return;
    case DataType::Int16: fn.template operator()<int16_t>(); return;
    case DataType::Int8: fn.template operator()<int8_t>(); return;
    case DataType::UInt8: fn.template operator()<uint8_t>(); return;
    case DataType::UInt16: fn.template operator()<uint16_t>(); return;
    case DataType::UInt32: fn.template operator()<uint32_t>(); return;
    case DataType::UInt64: fn.template operator()<uint64_t>(); return;
    default: fail(node, "unsupported element type " + std::string(dtype_name(type)) + " (expected a numeric type)");
  }
}

// Numeric types plus bool: for ops that only move data (Concat, Gather, Slice, Transpose...).
// Dispatches on element size, since moving bytes does not depend on their meaning.
template <class Fn>
void dispatch_by_size(const ir::Node& node, DataType type, Fn&& fn) {
  switch (dtype_size(type)) {
    case 1: fn.template operator()<uint8_t>(); return;
    case 2: fn.template operator()<uint16_t>(); return;
    case 4: fn.template operator()<uint32_t>(); return;
    case 8: fn.template operator()<uint64_t>(); return;
    default: fail(node, "unsupported element type " + std::string(dtype_name(type)));
  }
}

}  // namespace qtune::ops
