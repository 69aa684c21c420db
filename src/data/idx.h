// IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed:
// magic 0x00 0x00 <type> <rank>, rank big-endian uint32 dims, big-endian data.
#pragma once

#include <string>

#include "data/dataset.h"

namespace qtune::data {

// The whole file as a tensor of its IDX type (u8, i8, i16, i32, f32, f64) and dims.
Tensor read_idx(const std::string& path);

struct IdxOptions {
  std::string images;  // [N, H, W] uint8
  std::string labels;  // optional [N] uint8 class ids
  bool channels_last = false;  // false: samples are [1, H, W]; true: [H, W, 1] (for image transforms)
};

class IdxDataset : public Dataset {
 public:
  explicit IdxDataset(IdxOptions options);

  size_t size() const override { return static_cast<size_t>(images_.dim(0)); }
  Sample get(size_t index) const override;
  std::string describe() const override;

 private:
  IdxOptions options_;
  Tensor images_;
  Tensor labels_;
};

}  // namespace qtune::data
