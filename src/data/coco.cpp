#include "data/coco.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

#include "data/file_list.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

namespace qtune::data {
namespace {

using nlohmann::json;

// Field access that names the file, the array entry and the field on failure.
class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) throw Error(where_ + ": expected a JSON object, got " + object_.type_name());
  }
  const json& get(const char* field) const {
    auto it = object_.find(field);
    if (it == object_.end()) throw Error(where_ + ": missing field '" + field + "'");
    return *it;
  }
  int64_t integer(const char* field) const {
    const json& v = get(field);
    if (!v.is_number_integer()) throw Error(where_ + ": field '" + field + "' must be an integer, got " + v.dump());
    return v.get<int64_t>();
  }
  double number(const char* field) const {
    const json& v = get(field);
    if (!v.is_number()) throw Error(where_ + ": field '" + field + "' must be a number, got " + v.dump());
    return v.get<double>();
  }
  std::string string(const char* field) const {
    const json& v = get(field);
    if (!v.is_string()) throw Error(where_ + ": field '" + field + "' must be a string, got " + v.dump());
    return v.get<std::string>();
  }
  const std::string& where() const { return where_; }

 private:
  const json& object_;
  std::string where_;
};

const json& array_field(const json& root, const char* name, const std::string& path) {
  auto it = root.find(name);
  if (it == root.end()) throw Error(path + ": missing top-level field '" + name + "'");
  if (!it->is_array()) throw Error(path + ": top-level field '" + name + "' must be an array");
  return *it;
}

}  // namespace

CocoDataset::CocoDataset(CocoOptions options) : options_(std::move(options)) {
  const std::string& path = options_.annotations;
  require_directory(options_.images, "COCO image folder");
  json root = read_json_file(path);
  if (!root.is_object()) throw Error(path + ": expected a JSON object at the top level");

  const json& categories = array_field(root, "categories", path);
  for (size_t i = 0; i < categories.size(); ++i) {
    Fields c(categories[i], path + ": categories[" + std::to_string(i) + "]");
    categories_[c.integer("id")] = c.string("name");
  }
  const json& images = array_field(root, "images", path);
  std::unordered_map<int64_t, size_t> position;
  for (size_t i = 0; i < images.size(); ++i) {
    Fields f(images[i], path + ": images[" + std::to_string(i) + "]");
    Image image{f.integer("id"), f.string("file_name"), f.integer("width"), f.integer("height"), {}};
    if (!position.emplace(image.id, images_.size()).second)
      throw Error(f.where() + ": duplicate image id " + std::to_string(image.id));
    images_.push_back(std::move(image));
  }
  const json& annotations = array_field(root, "annotations", path);
  for (size_t i = 0; i < annotations.size(); ++i) {
    Fields a(annotations[i], path + ": annotations[" + std::to_string(i) + "]");
    int64_t image_id = a.integer("image_id");
    auto it = position.find(image_id);
    if (it == position.end()) throw Error(a.where() + ": image_id " + std::to_string(image_id) + " is not in 'images'");
    const json& bbox = a.get("bbox");
    if (!bbox.is_array() || bbox.size() != 4 || !std::all_of(bbox.begin(), bbox.end(), [](const json& v) { return v.is_number(); }))
      throw Error(a.where() + ": field 'bbox' must be [x, y, width, height] numbers, got " + bbox.dump());
    ObjectBox box;
    box.x = bbox[0].get<double>();
    box.y = bbox[1].get<double>();
    box.width = bbox[2].get<double>();
    box.height = bbox[3].get<double>();
    box.category_id = a.integer("category_id");
    if (!categories_.count(box.category_id))
      throw Error(a.where() + ": category_id " + std::to_string(box.category_id) + " is not in 'categories'");
    box.is_crowd = a.integer("iscrowd") != 0;
    box.area = a.number("area");
    images_[it->second].objects.push_back(box);
    ++annotation_count_;
  }
  if (options_.skip_empty) std::erase_if(images_, [](const Image& im) { return im.objects.empty(); });
  if (images_.empty()) throw Error(path + ": no images" + (options_.skip_empty ? " with annotations" : ""));
}

Sample CocoDataset::get(size_t index) const {
  const Image& entry = images_.at(index);
  std::string file = resolve_path(options_.images, entry.file);
  Tensor image = read_image(file, options_.color);
  if (image.dim(0) != entry.height || image.dim(1) != entry.width)
    throw Error(file + ": image is " + std::to_string(image.dim(1)) + "x" + std::to_string(image.dim(0)) + ", but " +
                options_.annotations + " says " + std::to_string(entry.width) + "x" + std::to_string(entry.height) +
                " for image id " + std::to_string(entry.id) + " (wrong image folder?)");
  Sample sample;
  sample.inputs.push_back(std::move(image));
  Annotation& label = sample.label;
  label.sample_index = static_cast<int64_t>(index);
  label.source = file;
  label.image_id = entry.id;
  label.image_width = entry.width;
  label.image_height = entry.height;
  label.objects = entry.objects;
  return sample;
}

std::string CocoDataset::describe() const {
  return "coco " + options_.annotations + " (" + std::to_string(images_.size()) + " images, " +
         std::to_string(annotation_count_) + " annotations, " + std::to_string(categories_.size()) + " categories)";
}

}  // namespace qtune::data
