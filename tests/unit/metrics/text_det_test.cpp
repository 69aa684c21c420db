#include "metrics/text_det.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/polygon.h"
#include "qtune/error.h"

namespace qtune::metrics {
namespace {

TEST(MetricPolygon, RectanglesAndIntersections) {
  // A 10x2 rectangle rotated by 45 degrees: the minimum-area rectangle recovers 10 x 2.
  std::vector<Point> rotated;
  const double c = std::sqrt(0.5);
  for (auto [u, v] : std::vector<std::pair<double, double>>{{0, 0}, {10, 0}, {10, 2}, {0, 2}, {5, 1}})
    rotated.push_back({u * c - v * c, u * c + v * c});
  const RotatedRect r = min_area_rect(rotated);
  EXPECT_NEAR(std::max(r.width, r.height), 10, 1e-9);
  EXPECT_NEAR(std::min(r.width, r.height), 2, 1e-9);
  // Unit squares offset by half a side: intersection 1/2, union 3/2 -> IoU 1/3.
  const Polygon a = {{0, 0}, {1, 0}, {1, 1}, {0, 1}}, b = {{0.5, 0}, {1.5, 0}, {1.5, 1}, {0.5, 1}};
  EXPECT_NEAR(convex_iou(a, b), 1.0 / 3, 1e-12);
  const Polygon clockwise(b.rbegin(), b.rend());
  EXPECT_NEAR(convex_iou(a, clockwise), 1.0 / 3, 1e-12);
  EXPECT_EQ(convex_iou(a, {{5, 5}, {6, 5}, {6, 6}, {5, 6}}), 0);
}

// Probability map 20 x 40 for an 80 x 40 image (scale 2):
//  - text block rows 5..9, cols 10..29 at 0.9: pixel-centre rectangle 19 x 4, score .9;
//    unclip d = 76 * 1.5 / 46 = 2.478 -> 23.96 x 8.96 around (19.5, 7) -> x 7.52..31.48,
//    y 2.52..11.48 -> scaled and rounded: (15, 5) - (63, 23)
//  - a 2 x 2 blob (short side 1 < 3): dropped
//  - a 9 x 5 block at 0.4 (above thresh .3, mean below box_thresh .6): dropped
std::vector<float> probability_map() {
  std::vector<float> map(20 * 40, 0.0f);
  auto fill = [&](int y0, int y1, int x0, int x1, float v) {
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) map[y * 40 + x] = v;
  };
  fill(5, 9, 10, 29, 0.9f);
  fill(15, 16, 2, 3, 0.9f);
  fill(14, 18, 30, 38, 0.4f);
  return map;
}

TEST(MetricTextDet, DbBoxesFromProbabilityMap) {
  const auto map = probability_map();
  const auto boxes = db_boxes(map.data(), 20, 40, 80, 40, {});
  ASSERT_EQ(boxes.size(), 1u);
  double min_x = 1e9, max_x = -1e9, min_y = 1e9, max_y = -1e9;
  for (const Point& p : boxes[0]) {
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  EXPECT_EQ(min_x, 15);
  EXPECT_EQ(max_x, 63);
  EXPECT_EQ(min_y, 5);
  EXPECT_EQ(max_y, 23);
}

// Ground truth: (16,6)-(62,22), IoU with (15,5)-(63,23) = 736/864 = .85 -> matched; and
// (70,30) 8x8, missed. Precision 1/1, recall 1/2, hmean 2/3.
TEST(MetricTextDet, HmeanOverImages) {
  const auto map = probability_map();
  data::Annotation label;
  label.image_width = 80;
  label.image_height = 40;
  label.objects.push_back({16, 6, 46, 16, 0, false, -1});
  label.objects.push_back({70, 30, 8, 8, 0, false, -1});
  TextDetMetric metric({}, 0.5);
  metric.update({Tensor::from_vector<float>({1, 1, 20, 40}, map)}, {label});
  EXPECT_DOUBLE_EQ(metric.precision(), 1);
  EXPECT_DOUBLE_EQ(metric.recall(), 0.5);
  EXPECT_DOUBLE_EQ(metric.result(), 2.0 / 3);
  // A crowd ("###") box over the detection makes it don't-care: no detection counts, one
  // ground truth does -> precision 0 (no detections), recall 0, hmean 0.
  metric.reset();
  label.objects[0].is_crowd = true;
  metric.update({Tensor::from_vector<float>({1, 1, 20, 40}, map)}, {label});
  EXPECT_EQ(metric.to_json()["detections"].get<int64_t>(), 0);
  EXPECT_EQ(metric.to_json()["ground_truth"].get<int64_t>(), 1);
  EXPECT_EQ(metric.result(), 0);
  data::Annotation no_size;
  EXPECT_THROW(metric.update({Tensor::from_vector<float>({1, 1, 20, 40}, map)}, {no_size}), Error);
}

// Greedy in ground-truth order and strictly above the threshold (PaddleOCR).
TEST(MetricTextDet, MatchingIsOneToOneAndStrict) {
  const Polygon g1 = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  const Polygon half = {{0, 0}, {10, 0}, {10, 20}, {0, 20}};  // IoU with g1 exactly 0.5
  auto counts = match_text_boxes({g1}, {false}, {half});
  EXPECT_EQ(counts.matched, 0);
  counts = match_text_boxes({g1, g1}, {false, false}, {g1});
  EXPECT_EQ(counts.matched, 1);
  EXPECT_EQ(counts.gt_care, 2);
  EXPECT_EQ(counts.det_care, 1);
}

}  // namespace
}  // namespace qtune::metrics
