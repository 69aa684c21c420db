// A small COCO evaluation problem whose 12 summary numbers are derived by hand in
// coco_eval_test.cpp: 6 images, 3 categories, crowd boxes, objects in all three area
// ranges, missed ground truth, false positives, and a detection on a category the
// ground truth does not list.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "metrics/coco_eval.h"

namespace qtune::test::coco_fixture {

// Ground truth. Areas are w*h; category 1 objects are all large (>= 96^2 = 9216),
// category 2 medium (1024..9216) except H (small), category 3 mixed.
//   id img cat bbox               area   note
//    1  1   1  [10,10,100,100]    10000  A
//    2  2   1  [0,0,100,100]      10000  B
//    3  2   1  [200,0,100,100]    10000  C crowd
//    4  3   1  [0,0,120,100]      12000  D (missed)
//    5  1   2  [0,0,50,40]         2000  E
//    6  4   2  [100,100,60,50]     3000  F
//    7  5   2  [0,0,40,40]         1600  G (missed)
//    8  5   2  [200,200,20,20]      400  H small
//    9  4   3  [0,0,30,30]          900  I small
//   10  4   3  [50,50,200,200]    40000  J crowd
//   11  5   3  [300,300,100,100]  10000  K large
inline metrics::coco::GroundTruth ground_truth() {
  metrics::coco::GroundTruth gt;
  gt.image_ids = {1, 2, 3, 4, 5, 6};
  gt.category_ids = {1, 2, 3};
  auto add = [&](int64_t id, int64_t image, int64_t cat, double x, double y, double w, double h, bool crowd) {
    gt.annotations.push_back({id, image, cat, {x, y, w, h}, w * h, crowd});
  };
  add(1, 1, 1, 10, 10, 100, 100, false);
  add(2, 2, 1, 0, 0, 100, 100, false);
  add(3, 2, 1, 200, 0, 100, 100, true);
  add(4, 3, 1, 0, 0, 120, 100, false);
  add(5, 1, 2, 0, 0, 50, 40, false);
  add(6, 4, 2, 100, 100, 60, 50, false);
  add(7, 5, 2, 0, 0, 40, 40, false);
  add(8, 5, 2, 200, 200, 20, 20, false);
  add(9, 4, 3, 0, 0, 30, 30, false);
  add(10, 4, 3, 50, 50, 200, 200, true);
  add(11, 5, 3, 300, 300, 100, 100, false);
  return gt;
}

// Detections (IoU with the named ground truth):
//   d1  img1 cat1 [10,10,100,100]  .90  = A (IoU 1)
//   d2  img2 cat1 [20,0,100,100]   .80  ~ B (IoU 8000/12000 = 0.667)
//   d3  img2 cat1 [210,10,50,50]   .95  inside crowd C
//   d4  img2 cat1 [250,50,40,40]   .30  inside crowd C
//   d5  img3 cat1 [300,300,100,100] .85 false positive (large)
//   d6  img1 cat2 [0,0,50,40]      .70  = E
//   d7  img4 cat2 [100,100,60,50]  .60  = F
//   d8  img4 cat2 [400,400,30,30]  .65  false positive (area 900, small)
//   d9  img5 cat2 [202,200,20,20]  .50  ~ H (IoU 360/440 = 0.818)
//   d10 img4 cat3 [0,0,30,30]      .90  = I
//   d11 img4 cat3 [60,60,20,20]    .40  inside crowd J
//   d12 img6 cat3 [0,0,10,10]      .95  false positive (small), image without ground truth
//   d13 img5 cat3 [300,300,100,100] .20 = K
//   d14 img1 cat7 [0,0,10,10]      .99  category 7 is not in the ground truth: never evaluated
inline std::vector<metrics::coco::Detection> detections() {
  std::vector<metrics::coco::Detection> d;
  auto add = [&](int64_t image, int64_t cat, double x, double y, double w, double h, double score) {
    d.push_back({image, cat, {x, y, w, h}, score});
  };
  add(1, 1, 10, 10, 100, 100, 0.9);
  add(2, 1, 20, 0, 100, 100, 0.8);
  add(2, 1, 210, 10, 50, 50, 0.95);
  add(2, 1, 250, 50, 40, 40, 0.3);
  add(3, 1, 300, 300, 100, 100, 0.85);
  add(1, 2, 0, 0, 50, 40, 0.7);
  add(4, 2, 100, 100, 60, 50, 0.6);
  add(4, 2, 400, 400, 30, 30, 0.65);
  add(5, 2, 202, 200, 20, 20, 0.5);
  add(4, 3, 0, 0, 30, 30, 0.9);
  add(4, 3, 60, 60, 20, 20, 0.4);
  add(6, 3, 0, 0, 10, 10, 0.95);
  add(5, 3, 300, 300, 100, 100, 0.2);
  add(1, 7, 0, 0, 10, 10, 0.99);
  return d;
}

inline std::string instances_json(const metrics::coco::GroundTruth& gt) {
  nlohmann::json j;
  j["info"] = {{"description", "qtune test fixture"}};
  j["images"] = nlohmann::json::array();
  for (int64_t id : gt.image_ids)
    j["images"].push_back({{"id", id}, {"width", 640}, {"height", 480}, {"file_name", std::to_string(id) + ".jpg"}});
  j["categories"] = nlohmann::json::array();
  for (int64_t id : gt.category_ids)
    j["categories"].push_back({{"id", id}, {"name", std::string("c") + std::to_string(id)}});
  j["annotations"] = nlohmann::json::array();
  for (const auto& a : gt.annotations)
    j["annotations"].push_back({{"id", a.id},
                                {"image_id", a.image_id},
                                {"category_id", a.category_id},
                                {"bbox", {a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]}},
                                {"area", a.area},
                                {"iscrowd", a.iscrowd ? 1 : 0},
                                {"segmentation", nlohmann::json::array()}});
  return j.dump();
}

inline std::string results_json(const std::vector<metrics::coco::Detection>& detections) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& d : detections)
    j.push_back({{"image_id", d.image_id},
                 {"category_id", d.category_id},
                 {"bbox", {d.bbox[0], d.bbox[1], d.bbox[2], d.bbox[3]}},
                 {"score", d.score}});
  return j.dump();
}

// pycocotools' summary for the fixture (values derived in coco_eval_test.cpp).
inline const char* expected_summary() {
  return " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.552\n"
         " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.617\n"
         " Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.544\n"
         " Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.425\n"
         " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.663\n"
         " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.712\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.586\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 0.714\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.714\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.850\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.667\n"
         " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.733\n";
}

}  // namespace qtune::test::coco_fixture
