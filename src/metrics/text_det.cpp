#include "metrics/text_det.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "qtune/error.h"

namespace qtune::metrics {
namespace {

// Pixels (x, y) of each 8-connected component of the binary map, in raster order of
// their first pixel; only each row's leftmost and rightmost pixel are kept (same hull).
std::vector<std::vector<Point>> component_outlines(const std::vector<uint8_t>& bitmap, int64_t height, int64_t width,
                                                   size_t max_components) {
  std::vector<int32_t> label(bitmap.size(), -1);
  std::vector<std::vector<Point>> outlines;
  std::vector<int64_t> stack;
  std::vector<std::pair<int64_t, int64_t>> row_extent;  // per row of the component's box: min x, max x
  for (int64_t start = 0; start < height * width && outlines.size() < max_components; ++start) {
    if (!bitmap[static_cast<size_t>(start)] || label[static_cast<size_t>(start)] >= 0) continue;
    const auto id = static_cast<int32_t>(outlines.size());
    int64_t y0 = start / width, y1 = y0;
    row_extent.assign(static_cast<size_t>(height), {INT64_MAX, -1});
    stack.assign(1, start);
    label[static_cast<size_t>(start)] = id;
    while (!stack.empty()) {
      const int64_t p = stack.back();
      stack.pop_back();
      const int64_t y = p / width, x = p % width;
      auto& extent = row_extent[static_cast<size_t>(y)];
      extent.first = std::min(extent.first, x);
      extent.second = std::max(extent.second, x);
      y0 = std::min(y0, y), y1 = std::max(y1, y);
      for (int64_t dy = -1; dy <= 1; ++dy)
        for (int64_t dx = -1; dx <= 1; ++dx) {
          const int64_t ny = y + dy, nx = x + dx;
          if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
          const auto q = static_cast<size_t>(ny * width + nx);
          if (bitmap[q] && label[q] < 0) {
            label[q] = id;
            stack.push_back(ny * width + nx);
          }
        }
    }
    std::vector<Point> points;
    for (int64_t y = y0; y <= y1; ++y) {
      const auto& extent = row_extent[static_cast<size_t>(y)];
      if (extent.second < 0) continue;
      points.push_back({static_cast<double>(extent.first), static_cast<double>(y)});
      points.push_back({static_cast<double>(extent.second), static_cast<double>(y)});
    }
    outlines.push_back(std::move(points));
  }
  return outlines;
}

bool inside_convex(const std::array<Point, 4>& quad, double x, double y) {
  bool has_positive = false, has_negative = false;
  for (size_t i = 0; i < 4; ++i) {
    const Point& a = quad[i];
    const Point& b = quad[(i + 1) % 4];
    const double c = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    has_positive |= c > 0;
    has_negative |= c < 0;
  }
  return !(has_positive && has_negative);
}

// PaddleOCR's box_score_fast: mean probability over the pixels inside the box, whose
// corners are truncated to integers within the box's bounding rectangle.
double box_score(const float* probability, int64_t height, int64_t width, const std::array<Point, 4>& box) {
  double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
  for (const Point& p : box) {
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  const auto x0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(min_x)), 0, width - 1);
  const auto x1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(max_x)), 0, width - 1);
  const auto y0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(min_y)), 0, height - 1);
  const auto y1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(max_y)), 0, height - 1);
  std::array<Point, 4> local;
  for (size_t i = 0; i < 4; ++i)
    local[i] = {std::trunc(box[i].x - static_cast<double>(x0)), std::trunc(box[i].y - static_cast<double>(y0))};
  double sum = 0;
  int64_t count = 0;
  for (int64_t y = y0; y <= y1; ++y)
    for (int64_t x = x0; x <= x1; ++x)
      if (inside_convex(local, static_cast<double>(x - x0), static_cast<double>(y - y0))) {
        sum += probability[y * width + x];
        ++count;
      }
  return count ? sum / static_cast<double>(count) : 0;
}

}  // namespace

std::vector<Polygon> db_boxes(const float* probability, int64_t height, int64_t width, int64_t image_width,
                              int64_t image_height, const DbOptions& options) {
  std::vector<uint8_t> bitmap(static_cast<size_t>(height * width));
  for (size_t i = 0; i < bitmap.size(); ++i) bitmap[i] = probability[i] > options.thresh;
  std::vector<Polygon> boxes;
  for (const auto& outline : component_outlines(bitmap, height, width, options.max_candidates)) {
    RotatedRect rect = min_area_rect(outline);
    if (std::min(rect.width, rect.height) < options.min_size) continue;
    if (box_score(probability, height, width, rect.corners()) < options.box_thresh) continue;
    const double perimeter = 2 * (rect.width + rect.height);
    const double distance = rect.width * rect.height * options.unclip_ratio / perimeter;
    rect.width += 2 * distance;
    rect.height += 2 * distance;
    if (std::min(rect.width, rect.height) < options.min_size + 2) continue;
    Polygon box;
    for (const Point& p : rect.corners()) {
      const double x = std::nearbyint(p.x / static_cast<double>(width) * static_cast<double>(image_width));
      const double y = std::nearbyint(p.y / static_cast<double>(height) * static_cast<double>(image_height));
      box.push_back({std::clamp(x, 0.0, static_cast<double>(image_width)),
                     std::clamp(y, 0.0, static_cast<double>(image_height))});
    }
    boxes.push_back(std::move(box));
  }
  return boxes;
}

