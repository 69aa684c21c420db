// Images on disk, the torchvision/Keras way: root/<class_name>/**/*.jpg|png with
// classes sorted by name (label = index), or a list file of "relative/path label"
// lines (ImageNet's val.txt). A root holding images but no class folders gives an
// unlabeled dataset (calibration data).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image_decode.h"

namespace qtune::data {

struct ImageFolderOptions {
  std::string root;
  std::string list_file;                // empty: scan class folders
  ColorMode color = ColorMode::RGB;
  std::optional<int64_t> num_classes;   // labels must lie in [0, num_classes)
};

class ImageFolderDataset : public Dataset {
 public:
  explicit ImageFolderDataset(ImageFolderOptions options);

  size_t size() const override { return entries_.size(); }
  Sample get(size_t index) const override;
  std::string describe() const override;
  // Class folder names in label order (empty for a list file or unlabeled folder).
  const std::vector<std::string>& class_names() const { return class_names_; }

 private:
  struct Entry {
    std::string path;
    std::optional<int64_t> label;
  };
  void scan_folders();
  void read_list_file();

  ImageFolderOptions options_;
  std::vector<Entry> entries_;
  std::vector<std::string> class_names_;
};

// The image extensions the folder datasets pick up.
const std::vector<std::string>& image_extensions();

}  // namespace qtune::data
