#include "data/transforms_pixel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace qtune::data {
namespace {

std::string join(const std::vector<double>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%g", v[i]);
    if (i) s += ',';
    s += buffer;
  }
  return s;
}

std::string join(const std::vector<int64_t>& v) { return format_dims(v); }

// Reads element i of a uint8 or float32 tensor as float (the types images come in).
template <class F>
void for_each_float(const Tensor& t, const char* op, F&& f) {
  if (t.dtype() == DataType::UInt8) {
    const uint8_t* p = t.data<uint8_t>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) f(i, static_cast<float>(p[i]));
  } else if (t.dtype() == DataType::Float32) {
    const float* p = t.data<float>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) f(i, p[i]);
  } else {
    throw Error(std::string(op) + ": expects a uint8 or float32 tensor, got " + t.describe() + "; add a Cast first");
  }
}

template <class T>
T saturate(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return 0;
    v = std::nearbyint(v);
    return static_cast<T>(std::clamp(v, static_cast<double>(std::numeric_limits<T>::lowest()),
                                     static_cast<double>(std::numeric_limits<T>::max())));
  }
}

// dst[o + i] = in[offset + i * stride] for i < count, elements of type T (same-size copy).
template <class T>
void strided_copy(const unsigned char* in, unsigned char* dst, int64_t o, int64_t offset, int64_t count, int64_t stride) {
  const T* src = reinterpret_cast<const T*>(in) + offset;
  T* out = reinterpret_cast<T*>(dst) + o;
  for (int64_t i = 0; i < count; ++i) out[i] = src[i * stride];
}

template <class T>
void convert_into(const Tensor& in, Tensor& out) {
  T* p = out.data<T>();
  for (int64_t i = 0, n = in.numel(); i < n; ++i) p[i] = saturate<T>(in.value_as_double(i));
}

}  // namespace

Normalize::Normalize(std::vector<double> mean, std::vector<double> std, int channel_axis)
    : std_(std), channel_axis_(channel_axis) {
  if (mean.empty() || mean.size() != std.size())
    throw Error("Normalize: mean and std must have the same, non-zero number of values (got " + std::to_string(mean.size()) +
                " and " + std::to_string(std.size()) + ")");
  for (size_t i = 0; i < mean.size(); ++i) {
    if (!(std[i] != 0) || !std::isfinite(std[i])) throw Error("Normalize: std[" + std::to_string(i) + "] must be a non-zero number");
    mean_.push_back(static_cast<float>(mean[i]));
    inv_std_.push_back(static_cast<float>(1.0 / std[i]));
  }
}

Tensor Normalize::apply(const Tensor& image, const TransformContext&) const {
  if (image.rank() == 0) throw Error("Normalize: expects an image, got a scalar");
  int axis = channel_axis_ < 0 ? channel_axis_ + image.rank() : channel_axis_;
  if (axis < 0 || axis >= image.rank())
    throw Error("Normalize: channel_axis " + std::to_string(channel_axis_) + " is out of range for " + image.describe());
  const int64_t channels = image.dim(axis);
  if (mean_.size() != 1 && static_cast<int64_t>(mean_.size()) != channels)
    throw Error("Normalize: " + std::to_string(mean_.size()) + " mean/std values for " + std::to_string(channels) +
                " channels (axis " + std::to_string(axis) + " of " + image.describe() + ")");
  int64_t inner = 1;
  for (int d = axis + 1; d < image.rank(); ++d) inner *= image.dim(d);
  const int64_t outer = channels == 0 || inner == 0 ? 0 : image.numel() / (channels * inner);
  Tensor out(DataType::Float32, image.dims());
  float* dst = out.data<float>();
  auto run = [&](const auto* src) {  // blocks of [channels][inner]: no division per element
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c) {
        const size_t k = mean_.size() == 1 ? 0 : static_cast<size_t>(c);
        const float m = mean_[k], s = inv_std_[k];
        const int64_t base = (o * channels + c) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[base + i] = (static_cast<float>(src[base + i]) - m) * s;
      }
  };
  if (image.dtype() == DataType::UInt8) {
    run(image.data<uint8_t>());
  } else if (image.dtype() == DataType::Float32) {
    run(image.data<float>());
  } else {
    throw Error("Normalize: expects a uint8 or float32 tensor, got " + image.describe() + "; add a Cast first");
  }
  return out;
}

std::string Normalize::describe() const {
  std::vector<double> mean(mean_.begin(), mean_.end());
  return "Normalize(mean=[" + join(mean) + "], std=[" + join(std_) + "])";
}

Scale::Scale(double factor) : factor_(factor) {
  if (!std::isfinite(factor)) throw Error("Scale: factor must be a finite number");
}

Tensor Scale::apply(const Tensor& image, const TransformContext&) const {
  Tensor out(DataType::Float32, image.dims());
  float* dst = out.data<float>();
  const auto factor = static_cast<float>(factor_);
  for_each_float(image, "Scale", [&](int64_t i, float x) { dst[i] = x * factor; });
  return out;
}

std::string Scale::describe() const { return "Scale(" + join(std::vector<double>{factor_}) + ")"; }

Cast::Cast(DataType type) : type_(type) {
  switch (type) {
    case DataType::Float32: case DataType::Float64: case DataType::UInt8: case DataType::Int8: case DataType::Int32:
    case DataType::Int64: break;
    default: throw Error("Cast: unsupported target type " + std::string(dtype_name(type)) +
                         " (use float32, float64, uint8, int8, int32 or int64)");
  }
}

