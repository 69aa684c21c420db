// COCO bounding-box evaluation, reproducing pycocotools' COCOeval (evaluate, accumulate,
// summarize) for iouType "bbox" with its default parameters, so the 12 numbers match
// what users get from the official tool:
//  - IoU thresholds .50:.05:.95, recall thresholds 0:.01:1 (101-point interpolated
//    precision with the precision envelope made monotone from the right);
//  - area ranges all [0,1e10], small [0,32^2], medium [32^2,96^2], large [96^2,1e10],
//    inclusive, on the ground truth's `area` and the detection's w*h;
//  - maxDets 1/10/100 per image and category (detections ranked by score, stable);
//  - crowd ground truth: IoU divides by the detection's area, a crowd box can match any
//    number of detections, and detections matched to it (or to an out-of-range ground
//    truth) are ignored; unmatched detections outside the area range are ignored;
//  - a category without (non-ignored) ground truth has precision/recall -1 and is left
//    out of the means; a summary value with nothing to average is -1.
// Quirk kept on purpose: like pycocotools, a detection matched to a ground-truth
// annotation whose id is 0 counts as unmatched (real COCO ids start at 1).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace qtune::metrics::coco {

struct GroundTruthBox {
  int64_t id = 0;
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, width, height (pixels)
  double area = 0;               // as in the annotation file (segmentation area for COCO)
  bool iscrowd = false;
};

struct GroundTruth {
  std::vector<int64_t> image_ids;     // the evaluated images
  std::vector<int64_t> category_ids;  // the evaluated categories
  std::vector<GroundTruthBox> annotations;
};

struct Detection {
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, width, height
  double score = 0;
};

// AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (COCOeval.stats order).
constexpr size_t kNumStats = 12;
extern const std::array<const char*, kNumStats> kStatNames;

struct EvalResult {
  std::array<double, kNumStats> stats{};
  std::vector<int64_t> category_ids;  // sorted
  std::vector<double> category_ap;    // AP@[.50:.95], all areas, 100 dets; -1 without ground truth
  size_t num_images = 0;
  size_t num_detections = 0;  // detections on evaluated images and categories
};

// Detections on images or categories outside `gt` are left out (the result loader
// rejects unknown images earlier, as pycocotools does).
EvalResult evaluate(const GroundTruth& gt, const std::vector<Detection>& detections);

// The 12 lines pycocotools' summarize() prints, each ending in '\n'.
std::string format_summary(const std::array<double, kNumStats>& stats);

// np.mean of a float64 array, with numpy's summation order (pairwise within blocks of
// 8192), so the summary values match pycocotools to the last bit.
double numpy_mean(const std::vector<double>& values);

}  // namespace qtune::metrics::coco
