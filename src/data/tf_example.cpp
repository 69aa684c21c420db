#include "data/tf_example.h"

#include "qtune/error.h"

namespace qtune::data {
namespace {

const char* kind_name(const qtune::tf::Feature& f) {
  switch (f.kind_case()) {
    case qtune::tf::Feature::kBytesList: return "bytes_list";
    case qtune::tf::Feature::kFloatList: return "float_list";
    case qtune::tf::Feature::kInt64List: return "int64_list";
    default: return "an empty feature";
  }
}

}  // namespace

ExampleReader::ExampleReader(std::string_view bytes, std::string where) : where_(std::move(where)) {
  if (!example_.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw Error(where_ + ": not a valid tf.train.Example protobuf");
}

bool ExampleReader::has(const std::string& key) const { return example_.features().feature().contains(key); }

void ExampleReader::fail(const std::string& key, const std::string& what) const {
  throw Error(where_ + ": feature '" + key + "': " + what);
}

const qtune::tf::Feature* ExampleReader::find(const std::string& key, bool required) const {
  const auto& map = example_.features().feature();
  auto it = map.find(key);
  if (it == map.end()) {
    if (required) fail(key, "missing from the tf.train.Example");
    return nullptr;
  }
  return &it->second;
}

const std::string& ExampleReader::bytes(const std::string& key) const {
  const auto* f = find(key, true);
  if (!f->has_bytes_list()) fail(key, std::string("expected a bytes_list, got ") + kind_name(*f));
  if (f->bytes_list().value_size() != 1)
    fail(key, "expected exactly one value, got " + std::to_string(f->bytes_list().value_size()));
  return f->bytes_list().value(0);
}

int64_t ExampleReader::int64(const std::string& key) const {
  auto values = int64s(key, true);
  if (values.size() != 1) fail(key, "expected exactly one value, got " + std::to_string(values.size()));
  return values[0];
}

std::span<const float> ExampleReader::floats(const std::string& key, bool required) const {
  const auto* f = find(key, required);
  if (!f) return {};
  if (!f->has_float_list()) fail(key, std::string("expected a float_list, got ") + kind_name(*f));
  const auto& v = f->float_list().value();
  return {v.data(), static_cast<size_t>(v.size())};
}

std::span<const int64_t> ExampleReader::int64s(const std::string& key, bool required) const {
  const auto* f = find(key, required);
  if (!f) return {};
  if (!f->has_int64_list()) fail(key, std::string("expected an int64_list, got ") + kind_name(*f));
  const auto& v = f->int64_list().value();
  return {reinterpret_cast<const int64_t*>(v.data()), static_cast<size_t>(v.size())};
}

}  // namespace qtune::data
