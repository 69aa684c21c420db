#include "qtune/tensor.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

namespace qtune {
namespace {

constexpr size_t kAlignment = 64;

std::shared_ptr<void> allocate(size_t bytes, bool zero) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  if (zero) std::memset(p, 0, rounded);
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

uint16_t load_u16(const void* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

float half_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace

int64_t shape_numel(std::span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) throw Error("negative dimension " + std::to_string(d) + " in shape [" + format_dims(dims) + "]");
    // Checked without a division: every allocation and view passes here.
    if (__builtin_mul_overflow(n, d, &n)) throw Error("shape [" + format_dims(dims) + "] has too many elements");
  }
  return n;
}

std::string format_dims(std::span<const int64_t> dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(dims[i]);
  }
  return s;
}

std::vector<int64_t> parse_dims(const std::string& text, const std::string& what) {
  std::vector<int64_t> dims;
  if (text.empty()) return dims;  // a scalar
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || v < 0)
      throw Error(what + ": expected a comma-separated list of non-negative integers, got '" + text + "'");
    dims.push_back(v);
  }
  if (!text.empty() && text.back() == ',')
    throw Error(what + ": expected a comma-separated list of non-negative integers, got '" + text + "'");
  return dims;
}

Tensor::Tensor(DataType type, std::vector<int64_t> dims) : type_(type), dims_(std::move(dims)) {
  int64_t n = shape_numel(dims_);
  if (type_ == DataType::String) {
    strings_ = std::make_shared<std::vector<std::string>>(static_cast<size_t>(n));
    return;
  }
  if (dtype_size(type_) == 0) throw Error("cannot allocate a tensor of type " + std::string(dtype_name(type_)));
  owner_ = allocate(static_cast<size_t>(n) * dtype_size(type_), /*zero=*/true);
  data_ = owner_.get();
}

Tensor Tensor::uninitialized(DataType type, std::vector<int64_t> dims) {
  if (type == DataType::String || dtype_size(type) == 0) return Tensor(type, std::move(dims));
  Tensor t;
  t.type_ = type;
  t.dims_ = std::move(dims);
  t.owner_ = allocate(static_cast<size_t>(shape_numel(t.dims_)) * dtype_size(type), /*zero=*/false);
  t.data_ = t.owner_.get();
  return t;
}

Tensor Tensor::view(DataType type, std::vector<int64_t> dims, void* data, std::shared_ptr<void> owner) {
  Tensor t;
  t.type_ = type;
  t.dims_ = std::move(dims);
  shape_numel(t.dims_);
  t.owner_ = std::move(owner);
  t.data_ = data;
  return t;
}

Tensor Tensor::strings(std::vector<int64_t> dims, std::vector<std::string> values) {
  Tensor t(DataType::String, std::move(dims));
  if (values.size() != t.strings_->size()) throw Error("Tensor::strings: element count does not match dims");
  *t.strings_ = std::move(values);
  return t;
}

// Every constructor checked the dims with shape_numel; numel() is asked inside kernels'
// loops, where shape_numel's overflow division showed as 1.3% of a small model's run.
int64_t Tensor::numel() const {
  if (!defined()) return 0;
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

size_t Tensor::byte_size() const { return static_cast<size_t>(numel()) * dtype_size(type_); }

std::vector<std::string>& Tensor::string_data() {
  check_type(DataType::String);
  return *strings_;
}

const std::vector<std::string>& Tensor::string_data() const {
  check_type(DataType::String);
  return *strings_;
}

Tensor Tensor::clone() const {
  if (!defined()) return {};
  Tensor t(type_, dims_);
  if (type_ == DataType::String) {
    *t.strings_ = *strings_;
  } else if (byte_size() > 0) {
    std::memcpy(t.data_, data_, byte_size());
  }
  return t;
}

Tensor Tensor::reshaped(std::vector<int64_t> dims) const {
  if (shape_numel(dims) != numel())
    throw Error("cannot reshape " + describe() + " to [" + format_dims(dims) + "]: element count differs");
  Tensor t = *this;
  t.dims_ = std::move(dims);
  return t;
}

double Tensor::value_as_double(int64_t i) const {
  const auto* p = static_cast<const unsigned char*>(data_);
  switch (type_) {
    case DataType::Float32: return static_cast<const float*>(data_)[i];
    case DataType::Float64: return static_cast<const double*>(data_)[i];
    case DataType::UInt8: return static_cast<const uint8_t*>(data_)[i];
    case DataType::Int8: return static_cast<const int8_t*>(data_)[i];
    case DataType::UInt16: return static_cast<const uint16_t*>(data_)[i];
    case DataType::Int16: return static_cast<const int16_t*>(data_)[i];
    case DataType::Int32: return static_cast<const int32_t*>(data_)[i];
    case DataType::Int64: return static_cast<double>(static_cast<const int64_t*>(data_)[i]);
    case DataType::UInt32: return static_cast<const uint32_t*>(data_)[i];
    case DataType::UInt64: return static_cast<double>(static_cast<const uint64_t*>(data_)[i]);
    case DataType::Bool: return p[i] ? 1.0 : 0.0;
    case DataType::Float16: return half_to_float(load_u16(p + 2 * i));
    case DataType::BFloat16: {
      uint32_t bits = static_cast<uint32_t>(load_u16(p + 2 * i)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    default: throw Error("value_as_double: tensor of type " + std::string(dtype_name(type_)) + " is not numeric");
  }
}

std::string Tensor::describe() const { return std::string(dtype_name(type_)) + "[" + format_dims(dims_) + "]"; }

void Tensor::check_type(DataType expected) const {
  if (type_ != expected)
    throw Error("tensor is " + std::string(dtype_name(type_)) + ", accessed as " + std::string(dtype_name(expected)));
}

}  // namespace qtune
