#include "metrics/coco_map_metric.h"

#include <fmt/format.h>

#include "qtune/error.h"

namespace qtune::metrics {

SsdOutputs default_ssd_outputs(size_t num_outputs, const std::string& metric) {
  if (num_outputs == 4) return {0, 1, 2, 3};
  if (num_outputs == 3) return {-1, 0, 1, 2};
  throw Error(
      fmt::format("{}: the model has {} output(s); SSD-style detection needs 3 (boxes, scores, classes) or 4 "
                  "(num_detections, boxes, scores, classes), or set output_index_mapping",
                  metric, num_outputs));
}

std::vector<coco::Detection> decode_ssd_detections(const std::vector<Tensor>& outputs, const SsdOutputs& layout,
                                                   size_t batch, size_t b, int64_t image_id, int64_t width,
                                                   int64_t height, const std::string& metric) {
  const int64_t box_values = per_sample_size(metric, outputs, static_cast<size_t>(layout.boxes), batch);
  const int64_t rows = box_values / 4;
  if (box_values % 4 != 0)
    throw Error(fmt::format("{}: boxes output {} is {}, expected [batch, N, 4]", metric, layout.boxes,
                            outputs[layout.boxes].describe()));
  for (int index : {layout.scores, layout.classes})
    if (per_sample_size(metric, outputs, static_cast<size_t>(index), batch) != rows)
      throw Error(fmt::format("{}: output {} is {}, expected [batch, {}] to match the boxes", metric, index,
                              outputs[index].describe(), rows));
  int64_t count = rows;
  if (layout.num_detections >= 0) {
    const Tensor& num = outputs[static_cast<size_t>(layout.num_detections)];
    per_sample_size(metric, outputs, static_cast<size_t>(layout.num_detections), batch);
    const double n = element(num, static_cast<int64_t>(b) * (num.numel() / static_cast<int64_t>(batch)));
    if (!(n >= 0)) throw Error(fmt::format("{}: num_detections output is {} for batch item {}", metric, n, b));
    count = std::min<int64_t>(rows, static_cast<int64_t>(n));
  }
  const Tensor& boxes = outputs[layout.boxes];
  const Tensor& scores = outputs[layout.scores];
  const Tensor& classes = outputs[layout.classes];
  const auto w = static_cast<double>(width), h = static_cast<double>(height);
  std::vector<coco::Detection> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t row = static_cast<int64_t>(b) * rows + i;
    const double ymin = element(boxes, row * 4), xmin = element(boxes, row * 4 + 1);
    const double ymax = element(boxes, row * 4 + 2), xmax = element(boxes, row * 4 + 3);
    coco::Detection d;
    d.image_id = image_id;
    d.category_id = static_cast<int64_t>(element(classes, row));
    d.bbox = {xmin * w, ymin * h, (xmax - xmin) * w, (ymax - ymin) * h};
    d.score = element(scores, row);
    out.push_back(d);
  }
  return out;
}

const std::vector<int64_t>& coco80_category_ids() {
  static const std::vector<int64_t> ids = [] {
    std::vector<int64_t> v;
    for (int64_t id = 1; id <= 90; ++id)
      if (id != 12 && id != 26 && id != 29 && id != 30 && id != 45 && id != 66 && id != 68 && id != 69 && id != 71 &&
          id != 83)
        v.push_back(id);
    return v;
  }();
  return ids;
}

CocoMapMetric::CocoMapMetric(Options options) : options_(std::move(options)) {
  if (options_.category_ids.empty()) options_.category_ids = coco80_category_ids();
  if (options_.result_stat >= coco::kNumStats) throw Error("COCOmAP: result statistic index out of range");
  gt_.category_ids = options_.category_ids;
}

void CocoMapMetric::update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) {
  const SsdOutputs layout = options_.outputs ? *options_.outputs : default_ssd_outputs(outputs.size(), name());
  for (int index : {layout.boxes, layout.scores, layout.classes, layout.num_detections})
    if (index >= 0) per_sample_size(name(), outputs, static_cast<size_t>(index), labels.size());
  cached_.reset();
  for (size_t b = 0; b < labels.size(); ++b) {
    const data::Annotation& label = labels[b];
    const int64_t image_id = label.image_id ? *label.image_id : label.sample_index;
    if (!seen_images_.insert(image_id).second) continue;  // an image counts once, as in INC's COCOmAP
    if (label.image_width <= 0 || label.image_height <= 0)
      throw Error(sample_context(name(), label) + ": the original image size is unknown (needed to scale the boxes)");
    gt_.image_ids.push_back(image_id);
    for (const data::ObjectBox& o : label.objects) {
      coco::GroundTruthBox g;
      g.id = static_cast<int64_t>(gt_.annotations.size()) + 1;
      g.image_id = image_id;
      g.category_id = o.category_id;
      g.bbox = {o.x, o.y, o.width, o.height};
      g.area = o.area >= 0 ? o.area : o.width * o.height;
      g.iscrowd = o.is_crowd;
      gt_.annotations.push_back(g);
    }
    auto found = decode_ssd_detections(outputs, layout, labels.size(), b, image_id, label.image_width,
                                       label.image_height, name());
    detections_.insert(detections_.end(), found.begin(), found.end());
  }
}

const coco::EvalResult& CocoMapMetric::evaluation() const {
  if (gt_.image_ids.empty()) throw Error("COCOmAP: no images were evaluated");
  if (!cached_) cached_ = coco::evaluate(gt_, detections_);
  return *cached_;
}

nlohmann::json CocoMapMetric::to_json() const {
  const auto& e = evaluation();
  nlohmann::json j = Metric::to_json();
  j["result_key"] = coco::kStatNames[options_.result_stat];
  for (size_t i = 0; i < coco::kNumStats; ++i) j["stats"][coco::kStatNames[i]] = e.stats[i];
  for (size_t k = 0; k < e.category_ids.size(); ++k)
    j["category_ap"][std::to_string(e.category_ids[k])] = e.category_ap[k];
  j["images"] = e.num_images;
  j["detections"] = e.num_detections;
  return j;
}

void CocoMapMetric::reset() {
  gt_.image_ids.clear();
  gt_.annotations.clear();
  detections_.clear();
  seen_images_.clear();
  cached_.reset();
}

size_t CocoMapMetric::stat_index(const std::string& key) {
  static const char* inc_names[coco::kNumStats] = {
      "Precision/mAP",         "Precision/mAP@.50IOU",   "Precision/mAP@.75IOU",
      "Precision/mAP (small)", "Precision/mAP (medium)", "Precision/mAP (large)",
      "Recall/AR@1",           "Recall/AR@10",           "Recall/AR@100",
      "Recall/AR@100 (small)", "Recall/AR@100 (medium)", "Recall/AR@100 (large)"};
  std::string allowed;
  for (size_t i = 0; i < coco::kNumStats; ++i) {
    if (key == coco::kStatNames[i] || key == std::string("DetectionBoxes_") + inc_names[i]) return i;
    allowed += (i ? ", " : "") + std::string(coco::kStatNames[i]);
  }
  throw Error("'" + key + "' is not a COCO statistic; allowed: " + allowed +
              " (or INC's DetectionBoxes_Precision/mAP-style names)");
}

}  // namespace qtune::metrics