Tensor Cast::apply(const Tensor& image, const TransformContext&) const {
  if (image.dtype() == type_) return image;
  if (image.dtype() == DataType::String) throw Error("Cast: cannot cast a string tensor");
  Tensor out(type_, image.dims());
  if (image.dtype() == DataType::UInt8 && type_ == DataType::Float32) {  // the common case, without the generic path
    const uint8_t* in = image.data<uint8_t>();
    float* p = out.data<float>();
    for (int64_t i = 0, n = image.numel(); i < n; ++i) p[i] = in[i];
    return out;
  }
  switch (type_) {
    case DataType::Float32: convert_into<float>(image, out); break;
    case DataType::Float64: convert_into<double>(image, out); break;
    case DataType::UInt8: convert_into<uint8_t>(image, out); break;
    case DataType::Int8: convert_into<int8_t>(image, out); break;
    case DataType::Int32: convert_into<int32_t>(image, out); break;
    case DataType::Int64: convert_into<int64_t>(image, out); break;
    default: break;
  }
  return out;
}

std::string Cast::describe() const { return "Cast(" + std::string(dtype_name(type_)) + ")"; }

ChannelOrder::ChannelOrder(std::vector<int64_t> order) : order_(std::move(order)) {
  std::vector<int64_t> sorted = order_;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i))
      throw Error("ChannelOrder: order [" + join(order_) + "] is not a permutation of 0.." + std::to_string(order_.size() - 1));
  if (order_.empty()) throw Error("ChannelOrder: order must not be empty");
}

Tensor ChannelOrder::apply(const Tensor& image, const TransformContext&) const {
  if (image.rank() == 0 || image.dim(-1) != static_cast<int64_t>(order_.size()))
    throw Error("ChannelOrder: order has " + std::to_string(order_.size()) + " channels, image is " + image.describe() +
                " (channels must be the last axis; apply before Transpose)");
  if (image.dtype() == DataType::String) throw Error("ChannelOrder: cannot reorder a string tensor");
  Tensor out(image.dtype(), image.dims());
  const size_t element = dtype_size(image.dtype()), channels = order_.size();
  const auto* in = static_cast<const unsigned char*>(image.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  for (int64_t p = 0, pixels = image.numel() / static_cast<int64_t>(channels); p < pixels; ++p)
    for (size_t c = 0; c < channels; ++c)
      std::memcpy(dst + (static_cast<size_t>(p) * channels + c) * element,
                  in + (static_cast<size_t>(p) * channels + static_cast<size_t>(order_[c])) * element, element);
  return out;
}

std::string ChannelOrder::describe() const { return "ChannelOrder([" + join(order_) + "])"; }

Transpose::Transpose(std::vector<int64_t> perm) : perm_(std::move(perm)) {
  std::vector<int64_t> sorted = perm_;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i))
      throw Error("Transpose: perm [" + join(perm_) + "] is not a permutation of 0.." + std::to_string(perm_.size() - 1));
}

Tensor Transpose::apply(const Tensor& image, const TransformContext&) const { return transpose_tensor(image, perm_); }

std::string Transpose::describe() const { return "Transpose([" + join(perm_) + "])"; }

Tensor transpose_tensor(const Tensor& tensor, const std::vector<int64_t>& perm) {
  const int rank = tensor.rank();
  if (static_cast<int>(perm.size()) != rank)
    throw Error("Transpose: perm [" + join(perm) + "] has " + std::to_string(perm.size()) + " axes, tensor " + tensor.describe() +
                " has " + std::to_string(rank));
  if (tensor.dtype() == DataType::String) throw Error("Transpose: cannot transpose a string tensor");
  std::vector<int64_t> out_dims(static_cast<size_t>(rank)), in_strides(static_cast<size_t>(rank), 1), strides(static_cast<size_t>(rank));
  for (int d = rank - 2; d >= 0; --d) in_strides[static_cast<size_t>(d)] = in_strides[static_cast<size_t>(d) + 1] * tensor.dim(d + 1);
  for (int d = 0; d < rank; ++d) {
    out_dims[static_cast<size_t>(d)] = tensor.dim(static_cast<int>(perm[static_cast<size_t>(d)]));
    strides[static_cast<size_t>(d)] = in_strides[static_cast<size_t>(perm[static_cast<size_t>(d)])];  // input step per output step
  }
  Tensor out(tensor.dtype(), out_dims);
  const int64_t n = tensor.numel();
  if (n == 0) return out;
  const size_t element = dtype_size(tensor.dtype());
  const auto* in = static_cast<const unsigned char*>(tensor.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  // Odometer over the output index; the innermost axis is a strided copy loop.
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  const int64_t inner = rank ? out_dims.back() : 1, inner_stride = rank ? strides.back() : 0;
  int64_t offset = 0;
  for (int64_t o = 0; o < n; o += inner) {
    switch (element) {
      case 1: strided_copy<uint8_t>(in, dst, o, offset, inner, inner_stride); break;
      case 2: strided_copy<uint16_t>(in, dst, o, offset, inner, inner_stride); break;
      case 4: strided_copy<uint32_t>(in, dst, o, offset, inner, inner_stride); break;
      case 8: strided_copy<uint64_t>(in, dst, o, offset, inner, inner_stride); break;
      default:
        for (int64_t i = 0; i < inner; ++i)
          std::memcpy(dst + static_cast<size_t>(o + i) * element, in + static_cast<size_t>(offset + i * inner_stride) * element, element);
    }
    for (int d = rank - 2; d >= 0; --d) {
      auto du = static_cast<size_t>(d);
      offset += strides[du];
      if (++index[du] < out_dims[du]) break;
      offset -= strides[du] * out_dims[du];
      index[du] = 0;
    }
  }
  return out;
}

}  // namespace qtune::data
