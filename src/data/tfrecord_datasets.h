// Datasets over sharded TFRecord files of tf.train.Example records, in the layouts
// TensorFlow's model garden / object detection API write:
//   ImageNet:  image/encoded (JPEG/PNG), image/class/label (int64)
//   COCO:      image/encoded, image/object/bbox/{xmin,ymin,xmax,ymax} (normalized),
//              image/object/class/label, optional image/object/is_crowd and
//              image/object/area, image/source_id (the COCO image id)
#pragma once

#include <optional>
#include <string>

#include "data/dataset.h"
#include "data/image_decode.h"
#include "data/tfrecord.h"

namespace qtune::data {

struct TFRecordImageNetOptions {
  std::string pattern;  // file, directory or glob ("/data/validation-*-of-00128")
  ColorMode color = ColorMode::RGB;
  // Subtracted from the stored label: TF-slim ImageNet records use 1..1000 (0 is
  // "background"), so models with 1000 outputs need label_shift 1 (INC's LabelShift).
  int64_t label_shift = 0;
  std::optional<int64_t> num_classes;  // shifted labels must lie in [0, num_classes)
};

class TFRecordImageNetDataset : public Dataset {
 public:
  explicit TFRecordImageNetDataset(TFRecordImageNetOptions options);
  size_t size() const override { return index_.size(); }
  Sample get(size_t index) const override;
  std::string describe() const override;

 private:
  TFRecordImageNetOptions options_;
  TFRecordIndex index_;
};

struct TFRecordCocoOptions {
  std::string pattern;
  ColorMode color = ColorMode::RGB;
};

// Boxes become absolute pixels (x, y, width, height) of the decoded image;
// image_id is image/source_id when it is an integer, else the record's position.
class TFRecordCocoDataset : public Dataset {
 public:
  explicit TFRecordCocoDataset(TFRecordCocoOptions options);
  size_t size() const override { return index_.size(); }
  Sample get(size_t index) const override;
  std::string describe() const override;

 private:
  TFRecordCocoOptions options_;
  TFRecordIndex index_;
};

}  // namespace qtune::data
