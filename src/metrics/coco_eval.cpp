#include "metrics/coco_eval.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace qtune::metrics::coco {
namespace {

constexpr size_t T = 10, R = 101, A = 4, M = 3;
constexpr size_t kMaxDets[M] = {1, 10, 100};
// all, small, medium, large (pycocotools: [0, 1e5**2], [0, 32**2], [32**2, 96**2], [96**2, 1e5**2]).
constexpr double kAreaLow[A] = {0, 0, 32.0 * 32.0, 96.0 * 96.0};
constexpr double kAreaHigh[A] = {1e10, 32.0 * 32.0, 96.0 * 96.0, 1e10};

// numpy.linspace(start, stop, num): i * ((stop - start) / (num - 1)) + start, last = stop.
template <size_t N>
std::array<double, N> linspace(double start, double stop) {
  std::array<double, N> out{};
  const double step = (stop - start) / static_cast<double>(N - 1);
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<double>(i) * step + start;
  out[N - 1] = stop;
  return out;
}
const std::array<double, T> kIouThresholds = linspace<T>(0.5, 0.95);
const std::array<double, R> kRecallThresholds = linspace<R>(0.0, 1.0);

// pycocotools' bbox IoU (maskApi.c bbIou): for a crowd ground truth the union is the
// detection's own area.
double box_iou(const std::array<double, 4>& d, const std::array<double, 4>& g, bool crowd) {
  const double w = std::min(d[2] + d[0], g[2] + g[0]) - std::max(d[0], g[0]);
  if (w <= 0) return 0;
  const double h = std::min(d[3] + d[1], g[3] + g[1]) - std::max(d[1], g[1]);
  if (h <= 0) return 0;
  const double inter = w * h;
  const double union_area = crowd ? d[2] * d[3] : d[2] * d[3] + g[2] * g[3] - inter;
  return inter / union_area;
}

// Higher score first; NaN last (numpy sorts -NaN to the end).
bool score_before(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a > b;
}

// One image x category x area range, after matching (pycocotools' evalImgs entry).
struct ImageEval {
  size_t gt_not_ignored = 0;
  std::vector<double> scores;  // detections, best first, at most 100
  std::vector<uint8_t> flags;  // [T][D]: bit 0 matched, bit 1 ignored
};
constexpr uint8_t kMatched = 1, kIgnored = 2;

void evaluate_cell(const std::vector<const GroundTruthBox*>& gts, const std::vector<const Detection*>& dts_in,
                   std::array<std::vector<ImageEval>, A>& out) {
  std::vector<const Detection*> dts = dts_in;
  std::stable_sort(dts.begin(), dts.end(),
                   [](const Detection* a, const Detection* b) { return score_before(a->score, b->score); });
  if (dts.size() > kMaxDets[M - 1]) dts.resize(kMaxDets[M - 1]);
  const size_t D = dts.size(), G = gts.size();
  std::vector<double> ious(D * G);
  for (size_t d = 0; d < D; ++d)
    for (size_t g = 0; g < G; ++g) ious[d * G + g] = box_iou(dts[d]->bbox, gts[g]->bbox, gts[g]->iscrowd);

  std::vector<size_t> order(G);
  std::vector<uint8_t> gt_ignore(G), gt_matched(G);
  for (size_t a = 0; a < A; ++a) {
    for (size_t g = 0; g < G; ++g)
      gt_ignore[g] = gts[g]->iscrowd || gts[g]->area < kAreaLow[a] || gts[g]->area > kAreaHigh[a];
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return gt_ignore[x] < gt_ignore[y]; });
    ImageEval e;
    e.gt_not_ignored = static_cast<size_t>(std::count(gt_ignore.begin(), gt_ignore.end(), 0));
    e.scores.resize(D);
    for (size_t d = 0; d < D; ++d) e.scores[d] = dts[d]->score;
    e.flags.assign(T * D, 0);
    for (size_t t = 0; t < T; ++t) {
      std::fill(gt_matched.begin(), gt_matched.end(), 0);
      for (size_t d = 0; d < D && G > 0; ++d) {
        double best = std::min(kIouThresholds[t], 1 - 1e-10);
        std::ptrdiff_t m = -1;
        for (size_t g : order) {
          if (gt_matched[g] && !gts[g]->iscrowd) continue;
          // Once matched to a regular ground truth, ignored ones (sorted last) cannot win.
          if (m > -1 && !gt_ignore[static_cast<size_t>(m)] && gt_ignore[g]) break;
          if (ious[d * G + g] < best) continue;
          best = ious[d * G + g];
          m = static_cast<std::ptrdiff_t>(g);
        }
        if (m == -1) continue;
        const auto mg = static_cast<size_t>(m);
        uint8_t& f = e.flags[t * D + d];
        if (gt_ignore[mg]) f |= kIgnored;
        if (gts[mg]->id != 0) f |= kMatched;
        gt_matched[mg] = 1;
      }
      for (size_t d = 0; d < D; ++d) {
        const double area = dts[d]->bbox[2] * dts[d]->bbox[3];
        uint8_t& f = e.flags[t * D + d];
        if (!(f & kMatched) && (area < kAreaLow[a] || area > kAreaHigh[a])) f |= kIgnored;
      }
    }
    out[a].push_back(std::move(e));
  }
}

