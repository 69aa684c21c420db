// OCR recognition data, PaddleOCR's rec_gt layout: a labels file of
// "relative/path<TAB>text" lines next to the images (paths relative to `root`).
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image_decode.h"

namespace qtune::data {

struct TextLinesOptions {
  std::string root;
  std::string labels;  // default: root/labels.txt
  ColorMode color = ColorMode::RGB;
};

class TextLinesDataset : public Dataset {
 public:
  explicit TextLinesDataset(TextLinesOptions options);
  size_t size() const override { return entries_.size(); }
  Sample get(size_t index) const override;
  std::string describe() const override;

 private:
  struct Entry {
    std::string path, text;
  };
  TextLinesOptions options_;
  std::vector<Entry> entries_;
};

}  // namespace qtune::data
