// COCO detection ground truth: an instances_*.json (images, annotations,
// categories) plus the folder of images it names. One sample per entry of "images",
// in file order, with its annotations as ObjectBoxes (bbox [x, y, w, h] in pixels,
// category_id as in the json, iscrowd, area).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image_decode.h"

namespace qtune::data {

struct CocoOptions {
  std::string annotations;  // instances_val2017.json
  std::string images;       // folder with the files named by images[].file_name
  ColorMode color = ColorMode::RGB;
  bool skip_empty = false;  // drop images without annotations (COCO eval keeps them)
};

class CocoDataset : public Dataset {
 public:
  explicit CocoDataset(CocoOptions options);

  size_t size() const override { return images_.size(); }
  Sample get(size_t index) const override;
  std::string describe() const override;
  // category id -> name, from "categories".
  const std::map<int64_t, std::string>& categories() const { return categories_; }

 private:
  struct Image {
    int64_t id;
    std::string file;
    int64_t width, height;
    std::vector<ObjectBox> objects;
  };

  CocoOptions options_;
  std::vector<Image> images_;
  std::map<int64_t, std::string> categories_;
  size_t annotation_count_ = 0;
};

}  // namespace qtune::data
