#include "data/image_folder.h"

#include <filesystem>
#include <set>

#include "data/file_list.h"

namespace qtune::data {

const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> extensions = {".jpg", ".jpeg", ".png"};
  return extensions;
}

ImageFolderDataset::ImageFolderDataset(ImageFolderOptions options) : options_(std::move(options)) {
  require_directory(options_.root, "image folder");
  if (options_.num_classes && *options_.num_classes <= 0)
    throw Error(options_.root + ": num_classes must be positive, got " + std::to_string(*options_.num_classes));
  if (options_.list_file.empty()) {
    scan_folders();
  } else {
    read_list_file();
  }
  if (entries_.empty())
    throw Error(options_.root + ": no images found (expected root/<class>/*.jpg|jpeg|png, or images directly in root)");
}

void ImageFolderDataset::scan_folders() {
  // Class index = position among all (non-hidden) subfolders in sorted order, as in
  // torchvision and Keras, so an empty class folder still takes its index.
  std::vector<std::vector<std::string>> files_per_class;
  bool any_images = false;
  for (const auto& name : list_subdirectories(options_.root)) {
    if (name.starts_with(".")) continue;  // .git, .ipynb_checkpoints
    class_names_.push_back(name);
    files_per_class.push_back(list_files(options_.root + "/" + name, image_extensions(), true));
    any_images = any_images || !files_per_class.back().empty();
  }
  if (!any_images) {  // no class folders with images: an unlabeled folder of images
    class_names_.clear();
    for (auto& path : list_files(options_.root, image_extensions(), false)) entries_.push_back({std::move(path), std::nullopt});
    return;
  }
  if (options_.num_classes && static_cast<int64_t>(class_names_.size()) > *options_.num_classes)
    throw Error(options_.root + ": found " + std::to_string(class_names_.size()) + " class folders, but num_classes is " +
                std::to_string(*options_.num_classes));
  for (size_t c = 0; c < files_per_class.size(); ++c)
    for (auto& path : files_per_class[c]) entries_.push_back({std::move(path), static_cast<int64_t>(c)});
}

void ImageFolderDataset::read_list_file() {
  const std::string& list = options_.list_file;
  for (const TextLine& line : read_text_lines(list)) {
    std::string where = list + ":" + std::to_string(line.number);
    std::string text = line.text;
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
    size_t split = text.find_last_of(" \t");
    if (split == std::string::npos) throw Error(where + ": expected 'relative/path label', got '" + text + "'");
    std::string label_text = text.substr(split + 1);
    std::string relative = text.substr(0, text.find_last_not_of(" \t", split) + 1);
    int64_t label = 0;
    size_t used = 0;
    try {
      label = std::stoll(label_text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != label_text.size() || label_text.empty())
      throw Error(where + ": label '" + label_text + "' is not an integer (expected 'relative/path label')");
    if (label < 0 || (options_.num_classes && label >= *options_.num_classes))
      throw Error(where + ": label " + std::to_string(label) + " is out of range [0, " +
                  (options_.num_classes ? std::to_string(*options_.num_classes) : std::string("inf")) + ")");
    std::string path = resolve_path(options_.root, relative);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(where + ": image '" + path + "' does not exist");
    entries_.push_back({std::move(path), label});
  }
}

Sample ImageFolderDataset::get(size_t index) const {
  const Entry& entry = entries_.at(index);
  Sample sample;
  Tensor image = read_image(entry.path, options_.color);
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = entry.path;
  sample.label.class_id = entry.label;
  sample.label.image_height = image.dim(0);
  sample.label.image_width = image.dim(1);
  sample.inputs.push_back(std::move(image));
  return sample;
}

std::string ImageFolderDataset::describe() const {
  std::string text = "image_folder " + options_.root + " (" + std::to_string(entries_.size()) + " images";
  if (!class_names_.empty()) {
    text += ", " + std::to_string(class_names_.size()) + " classes";
  } else if (!options_.list_file.empty()) {
    std::set<int64_t> labels;
    for (const auto& e : entries_) labels.insert(*e.label);
    text += ", " + std::to_string(labels.size()) + " labels from " + options_.list_file;
  } else {
    text += ", unlabeled";
  }
  return text + ", " + std::string(color_mode_name(options_.color)) + ")";
}

}  // namespace qtune::data
