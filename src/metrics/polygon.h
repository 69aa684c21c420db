// Small plane geometry for text-detection evaluation: convex hulls, minimum-area
// rotated rectangles (rotating calipers) and IoU of convex polygons.
#pragma once

#include <array>
#include <vector>

namespace qtune::metrics {

struct Point {
  double x = 0, y = 0;
};
using Polygon = std::vector<Point>;

// Absolute area (shoelace), any vertex order.
double polygon_area(const Polygon& polygon);
double polygon_perimeter(const Polygon& polygon);
// Counter-clockwise hull without collinear points (Andrew's monotone chain).
Polygon convex_hull(std::vector<Point> points);

struct RotatedRect {
  Point center;
  double width = 0, height = 0;  // along `axis` and perpendicular to it
  Point axis{1, 0};              // unit vector of the width side
  std::array<Point, 4> corners() const;
};
// Smallest-area rectangle containing all points (one side lies on a hull edge).
// Degenerate inputs give zero width and/or height.
RotatedRect min_area_rect(const std::vector<Point>& points);

// Intersection of two convex polygons (Sutherland-Hodgman), and their IoU.
Polygon convex_intersection(const Polygon& a, const Polygon& b);
double convex_iou(const Polygon& a, const Polygon& b);

}  // namespace qtune::metrics
