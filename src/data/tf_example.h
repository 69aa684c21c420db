// Typed access to the features of a parsed tf.train.Example, with errors that name
// the record and the feature ("<file>: record 3: feature 'image/encoded': missing").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// protoc names the generated header after the first -I that contains the .proto;
// with CMake's protobuf_generate that is the repository root, hence the fallback.
#if __has_include("data/proto/tf_example.pb.h")
#include "data/proto/tf_example.pb.h"
#else
#include "src/data/proto/tf_example.pb.h"
#endif

namespace qtune::data {

class ExampleReader {
 public:
  // Parses a serialized tf.train.Example; `where` names the record in errors.
  ExampleReader(std::string_view bytes, std::string where);

  bool has(const std::string& key) const;
  // The single bytes value (e.g. "image/encoded"); throws if missing, not a
  // bytes_list, or not exactly one value.
  const std::string& bytes(const std::string& key) const;
  // Single int64 value.
  int64_t int64(const std::string& key) const;
  // Whole lists; a missing key gives an empty list when `required` is false.
  std::span<const float> floats(const std::string& key, bool required) const;
  std::span<const int64_t> int64s(const std::string& key, bool required) const;
  const std::string& where() const { return where_; }

 private:
  const qtune::tf::Feature* find(const std::string& key, bool required) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  qtune::tf::Example example_;
  std::string where_;
};

}  // namespace qtune::data
