#include "data/idx.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace qtune::data {
namespace {

// gzread reads gzip and (transparently) uncompressed files alike.
std::string read_maybe_gzipped(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": no such file");
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::string data;
  char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(file, buffer, sizeof(buffer))) > 0) data.append(buffer, static_cast<size_t>(got));
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  std::string error = (got < 0 || (code != Z_OK && code != Z_STREAM_END)) ? std::string(message) : "";
  gzclose(file);
  if (!error.empty()) throw Error(path + ": cannot decompress: " + error);
  return data;
}

struct IdxType {
  uint8_t code;
  DataType type;
};
constexpr IdxType kTypes[] = {{0x08, DataType::UInt8},  {0x09, DataType::Int8},    {0x0B, DataType::Int16},
                              {0x0C, DataType::Int32},  {0x0D, DataType::Float32}, {0x0E, DataType::Float64}};

}  // namespace

Tensor read_idx(const std::string& path) {
  std::string bytes = read_maybe_gzipped(path);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4 || p[0] != 0 || p[1] != 0)
    throw Error(path + ": not an IDX file (expected magic 0x00 0x00 <type> <rank>)");
  DataType type = DataType::Undefined;
  for (const auto& t : kTypes)
    if (t.code == p[2]) type = t.type;
  if (type == DataType::Undefined) {
    char code[8];
    std::snprintf(code, sizeof(code), "0x%02X", p[2]);
    throw Error(path + ": unknown IDX data type code " + code + " (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
  }
  size_t rank = p[3];
  if (rank == 0 || bytes.size() < 4 + 4 * rank) throw Error(path + ": IDX header is truncated or has rank 0");
  std::vector<int64_t> dims;
  for (size_t i = 0; i < rank; ++i) {
    const unsigned char* d = p + 4 + 4 * i;
    dims.push_back((int64_t{d[0]} << 24) | (d[1] << 16) | (d[2] << 8) | d[3]);
  }
  size_t offset = 4 + 4 * rank, width = dtype_size(type);
  int64_t numel = 0;
  try {
    numel = shape_numel(dims);
  } catch (const Error& e) {
    rethrow_with_context(path, e);
  }
  if (numel > (int64_t{1} << 40) || bytes.size() - offset != static_cast<size_t>(numel) * width)
    throw Error(path + ": IDX data is " + std::to_string(bytes.size() - offset) + " bytes, header [" + format_dims(dims) +
                "] needs " + std::to_string(numel * static_cast<int64_t>(width)) + " (truncated or corrupt file)");
  Tensor tensor(type, dims);
  auto* out = static_cast<unsigned char*>(tensor.raw());
  // Big-endian on disk: reverse each element's bytes.
  for (int64_t i = 0; i < numel; ++i)
    for (size_t b = 0; b < width; ++b) out[i * width + b] = p[offset + i * width + (width - 1 - b)];
  return tensor;
}

IdxDataset::IdxDataset(IdxOptions options) : options_(std::move(options)) {
  images_ = read_idx(options_.images);
  if (images_.dtype() != DataType::UInt8 || images_.rank() != 3)
    throw Error(options_.images + ": expected uint8 images [N, H, W], got " + images_.describe());
  if (!options_.labels.empty()) {
    labels_ = read_idx(options_.labels);
    if (labels_.dtype() != DataType::UInt8 || labels_.rank() != 1)
      throw Error(options_.labels + ": expected uint8 labels [N], got " + labels_.describe());
    if (labels_.dim(0) != images_.dim(0))
      throw Error(options_.labels + ": has " + std::to_string(labels_.dim(0)) + " labels, but " + options_.images + " has " +
                  std::to_string(images_.dim(0)) + " images");
  }
}

Sample IdxDataset::get(size_t index) const {
  if (index >= size()) throw Error(options_.images + ": sample " + std::to_string(index) + " out of range");
  const int64_t h = images_.dim(1), w = images_.dim(2);
  std::vector<int64_t> dims = options_.channels_last ? std::vector<int64_t>{h, w, 1} : std::vector<int64_t>{1, h, w};
  Tensor image(DataType::UInt8, dims);
  std::memcpy(image.raw(), images_.data<uint8_t>() + index * static_cast<size_t>(h * w), static_cast<size_t>(h * w));
  Sample sample;
  sample.inputs.push_back(std::move(image));
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = options_.images + ": image " + std::to_string(index);
  sample.label.image_height = h;
  sample.label.image_width = w;
  if (labels_.defined()) sample.label.class_id = labels_.data<uint8_t>()[index];
  return sample;
}

std::string IdxDataset::describe() const {
  std::string text = "idx " + options_.images + " (" + std::to_string(size()) + " images " + std::to_string(images_.dim(1)) +
                     "x" + std::to_string(images_.dim(2));
  if (labels_.defined()) text += ", labels from " + options_.labels;
  return text + ")";
}

}  // namespace qtune::data