TextDetCounts match_text_boxes(const std::vector<Polygon>& ground_truth, const std::vector<bool>& dont_care,
                               const std::vector<Polygon>& detections, double iou_threshold) {
  // Degenerate (zero-area) polygons are skipped, as shapely's is_valid check does.
  std::vector<const Polygon*> gts, dets;
  std::vector<bool> gt_ignore, det_ignore;
  for (size_t i = 0; i < ground_truth.size(); ++i)
    if (polygon_area(ground_truth[i]) > 0) {
      gts.push_back(&ground_truth[i]);
      gt_ignore.push_back(i < dont_care.size() && dont_care[i]);
    }
  for (const Polygon& d : detections) {
    if (polygon_area(d) <= 0) continue;
    bool ignore = false;
    for (size_t g = 0; g < gts.size() && !ignore; ++g)
      if (gt_ignore[g]) ignore = polygon_area(convex_intersection(*gts[g], d)) / polygon_area(d) > 0.5;
    dets.push_back(&d);
    det_ignore.push_back(ignore);
  }
  TextDetCounts counts;
  std::vector<bool> gt_used(gts.size()), det_used(dets.size());
  for (size_t g = 0; g < gts.size(); ++g)
    for (size_t d = 0; d < dets.size(); ++d) {
      if (gt_used[g] || det_used[d] || gt_ignore[g] || det_ignore[d]) continue;
      if (convex_iou(*gts[g], *dets[d]) > iou_threshold) {
        gt_used[g] = det_used[d] = true;
        ++counts.matched;
      }
    }
  counts.gt_care = static_cast<int64_t>(std::count(gt_ignore.begin(), gt_ignore.end(), false));
  counts.det_care = static_cast<int64_t>(std::count(det_ignore.begin(), det_ignore.end(), false));
  return counts;
}

void TextDetMetric::update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) {
  const int64_t per_sample = per_sample_size(name(), outputs, output_index_, labels.size());
  const Tensor& map = outputs[output_index_];
  if (map.rank() < 3 || map.dim(-1) * map.dim(-2) != per_sample)
    throw Error(fmt::format("{}: output {} is {}, expected a probability map [batch, 1, H, W]", name(), output_index_,
                            map.describe()));
  const int64_t height = map.dim(-2), width = map.dim(-1);
  std::vector<float> converted;
  for (size_t b = 0; b < labels.size(); ++b) {
    const data::Annotation& label = labels[b];
    if (label.image_width <= 0 || label.image_height <= 0)
      throw Error(sample_context(name(), label) + ": the original image size is unknown (needed to scale the boxes)");
    const float* probability = nullptr;
    if (map.dtype() == DataType::Float32) {
      probability = map.data<float>() + static_cast<int64_t>(b) * per_sample;
    } else {
      converted.resize(static_cast<size_t>(per_sample));
      for (int64_t i = 0; i < per_sample; ++i)
        converted[static_cast<size_t>(i)] =
            static_cast<float>(map.value_as_double(static_cast<int64_t>(b) * per_sample + i));
      probability = converted.data();
    }
    const auto found = db_boxes(probability, height, width, label.image_width, label.image_height, db_);
    std::vector<Polygon> truth;
    std::vector<bool> dont_care;
    for (const data::ObjectBox& o : label.objects) {
      truth.push_back({{o.x, o.y}, {o.x + o.width, o.y}, {o.x + o.width, o.y + o.height}, {o.x, o.y + o.height}});
      dont_care.push_back(o.is_crowd);
    }
    const TextDetCounts c = match_text_boxes(truth, dont_care, found, iou_threshold_);
    totals_.matched += c.matched;
    totals_.gt_care += c.gt_care;
    totals_.det_care += c.det_care;
    ++images_;
  }
}

double TextDetMetric::precision() const {
  return totals_.det_care ? static_cast<double>(totals_.matched) / static_cast<double>(totals_.det_care) : 0;
}
double TextDetMetric::recall() const {
  return totals_.gt_care ? static_cast<double>(totals_.matched) / static_cast<double>(totals_.gt_care) : 0;
}

double TextDetMetric::result() const {
  if (images_ == 0) throw Error("TextDetHmean: no images were evaluated");
  const double p = precision(), r = recall();
  return p + r == 0 ? 0 : 2 * r * p / (r + p);
}

std::string TextDetMetric::summary() const {
  return fmt::format(
      "text detection: precision {:.4f}, recall {:.4f}, hmean {:.4f} ({} matched, {} ground truth, {} "
      "detections, {} images)",
      precision(), recall(), result(), totals_.matched, totals_.gt_care, totals_.det_care, images_);
}

nlohmann::json TextDetMetric::to_json() const {
  nlohmann::json j = Metric::to_json();
  j["precision"] = precision();
  j["recall"] = recall();
  j["hmean"] = result();
  j["matched"] = totals_.matched;
  j["ground_truth"] = totals_.gt_care;
  j["detections"] = totals_.det_care;
  j["images"] = images_;
  return j;
}

}  // namespace qtune::metrics
