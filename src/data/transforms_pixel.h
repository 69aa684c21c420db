// Per-pixel and layout transforms: Normalize, Scale, Cast, ChannelOrder, Transpose.
#pragma once

#include <vector>

#include "data/transform.h"

namespace qtune::data {

// out = (x - mean[c]) / std[c] as float32, c indexing `channel_axis` (default the
// last axis, HWC). One value applies to all channels. Values are taken as they are
// (no implicit /255): for uint8 input use mean 123.675 or Scale first.
class Normalize : public Transform {
 public:
  Normalize(std::vector<double> mean, std::vector<double> std, int channel_axis = -1);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  std::vector<float> mean_, inv_std_;
  std::vector<double> std_;
  int channel_axis_;
};

// out = x * factor as float32 (e.g. 1/255).
class Scale : public Transform {
 public:
  explicit Scale(double factor);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  double factor_;
};

// Converts the element type: float32, float64, uint8, int8, int32, int64. Values are
// kept (no scaling); float-to-integer rounds to nearest and saturates.
class Cast : public Transform {
 public:
  explicit Cast(DataType type);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  DataType type_;
};

// Reorders the last axis: {2, 1, 0} turns RGB into BGR and back.
class ChannelOrder : public Transform {
 public:
  explicit ChannelOrder(std::vector<int64_t> order);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  std::vector<int64_t> order_;
};

// Permutes axes like numpy.transpose: {2, 0, 1} turns HWC into CHW.
class Transpose : public Transform {
 public:
  explicit Transpose(std::vector<int64_t> perm);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  std::vector<int64_t> perm_;
};

// numpy.transpose for any dtype (strings excluded).
Tensor transpose_tensor(const Tensor& tensor, const std::vector<int64_t>& perm);

}  // namespace qtune::data
