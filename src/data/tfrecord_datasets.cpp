#include "data/tfrecord_datasets.h"

#include <charconv>

#include "data/tf_example.h"

namespace qtune::data {
namespace {

std::string shard_summary(const TFRecordIndex& index) {
  return std::to_string(index.size()) + " records in " + std::to_string(index.files().size()) + " file" +
         (index.files().size() == 1 ? "" : "s");
}

}  // namespace

TFRecordImageNetDataset::TFRecordImageNetDataset(TFRecordImageNetOptions options)
    : options_(std::move(options)), index_(expand_file_pattern(options_.pattern)) {
  if (index_.size() == 0) throw Error(options_.pattern + ": TFRecord files contain no records");
}

Sample TFRecordImageNetDataset::get(size_t index) const {
  std::string where = index_.where(index);
  ExampleReader example(index_.read(index), where);
  Sample sample;
  sample.inputs.push_back(decode_image(example.bytes("image/encoded"), options_.color, where + ": image/encoded"));
  int64_t label = example.int64("image/class/label") - options_.label_shift;
  if (label < 0 || (options_.num_classes && label >= *options_.num_classes))
    throw Error(where + ": feature 'image/class/label': label " + std::to_string(label + options_.label_shift) +
                (options_.label_shift ? " - label_shift " + std::to_string(options_.label_shift) : std::string()) +
                " is out of range [0, " + (options_.num_classes ? std::to_string(*options_.num_classes) : std::string("inf")) + ")");
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = where;
  sample.label.class_id = label;
  sample.label.image_height = sample.inputs[0].dim(0);
  sample.label.image_width = sample.inputs[0].dim(1);
  return sample;
}

std::string TFRecordImageNetDataset::describe() const {
  return "tfrecord_imagenet " + options_.pattern + " (" + shard_summary(index_) +
         (options_.label_shift ? ", label_shift " + std::to_string(options_.label_shift) : std::string()) + ")";
}

TFRecordCocoDataset::TFRecordCocoDataset(TFRecordCocoOptions options)
    : options_(std::move(options)), index_(expand_file_pattern(options_.pattern)) {
  if (index_.size() == 0) throw Error(options_.pattern + ": TFRecord files contain no records");
}

Sample TFRecordCocoDataset::get(size_t index) const {
  std::string where = index_.where(index);
  ExampleReader example(index_.read(index), where);
  Sample sample;
  Tensor image = decode_image(example.bytes("image/encoded"), options_.color, where + ": image/encoded");
  const double height = static_cast<double>(image.dim(0)), width = static_cast<double>(image.dim(1));
  Annotation& label = sample.label;
  label.sample_index = static_cast<int64_t>(index);
  label.source = where;
  label.image_height = image.dim(0);
  label.image_width = image.dim(1);
  label.image_id = static_cast<int64_t>(index);
  if (example.has("image/source_id")) {
    const std::string& id = example.bytes("image/source_id");
    int64_t value = 0;
    auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (error == std::errc() && end == id.data() + id.size() && !id.empty()) label.image_id = value;
  }
  auto xmin = example.floats("image/object/bbox/xmin", false), ymin = example.floats("image/object/bbox/ymin", false),
       xmax = example.floats("image/object/bbox/xmax", false), ymax = example.floats("image/object/bbox/ymax", false);
  auto classes = example.int64s("image/object/class/label", false);
  auto crowd = example.int64s("image/object/is_crowd", false);
  auto area = example.floats("image/object/area", false);
  size_t n = classes.size();
  auto check = [&](size_t count, const char* key, bool optional) {
    if (count != n && !(optional && count == 0))
      throw Error(where + ": feature '" + key + "' has " + std::to_string(count) + " values, but image/object/class/label has " +
                  std::to_string(n));
  };
  check(xmin.size(), "image/object/bbox/xmin", false);
  check(ymin.size(), "image/object/bbox/ymin", false);
  check(xmax.size(), "image/object/bbox/xmax", false);
  check(ymax.size(), "image/object/bbox/ymax", false);
  check(crowd.size(), "image/object/is_crowd", true);
  check(area.size(), "image/object/area", true);
  for (size_t i = 0; i < n; ++i) {
    if (!(xmin[i] <= xmax[i] && ymin[i] <= ymax[i]))
      throw Error(where + ": object " + std::to_string(i) + ": box has xmin > xmax or ymin > ymax (or NaN)");
    ObjectBox box;
    box.x = xmin[i] * width;
    box.y = ymin[i] * height;
    box.width = (xmax[i] - xmin[i]) * width;
    box.height = (ymax[i] - ymin[i]) * height;
    box.category_id = classes[i];
    box.is_crowd = !crowd.empty() && crowd[i] != 0;
    if (!area.empty()) box.area = area[i];
    label.objects.push_back(box);
  }
  sample.inputs.push_back(std::move(image));
  return sample;
}

std::string TFRecordCocoDataset::describe() const { return "tfrecord_coco " + options_.pattern + " (" + shard_summary(index_) + ")"; }

}  // namespace qtune::data
