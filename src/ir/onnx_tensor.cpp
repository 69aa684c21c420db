#include "ir/onnx_tensor.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

namespace qtune::ir {
namespace {

template <class Src, class Dst>
void copy_converted(const google::protobuf::RepeatedField<Src>& src, Dst* dst) {
  for (int i = 0; i < src.size(); ++i) dst[i] = static_cast<Dst>(src.Get(i));
}

// Typed fields hold one entry per element (two for complex types).
int64_t expected_field_count(DataType type, int64_t numel) {
  return (type == DataType::Complex64 || type == DataType::Complex128) ? 2 * numel : numel;
}

// The typed field that carries each data type's values when raw_data is absent.
std::pair<const char*, int64_t> typed_field(const onnx::TensorProto& proto, DataType type) {
  switch (type) {
    case DataType::Float32:
    case DataType::Complex64: return {"float_data", proto.float_data_size()};
    case DataType::Float64:
    case DataType::Complex128: return {"double_data", proto.double_data_size()};
    case DataType::Int64: return {"int64_data", proto.int64_data_size()};
    case DataType::UInt32:
    case DataType::UInt64: return {"uint64_data", proto.uint64_data_size()};
    default: return {"int32_data", proto.int32_data_size()};  // narrower ints, bool, 16-bit bit patterns
  }
}

std::string describe_claim(DataType type, const std::vector<int64_t>& dims) {
  std::string text = std::string(dtype_name(type)) + "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(dims[i]);
  }
  return text + "]";
}

// Dims come from the file, so a corrupt or mistyped proto (e.g. a SequenceProto read as a
// TensorProto) can claim terabytes. Compare the claimed size with the data actually present
// before allocating anything.
void check_size_before_allocating(const onnx::TensorProto& proto, DataType type, const std::vector<int64_t>& dims,
                                  const std::string& what, const std::string& base_dir) {
  int64_t numel = 1;
  for (int64_t d : dims) {
    if (d != 0 && numel > std::numeric_limits<int64_t>::max() / 16 / d)
      throw Error(what + ": dimensions of " + describe_claim(type, dims) + " overflow the addressable size");
    numel *= d;
  }
  if (type == DataType::String) return;  // strings have no fixed element size
  const int64_t bytes = numel * static_cast<int64_t>(dtype_size(type));
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    // read_external reports missing files and bad keys; here only an impossible claim is stopped.
    for (const auto& kv : proto.external_data()) {
      if (kv.key() != "location") continue;
      std::error_code ec;
      auto size = std::filesystem::file_size(std::filesystem::path(base_dir) / kv.value(), ec);
      if (!ec && static_cast<uint64_t>(bytes) > size)
        throw Error(what + ": external data file '" + kv.value() + "' holds " + std::to_string(size) +
                    " bytes, fewer than the " + std::to_string(bytes) + " that " + describe_claim(type, dims) +
                    " needs");
    }
    return;
  }
  if (proto.has_raw_data()) {
    if (static_cast<int64_t>(proto.raw_data().size()) != bytes)
      throw Error(what + ": raw_data holds " + std::to_string(proto.raw_data().size()) + " bytes, expected " +
                  std::to_string(bytes) + " for " + describe_claim(type, dims));
    return;
  }
  auto [field, have] = typed_field(proto, type);
  if (have != expected_field_count(type, numel))
    throw Error(what + ": " + field + " has " + std::to_string(have) + " values, expected " +
                std::to_string(expected_field_count(type, numel)) + " for " + describe_claim(type, dims));
}

