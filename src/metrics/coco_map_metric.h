// COCO mAP as a batch metric (YAML "COCOmAP"): ground truth comes from the dataset's
// annotations (absolute-pixel COCO boxes), detections from SSD-style model outputs,
// and the score is pycocotools' evaluation (see coco_eval.h) over all images seen.
#pragma once

#include <optional>
#include <unordered_set>

#include "metrics/coco_eval.h"
#include "metrics/metric.h"

namespace qtune::metrics {

// Which model output holds what (TF Object Detection API names). num_detections < 0:
// the model has no count output and every row is a detection.
struct SsdOutputs {
  int num_detections = -1;
  int boxes = 0;    // [batch, N, 4]: ymin, xmin, ymax, xmax, normalized to [0, 1]
  int scores = 1;   // [batch, N]
  int classes = 2;  // [batch, N], COCO category ids (float or integer)
};
// The usual layouts: 4 outputs = num_detections, boxes, scores, classes (the order the
// TF model zoo lists them); 3 outputs = boxes, scores, classes.
SsdOutputs default_ssd_outputs(size_t num_outputs, const std::string& metric);

// Detections of item `b` of a batch of `batch` in COCO form: boxes scaled by the original image size
// (width, height) to [x, y, w, h] pixels; classes truncated to integers.
std::vector<coco::Detection> decode_ssd_detections(const std::vector<Tensor>& outputs, const SsdOutputs& layout,
                                                   size_t batch, size_t b, int64_t image_id, int64_t width,
                                                   int64_t height, const std::string& metric);

// The 80 category ids of COCO 2014/2017 (1..90 with gaps), the default category list.
const std::vector<int64_t>& coco80_category_ids();

class CocoMapMetric : public Metric {
 public:
  struct Options {
    std::optional<SsdOutputs> outputs;  // default: by output count
    std::vector<int64_t> category_ids;  // default: coco80_category_ids()
    size_t result_stat = 0;             // index into coco::kStatNames ("AP")
  };
  explicit CocoMapMetric(Options options);
  std::string name() const override { return "COCOmAP"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  double result() const override { return evaluation().stats[options_.result_stat]; }
  std::string summary() const override { return coco::format_summary(evaluation().stats); }
  nlohmann::json to_json() const override;
  void reset() override;

  // "AP", "AP50", ... or INC's "DetectionBoxes_Precision/mAP", ".../mAP@.50IOU", ...
  static size_t stat_index(const std::string& key);  // throws listing the allowed keys

 private:
  const coco::EvalResult& evaluation() const;
  Options options_;
  coco::GroundTruth gt_;
  std::vector<coco::Detection> detections_;
  std::unordered_set<int64_t> seen_images_;
  mutable std::optional<coco::EvalResult> cached_;
};

}  // namespace qtune::metrics
