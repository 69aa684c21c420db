// pycocotools' summary: the numpy mean of the valid cells and the 12 printed lines.
#include <algorithm>
#include <cstdio>

#include "metrics/coco_eval.h"

namespace qtune::metrics::coco {
namespace {

// numpy's pairwise summation (pairwise_sum in its loops): 8 accumulators up to 128
// elements, halving above that.
double pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += a[i];
    return s;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += a[i];
    return s;
  }
  size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

}  // namespace

double numpy_mean(const std::vector<double>& values) {
  // np.add.reduce runs its pairwise summation over buffers of 8192 elements and adds the
  // buffer sums in order, starting from 0.
  constexpr size_t kBuffer = 8192;
  double sum = 0;
  for (size_t start = 0; start < values.size(); start += kBuffer)
    sum += pairwise_sum(values.data() + start, std::min(kBuffer, values.size() - start));
  return sum / static_cast<double>(values.size());
}

std::string format_summary(const std::array<double, kNumStats>& stats) {
  struct Line {
    bool ap;
    const char* iou;
    const char* area;
    int max_dets;
  };
  static const Line lines[kNumStats] = {
      {true, "0.50:0.95", "all", 100},    {true, "0.50", "all", 100},          {true, "0.75", "all", 100},
      {true, "0.50:0.95", "small", 100},  {true, "0.50:0.95", "medium", 100},  {true, "0.50:0.95", "large", 100},
      {false, "0.50:0.95", "all", 1},     {false, "0.50:0.95", "all", 10},     {false, "0.50:0.95", "all", 100},
      {false, "0.50:0.95", "small", 100}, {false, "0.50:0.95", "medium", 100}, {false, "0.50:0.95", "large", 100}};
  std::string out;
  char buffer[160];
  for (size_t i = 0; i < kNumStats; ++i) {
    const Line& l = lines[i];
    // pycocotools: ' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'
    std::snprintf(buffer, sizeof buffer, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %0.3f\n",
                  l.ap ? "Average Precision" : "Average Recall", l.ap ? "(AP)" : "(AR)", l.iou, l.area, l.max_dets,
                  stats[i]);
    out += buffer;
  }
  return out;
}

}  // namespace qtune::metrics::coco