void read_external(const onnx::TensorProto& proto, const std::string& what, const std::string& base_dir,
                   Tensor& out) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : proto.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoll(kv.value());
      if (kv.key() == "length") length = std::stoll(kv.value());
    } catch (const std::exception&) {
      throw Error(what + ": external data key '" + kv.key() + "' has a non-numeric value '" + kv.value() + "'");
    }
  }
  if (location.empty()) throw Error(what + ": external data without a 'location'");
  std::filesystem::path rel(location);
  if (rel.is_absolute()) throw Error(what + ": external data location '" + location + "' must be relative to the model");
  std::filesystem::path path = std::filesystem::path(base_dir) / rel;
  auto expected = static_cast<int64_t>(out.byte_size());
  if (length >= 0 && length != expected)
    throw Error(what + ": external data length " + std::to_string(length) + " does not match " +
                std::to_string(expected) + " bytes for " + out.describe());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(what + ": external data file '" + path.string() + "' cannot be opened");
  in.seekg(offset);
  in.read(static_cast<char*>(out.raw()), expected);
  if (in.gcount() != expected)
    throw Error(what + ": external data file '" + path.string() + "' is too short (need " + std::to_string(expected) +
                " bytes at offset " + std::to_string(offset) + ")");
}

}  // namespace

Tensor tensor_from_onnx(const onnx::TensorProto& proto, const std::string& what, const std::string& base_dir) {
  if (!dtype_is_known(proto.data_type()))
    throw Error(what + ": unknown data type code " + std::to_string(proto.data_type()));
  auto type = static_cast<DataType>(proto.data_type());
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims)
    if (d < 0) throw Error(what + ": negative dimension " + std::to_string(d));
  if (proto.has_segment()) throw Error(what + ": segmented tensors are not supported");
  check_size_before_allocating(proto, type, dims, what, base_dir);

  if (type == DataType::String) {
    Tensor t(type, dims);
    if (proto.string_data_size() != t.numel())
      throw Error(what + ": has " + std::to_string(proto.string_data_size()) + " strings, expected " +
                  std::to_string(t.numel()));
    auto& strs = t.string_data();
    for (int i = 0; i < proto.string_data_size(); ++i) strs[static_cast<size_t>(i)] = proto.string_data(i);
    return t;
  }
  Tensor t(type, dims);
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    read_external(proto, what, base_dir, t);
    return t;
  }
  if (proto.has_raw_data()) {
    if (t.byte_size()) std::memcpy(t.raw(), proto.raw_data().data(), t.byte_size());
    return t;
  }
  switch (type) {
    case DataType::Float32:
    case DataType::Complex64:
      copy_converted(proto.float_data(), static_cast<float*>(t.raw()));
      break;
    case DataType::Float64:
    case DataType::Complex128:
      copy_converted(proto.double_data(), static_cast<double*>(t.raw()));
      break;
    case DataType::Int64:
      copy_converted(proto.int64_data(), static_cast<int64_t*>(t.raw()));
      break;
    case DataType::UInt32:
      copy_converted(proto.uint64_data(), static_cast<uint32_t*>(t.raw()));
      break;
    case DataType::UInt64:
      copy_converted(proto.uint64_data(), static_cast<uint64_t*>(t.raw()));
      break;
    case DataType::Int32: copy_converted(proto.int32_data(), static_cast<int32_t*>(t.raw())); break;
    case DataType::Int16: copy_converted(proto.int32_data(), static_cast<int16_t*>(t.raw())); break;
    case DataType::Int8: copy_converted(proto.int32_data(), static_cast<int8_t*>(t.raw())); break;
    case DataType::UInt16:
    case DataType::Float16:
    case DataType::BFloat16:
      // 16-bit types travel as their bit patterns in int32_data.
      copy_converted(proto.int32_data(), static_cast<uint16_t*>(t.raw()));
      break;
    case DataType::UInt8:
    case DataType::Bool:
      copy_converted(proto.int32_data(), static_cast<uint8_t*>(t.raw()));
      break;
    default: throw Error(what + ": unsupported data type " + std::string(dtype_name(type)));
  }
  return t;
}

void tensor_to_onnx(const Tensor& tensor, onnx::TensorProto& proto) {
  proto.set_data_type(static_cast<int32_t>(tensor.dtype()));
  proto.clear_dims();
  for (int64_t d : tensor.dims()) proto.add_dims(d);
  if (tensor.dtype() == DataType::String) {
    for (const auto& s : tensor.string_data()) proto.add_string_data(s);
    return;
  }
  proto.set_raw_data(static_cast<const char*>(tensor.raw()), tensor.byte_size());
}

}  // namespace qtune::ir
