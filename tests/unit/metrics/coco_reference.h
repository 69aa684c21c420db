// A deliberately naive COCO bbox evaluation for cross-checking the library: written
// from the protocol's definition, sharing no code with src/metrics. It is brute force
// (every threshold, every recall level, every category recomputed from scratch) and
// formulated differently where it can be: ignored detections are dropped instead of
// carried along, interpolated precision is "max precision at any recall >= r" instead
// of an envelope plus binary search, and precision is tp / (tp + fp) with no epsilon.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace qtune::test::coco_reference {

struct Gt {
  int64_t id, image, category;
  double x, y, w, h, area;
  bool crowd;
};
struct Dt {
  int64_t image, category;
  double x, y, w, h, score;
};

inline double iou(const Dt& d, const Gt& g) {
  const double ix = std::max(0.0, std::min(d.x + d.w, g.x + g.w) - std::max(d.x, g.x));
  const double iy = std::max(0.0, std::min(d.y + d.h, g.y + g.h) - std::max(d.y, g.y));
  const double inter = ix * iy;
  if (inter <= 0) return 0;
  return inter / (g.crowd ? d.w * d.h : d.w * d.h + g.w * g.h - inter);
}

// AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl.
inline std::array<double, 12> evaluate(const std::vector<int64_t>& images, const std::vector<int64_t>& categories,
                                       const std::vector<Gt>& gts, const std::vector<Dt>& dts) {
  // The thresholds exactly as numpy.linspace produces them (the float values matter when
  // a recall lands exactly on a threshold): i * step + start.
  std::array<double, 10> ious{};
  for (int i = 0; i < 10; ++i) ious[i] = i * ((0.95 - 0.5) / 9) + 0.5;
  ious[9] = 0.95;
  std::array<double, 101> recalls{};
  for (int i = 0; i <= 100; ++i) recalls[i] = i * (1.0 / 100);
  const double lo[4] = {0, 0, 1024, 9216}, hi[4] = {1e10, 1024, 9216, 1e10};
  const int max_dets[3] = {1, 10, 100};
  auto in = [](const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };

  // prec[a][m][t] and rec[a][m][t]: lists over categories with ground truth.
  std::vector<double> prec[4][3][10], rec[4][3][10];
  for (int64_t cat : categories) {
    for (int a = 0; a < 4; ++a) {
      auto gt_ignored = [&](const Gt& g) { return g.crowd || g.area < lo[a] || g.area > hi[a]; };
      int npig = 0;
      for (const Gt& g : gts)
        if (g.category == cat && in(images, g.image) && !gt_ignored(g)) ++npig;
      for (int mi = 0; mi < 3; ++mi) {
        for (int t = 0; t < 10; ++t) {
          if (npig == 0) continue;
          struct Scored {
            double score;
            size_t image_rank, det_rank;
            bool tp;
          };
          std::vector<Scored> kept;
          for (size_t ir = 0; ir < images.size(); ++ir) {
            std::vector<const Dt*> ds;
            std::vector<const Gt*> gs;
            for (const Dt& d : dts)
              if (d.image == images[ir] && d.category == cat) ds.push_back(&d);
            for (const Gt& g : gts)
              if (g.image == images[ir] && g.category == cat) gs.push_back(&g);
            std::stable_sort(ds.begin(), ds.end(), [](const Dt* x, const Dt* y) { return x->score > y->score; });
            if (ds.size() > 100) ds.resize(100);
            std::vector<bool> taken(gs.size(), false);
            for (size_t k = 0; k < ds.size(); ++k) {
              const double need = std::min(ious[t], 1 - 1e-10);
              int best = -1;
              for (int pass = 0; pass < 2 && best < 0; ++pass) {  // regular ground truth first
                double best_iou = -1;
                for (size_t g = 0; g < gs.size(); ++g) {
                  if (gt_ignored(*gs[g]) != (pass == 1)) continue;
                  if (taken[g] && !gs[g]->crowd) continue;
                  const double v = iou(*ds[k], *gs[g]);
                  if (v >= need && v >= best_iou) best_iou = v, best = static_cast<int>(g);  // ties: the later one
                }
              }
              bool ignored, tp = false;
              if (best >= 0) {
                taken[best] = true;
                ignored = gt_ignored(*gs[best]);
                tp = !ignored && gs[best]->id != 0;
                if (gs[best]->id == 0)
                  ignored = ignored || (ds[k]->w * ds[k]->h < lo[a] || ds[k]->w * ds[k]->h > hi[a]);
              } else {
                const double area = ds[k]->w * ds[k]->h;
                ignored = area < lo[a] || area > hi[a];
              }
              if (k < static_cast<size_t>(max_dets[mi]) && !ignored) kept.push_back({ds[k]->score, ir, k, tp});
            }
          }
          std::sort(kept.begin(), kept.end(), [](const Scored& x, const Scored& y) {
            if (x.score != y.score) return x.score > y.score;
            if (x.image_rank != y.image_rank) return x.image_rank < y.image_rank;
            return x.det_rank < y.det_rank;
          });
          std::vector<double> rc, pr;
          double tp = 0, fp = 0;
          for (const Scored& s : kept) {
            (s.tp ? tp : fp) += 1;
            rc.push_back(tp / npig);
            pr.push_back(tp / (tp + fp));
          }
          rec[a][mi][t].push_back(rc.empty() ? 0 : rc.back());
          for (double r : recalls) {
            double q = 0;
            for (size_t i = 0; i < rc.size(); ++i)
              if (rc[i] >= r) q = std::max(q, pr[i]);
            prec[a][mi][t].push_back(q);
          }
        }
      }
    }
  }
  auto mean_ap = [&](int a, int t_only) {
    double sum = 0;
    size_t n = 0;
    for (int t = 0; t < 10; ++t)
      if (t_only < 0 || t == t_only)
        for (double v : prec[a][2][t]) sum += v, ++n;
    return n ? sum / n : -1;
  };
  auto mean_ar = [&](int a, int m) {
    double sum = 0;
    size_t n = 0;
    for (int t = 0; t < 10; ++t)
      for (double v : rec[a][m][t]) sum += v, ++n;
    return n ? sum / n : -1;
  };
  return {mean_ap(0, -1), mean_ap(0, 0), mean_ap(0, 5), mean_ap(1, -1), mean_ap(2, -1), mean_ap(3, -1),
          mean_ar(0, 0),  mean_ar(0, 1), mean_ar(0, 2), mean_ar(1, 2),  mean_ar(2, 2),  mean_ar(3, 2)};
}

}  // namespace qtune::test::coco_reference
