// Tensor: a dense, row-major n-d array with a data type.
// Copies share the buffer (cheap, like a shared_ptr); clone() makes a deep copy.
// Buffers are 64-byte aligned so oneDNN and vector kernels can use them directly.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "qtune/data_type.h"
#include "qtune/error.h"

namespace qtune {

class Tensor {
 public:
  Tensor() = default;
  // Allocates a zero-filled tensor.
  Tensor(DataType type, std::vector<int64_t> dims);

  // Allocates without zero-filling: for outputs a kernel overwrites completely.
  static Tensor uninitialized(DataType type, std::vector<int64_t> dims);
  // Wraps memory owned elsewhere; `owner` keeps it alive (may be null for static memory).
  static Tensor view(DataType type, std::vector<int64_t> dims, void* data, std::shared_ptr<void> owner);

  template <class T>
  static Tensor from_vector(std::vector<int64_t> dims, const std::vector<T>& values) {
    Tensor t(dtype_of<T>(), std::move(dims));
    if (static_cast<size_t>(t.numel()) != values.size()) throw Error("Tensor::from_vector: element count does not match dims");
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }
  static Tensor scalar_f32(float v) { return from_vector<float>({}, {v}); }
  static Tensor strings(std::vector<int64_t> dims, std::vector<std::string> values);

  bool defined() const { return type_ != DataType::Undefined; }
  DataType dtype() const { return type_; }
  const std::vector<int64_t>& dims() const { return dims_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int axis) const { return dims_.at(static_cast<size_t>(axis < 0 ? axis + rank() : axis)); }
  int64_t numel() const;
  size_t byte_size() const;

  // The buffer's owner (shared by copies); the executor's memory pool recycles buffers
  // whose only owner is the pool.
  const std::shared_ptr<void>& storage() const { return owner_; }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  template <class T>
  T* data() {
    check_type(dtype_of<T>());
    return static_cast<T*>(data_);
  }
  template <class T>
  const T* data() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(data_);
  }
  template <class T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<size_t>(numel())};
  }
  std::vector<std::string>& string_data();
  const std::vector<std::string>& string_data() const;

  Tensor clone() const;
  // Same buffer, new dims (element count must match).
  Tensor reshaped(std::vector<int64_t> dims) const;
  // Element i converted to double, for any numeric type (tests, summaries, metrics).
  double value_as_double(int64_t i) const;
  // "float32[1,3,48,320]"
  std::string describe() const;

 private:
  void check_type(DataType expected) const;

  DataType type_ = DataType::Undefined;
  std::vector<int64_t> dims_;
  std::shared_ptr<void> owner_;
  void* data_ = nullptr;
  std::shared_ptr<std::vector<std::string>> strings_;
};

// Element count of a shape; throws qtune::Error on negative dims or overflow.
int64_t shape_numel(std::span<const int64_t> dims);
// "1,3,48,320" -> {1,3,48,320}; throws qtune::Error naming `what` on a malformed list.
std::vector<int64_t> parse_dims(const std::string& text, const std::string& what);
std::string format_dims(std::span<const int64_t> dims);

}  // namespace qtune