struct Accumulated {
  size_t K = 0;
  std::vector<double> precision;  // [T][R][K][A][M]
  std::vector<double> recall;     // [T][K][A][M]
  size_t p_index(size_t t, size_t r, size_t k, size_t a, size_t m) const {
    return (((t * R + r) * K + k) * A + a) * M + m;
  }
  size_t r_index(size_t t, size_t k, size_t a, size_t m) const { return ((t * K + k) * A + a) * M + m; }
};

void accumulate_one(const std::vector<ImageEval>& images, size_t k, size_t a, size_t m, Accumulated& acc) {
  struct Entry {
    double score;
    const ImageEval* image;
    size_t d;
  };
  std::vector<Entry> entries;
  size_t npig = 0;
  for (const ImageEval& e : images) {
    npig += e.gt_not_ignored;
    const size_t n = std::min(e.scores.size(), kMaxDets[m]);
    for (size_t d = 0; d < n; ++d) entries.push_back({e.scores[d], &e, d});
  }
  if (npig == 0) return;
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& x, const Entry& y) { return score_before(x.score, y.score); });
  const size_t nd = entries.size();
  std::vector<double> rc(nd), pr(nd);
  for (size_t t = 0; t < T; ++t) {
    double tp = 0, fp = 0;
    for (size_t i = 0; i < nd; ++i) {
      const uint8_t f = entries[i].image->flags[t * entries[i].image->scores.size() + entries[i].d];
      if (!(f & kIgnored)) (f & kMatched) ? ++tp : ++fp;
      rc[i] = tp / static_cast<double>(npig);
      pr[i] = tp / ((fp + tp) + DBL_EPSILON);
    }
    acc.recall[acc.r_index(t, k, a, m)] = nd ? rc[nd - 1] : 0;
    for (size_t i = nd; i-- > 1;)
      if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
    for (size_t r = 0; r < R; ++r) {
      const size_t i = static_cast<size_t>(std::lower_bound(rc.begin(), rc.end(), kRecallThresholds[r]) - rc.begin());
      double q = 0;
      if (i < nd) q = pr[i];
      acc.precision[acc.p_index(t, r, k, a, m)] = q;
      if (i >= nd) {  // pycocotools stops filling at the first unreachable recall: the rest stay 0
        for (size_t rest = r + 1; rest < R; ++rest) acc.precision[acc.p_index(t, rest, k, a, m)] = 0;
        break;
      }
    }
  }
}

double summarize(const Accumulated& acc, bool ap, const double* iou, size_t a, size_t m) {
  std::vector<double> values;
  for (size_t t = 0; t < T; ++t) {
    if (iou && kIouThresholds[t] != *iou) continue;
    if (ap) {
      for (size_t r = 0; r < R; ++r)
        for (size_t k = 0; k < acc.K; ++k) values.push_back(acc.precision[acc.p_index(t, r, k, a, m)]);
    } else {
      for (size_t k = 0; k < acc.K; ++k) values.push_back(acc.recall[acc.r_index(t, k, a, m)]);
    }
  }
  std::erase_if(values, [](double v) { return !(v > -1); });
  return values.empty() ? -1 : numpy_mean(values);
}

}  // namespace

