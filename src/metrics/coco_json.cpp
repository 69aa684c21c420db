#include "metrics/coco_json.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "qtune/error.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

namespace qtune::metrics::coco {
namespace {

using nlohmann::json;

const json& field(const json& record, const char* key, const std::string& where) {
  if (!record.is_object()) throw Error(where + ": expected a JSON object, got " + record.type_name());
  auto it = record.find(key);
  if (it == record.end()) throw Error(where + ": missing '" + key + "'");
  return *it;
}

double number(const json& value, const std::string& where) {
  if (!value.is_number()) throw Error(where + ": expected a number, got " + value.type_name());
  const double v = value.get<double>();
  if (!std::isfinite(v)) throw Error(where + ": expected a finite number");
  return v;
}

// COCO ids are integers; 17.0 is accepted as 17 (Python compares them equal).
int64_t id_value(const json& value, const std::string& where) {
  if (value.is_number_integer()) return value.get<int64_t>();
  const double v = number(value, where);
  if (v != std::floor(v) || std::fabs(v) > 9e15)
    throw Error(fmt::format("{}: expected an integer id, got {}", where, v));
  return static_cast<int64_t>(v);
}

std::array<double, 4> bbox(const json& value, const std::string& where) {
  if (!value.is_array() || value.size() != 4)
    throw Error(where + ": expected [x, y, width, height], got " +
                (value.is_array() ? fmt::format("{} values", value.size()) : std::string(value.type_name())));
  std::array<double, 4> box{};
  for (size_t i = 0; i < 4; ++i) box[i] = number(value[i], fmt::format("{}[{}]", where, i));
  return box;
}

const json& array_field(const json& root, const char* key, const std::string& path) {
  const json& value = field(root, key, path);
  if (!value.is_array()) throw Error(fmt::format("{}: '{}' must be an array, got {}", path, key, value.type_name()));
  return value;
}

}  // namespace

GroundTruth load_ground_truth(const std::string& path) {
  const json root = read_json_file(path);
  GroundTruth gt;
  const json& images = array_field(root, "images", path);
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string where = fmt::format("{}: images[{}]", path, i);
    gt.image_ids.push_back(id_value(field(images[i], "id", where), where + ".id"));
  }
  const json& categories = array_field(root, "categories", path);
  for (size_t i = 0; i < categories.size(); ++i) {
    const std::string where = fmt::format("{}: categories[{}]", path, i);
    gt.category_ids.push_back(id_value(field(categories[i], "id", where), where + ".id"));
  }
  if (!root.contains("annotations")) return gt;
  const json& annotations = array_field(root, "annotations", path);
  gt.annotations.reserve(annotations.size());
  for (size_t i = 0; i < annotations.size(); ++i) {
    const json& a = annotations[i];
    const std::string where = fmt::format("{}: annotations[{}]", path, i);
    GroundTruthBox box;
    box.id = id_value(field(a, "id", where), where + ".id");
    box.image_id = id_value(field(a, "image_id", where), where + ".image_id");
    box.category_id = id_value(field(a, "category_id", where), where + ".category_id");
    box.bbox = bbox(field(a, "bbox", where), where + ".bbox");
    box.area = a.contains("area") ? number(a["area"], where + ".area") : box.bbox[2] * box.bbox[3];
    if (a.contains("iscrowd")) {
      const json& crowd = a["iscrowd"];
      if (crowd.is_boolean())
        box.iscrowd = crowd.get<bool>();
      else
        box.iscrowd = number(crowd, where + ".iscrowd") != 0;
    }
    gt.annotations.push_back(box);
  }
  return gt;
}

std::vector<Detection> load_detections(const std::string& path, const GroundTruth& gt) {
  const json root = read_json_file(path);
  if (!root.is_array())
    throw Error(
        fmt::format("{}: expected a JSON array of detections (COCO results format), got {}", path, root.type_name()));
  const std::unordered_set<int64_t> images(gt.image_ids.begin(), gt.image_ids.end());
  std::vector<Detection> detections;
  detections.reserve(root.size());
  for (size_t i = 0; i < root.size(); ++i) {
    const json& r = root[i];
    const std::string where = fmt::format("{}: record {}", path, i);
    Detection d;
    d.image_id = id_value(field(r, "image_id", where), where + ": image_id");
    if (!images.count(d.image_id))
      throw Error(
          fmt::format("{}: image_id {} is not an image of the ground truth (pycocotools' loadRes refuses "
                      "results for images outside the annotation file)",
                      where, d.image_id));
    d.category_id = id_value(field(r, "category_id", where), where + ": category_id");
    d.bbox = bbox(field(r, "bbox", where), where + ": bbox");
    d.score = number(field(r, "score", where), where + ": score");
    detections.push_back(d);
  }
  return detections;
}

}  // namespace qtune::metrics::coco
