#include "metrics/polygon.h"

#include <algorithm>
#include <cmath>

namespace qtune::metrics {
namespace {

double cross(const Point& o, const Point& a, const Point& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

double signed_area(const Polygon& p) {
  double twice = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Point& a = p[i];
    const Point& b = p[(i + 1) % p.size()];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

Polygon counter_clockwise(Polygon p) {
  if (signed_area(p) < 0) std::reverse(p.begin(), p.end());
  return p;
}

}  // namespace

double polygon_area(const Polygon& polygon) { return std::fabs(signed_area(polygon)); }

double polygon_perimeter(const Polygon& polygon) {
  double length = 0;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const Point& a = polygon[i];
    const Point& b = polygon[(i + 1) % polygon.size()];
    length += std::hypot(b.x - a.x, b.y - a.y);
  }
  return length;
}

Polygon convex_hull(std::vector<Point> points) {
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  points.erase(std::unique(points.begin(), points.end(),
                           [](const Point& a, const Point& b) { return a.x == b.x && a.y == b.y; }),
               points.end());
  if (points.size() < 3) return points;
  Polygon hull(2 * points.size());
  size_t k = 0;
  for (const Point& p : points) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) --k;
    hull[k++] = p;
  }
  for (size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);
  return hull;
}

std::array<Point, 4> RotatedRect::corners() const {
  const Point u{axis.x * width / 2, axis.y * width / 2};
  const Point v{-axis.y * height / 2, axis.x * height / 2};
  return {Point{center.x - u.x - v.x, center.y - u.y - v.y}, Point{center.x + u.x - v.x, center.y + u.y - v.y},
          Point{center.x + u.x + v.x, center.y + u.y + v.y}, Point{center.x - u.x + v.x, center.y - u.y + v.y}};
}

RotatedRect min_area_rect(const std::vector<Point>& points) {
  RotatedRect best;
  if (points.empty()) return best;
  const Polygon hull = convex_hull(points);
  double best_area = INFINITY;
  for (size_t i = 0; i < hull.size(); ++i) {
    const Point& a = hull[i];
    const Point& b = hull[(i + 1) % hull.size()];
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    if (length == 0 && hull.size() > 1) continue;
    const Point u = hull.size() > 1 ? Point{(b.x - a.x) / length, (b.y - a.y) / length} : Point{1, 0};
    double min_u = INFINITY, max_u = -INFINITY, min_v = INFINITY, max_v = -INFINITY;
    for (const Point& p : hull) {
      const double pu = p.x * u.x + p.y * u.y, pv = -p.x * u.y + p.y * u.x;
      min_u = std::min(min_u, pu), max_u = std::max(max_u, pu);
      min_v = std::min(min_v, pv), max_v = std::max(max_v, pv);
    }
    const double area = (max_u - min_u) * (max_v - min_v);
    if (area < best_area) {
      best_area = area;
      const double cu = (min_u + max_u) / 2, cv = (min_v + max_v) / 2;
      best.center = {cu * u.x - cv * u.y, cu * u.y + cv * u.x};
      best.width = max_u - min_u;
      best.height = max_v - min_v;
      best.axis = u;
    }
  }
  return best;
}

Polygon convex_intersection(const Polygon& a_in, const Polygon& b_in) {
  if (a_in.size() < 3 || b_in.size() < 3) return {};
  Polygon output = counter_clockwise(a_in);
  const Polygon clip = counter_clockwise(b_in);
  for (size_t i = 0; i < clip.size() && !output.empty(); ++i) {
    const Point& c0 = clip[i];
    const Point& c1 = clip[(i + 1) % clip.size()];
    Polygon input;
    input.swap(output);
    for (size_t j = 0; j < input.size(); ++j) {
      const Point& p = input[j];
      const Point& q = input[(j + 1) % input.size()];
      const double sp = cross(c0, c1, p), sq = cross(c0, c1, q);
      if (sp >= 0) output.push_back(p);
      if ((sp >= 0) != (sq >= 0)) {
        const double t = sp / (sp - sq);
        output.push_back({p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)});
      }
    }
  }
  return output;
}

double convex_iou(const Polygon& a, const Polygon& b) {
  const double inter = polygon_area(convex_intersection(a, b));
  const double union_area = polygon_area(a) + polygon_area(b) - inter;
  return union_area > 0 ? inter / union_area : 0;
}

}  // namespace qtune::metrics