const std::array<const char*, kNumStats> kStatNames = {"AP",  "AP50", "AP75",  "APs", "APm", "APl",
                                                       "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

EvalResult evaluate(const GroundTruth& gt, const std::vector<Detection>& detections) {
  std::vector<int64_t> images = gt.image_ids, categories = gt.category_ids;
  std::sort(images.begin(), images.end());
  images.erase(std::unique(images.begin(), images.end()), images.end());
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  std::unordered_map<int64_t, size_t> image_index, category_index;
  for (size_t i = 0; i < images.size(); ++i) image_index[images[i]] = i;
  for (size_t k = 0; k < categories.size(); ++k) category_index[categories[k]] = k;

  // Group by (category, image), keeping file order inside a group.
  auto cell_of = [&](int64_t image, int64_t category) -> int64_t {
    auto i = image_index.find(image);
    auto k = category_index.find(category);
    if (i == image_index.end() || k == category_index.end()) return -1;
    return static_cast<int64_t>(k->second * images.size() + i->second);
  };
  std::vector<std::pair<int64_t, const GroundTruthBox*>> gt_cells;
  std::vector<std::pair<int64_t, const Detection*>> dt_cells;
  for (const auto& g : gt.annotations)
    if (int64_t c = cell_of(g.image_id, g.category_id); c >= 0) gt_cells.emplace_back(c, &g);
  for (const auto& d : detections)
    if (int64_t c = cell_of(d.image_id, d.category_id); c >= 0) dt_cells.emplace_back(c, &d);
  auto by_cell = [](const auto& x, const auto& y) { return x.first < y.first; };
  std::stable_sort(gt_cells.begin(), gt_cells.end(), by_cell);
  std::stable_sort(dt_cells.begin(), dt_cells.end(), by_cell);

  const size_t K = categories.size();
  std::vector<std::array<std::vector<ImageEval>, A>> evals(K);
  std::vector<const GroundTruthBox*> cell_gts;
  std::vector<const Detection*> cell_dts;
  size_t gi = 0, di = 0;
  while (gi < gt_cells.size() || di < dt_cells.size()) {
    const int64_t cell = std::min(gi < gt_cells.size() ? gt_cells[gi].first : INT64_MAX,
                                  di < dt_cells.size() ? dt_cells[di].first : INT64_MAX);
    cell_gts.clear();
    cell_dts.clear();
    for (; gi < gt_cells.size() && gt_cells[gi].first == cell; ++gi) cell_gts.push_back(gt_cells[gi].second);
    for (; di < dt_cells.size() && dt_cells[di].first == cell; ++di) cell_dts.push_back(dt_cells[di].second);
    evaluate_cell(cell_gts, cell_dts, evals[static_cast<size_t>(cell) / images.size()]);
  }

  Accumulated acc;
  acc.K = K;
  acc.precision.assign(T * R * K * A * M, -1);
  acc.recall.assign(T * K * A * M, -1);
  for (size_t k = 0; k < K; ++k)
    for (size_t a = 0; a < A; ++a)
      for (size_t m = 0; m < M; ++m)
        if (!evals[k][a].empty()) accumulate_one(evals[k][a], k, a, m, acc);

  EvalResult result;
  const double iou50 = 0.5, iou75 = 0.75;
  result.stats = {
      summarize(acc, true, nullptr, 0, 2),  summarize(acc, true, &iou50, 0, 2),   summarize(acc, true, &iou75, 0, 2),
      summarize(acc, true, nullptr, 1, 2),  summarize(acc, true, nullptr, 2, 2),  summarize(acc, true, nullptr, 3, 2),
      summarize(acc, false, nullptr, 0, 0), summarize(acc, false, nullptr, 0, 1), summarize(acc, false, nullptr, 0, 2),
      summarize(acc, false, nullptr, 1, 2), summarize(acc, false, nullptr, 2, 2), summarize(acc, false, nullptr, 3, 2)};
  result.category_ids = categories;
  for (size_t k = 0; k < K; ++k) {
    std::vector<double> values;
    for (size_t t = 0; t < T; ++t)
      for (size_t r = 0; r < R; ++r)
        if (double v = acc.precision[acc.p_index(t, r, k, 0, 2)]; v > -1) values.push_back(v);
    result.category_ap.push_back(values.empty() ? -1 : numpy_mean(values));
  }
  result.num_images = images.size();
  result.num_detections = dt_cells.size();
  return result;
}

}  // namespace qtune::metrics::coco
