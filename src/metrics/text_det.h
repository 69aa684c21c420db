// Text detection from DB-net probability maps (PaddleOCR's DBPostProcess) and its
// evaluation (PaddleOCR's DetectionIoUEvaluator: precision, recall and hmean).
//
// Boxes: the map is thresholded (0.3), 8-connected components of the binary map are the
// candidates (cv2.findContours' outer contours; holes are not candidates), each becomes
// its minimum-area rotated rectangle over pixel centres; rectangles whose short side is
// under min_size (3) are dropped, as are those whose mean probability inside the box is
// under box_thresh (0.6). The box is then "unclipped": grown by
// d = area * unclip_ratio / perimeter on every side (the rectangle of the rounded polygon
// offset pyclipper computes), dropped if its short side is under min_size + 2, and scaled
// from map to original image pixels (rounded half to even, clipped to the image).
// The probability map must cover the whole image (resize without padding, as
// PaddleOCR's DetResizeForTest does).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "metrics/metric.h"
#include "metrics/polygon.h"

namespace qtune::metrics {

struct DbOptions {
  double thresh = 0.3;
  double box_thresh = 0.6;
  double unclip_ratio = 1.5;
  size_t max_candidates = 1000;
  double min_size = 3;
};

// Quadrilaterals in original-image pixels.
std::vector<Polygon> db_boxes(const float* probability, int64_t height, int64_t width, int64_t image_width,
                              int64_t image_height, const DbOptions& options);

struct TextDetCounts {
  int64_t matched = 0;
  int64_t gt_care = 0;   // ground-truth boxes that count (not "don't care")
  int64_t det_care = 0;  // detections that count (not mostly inside a don't-care box)
};
// One image: a detection covering more than half its area with a don't-care box (crowd
// ground truth, ICDAR's "###") is itself don't-care; then ground truth and detections
// are paired greedily in ground-truth order, one to one, when IoU > iou_threshold
// (strictly, as PaddleOCR compares).
TextDetCounts match_text_boxes(const std::vector<Polygon>& ground_truth, const std::vector<bool>& dont_care,
                               const std::vector<Polygon>& detections, double iou_threshold = 0.5);

// YAML "TextDetHmean": output 0 is the probability map [batch, 1, H, W] (or [batch, H, W]);
// ground truth is the labels' objects (crowd = don't care). result() is the hmean.
class TextDetMetric : public Metric {
 public:
  TextDetMetric(DbOptions db, double iou_threshold, size_t output_index = 0)
      : db_(db), iou_threshold_(iou_threshold), output_index_(output_index) {}
  std::string name() const override { return "TextDetHmean"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  double result() const override;
  std::string summary() const override;
  nlohmann::json to_json() const override;
  void reset() override { totals_ = {}, images_ = 0; }
  double precision() const;
  double recall() const;

 private:
  DbOptions db_;
  double iou_threshold_;
  size_t output_index_;
  TextDetCounts totals_;
  int64_t images_ = 0;
};

}  // namespace qtune::metrics
