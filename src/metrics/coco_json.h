// Reading COCO files: ground truth (instances_*.json) and detection results in the COCO
// results format ([{"image_id", "category_id", "bbox": [x, y, w, h], "score"}, ...]).
#pragma once

#include <string>
#include <vector>

#include "metrics/coco_eval.h"

namespace qtune::metrics::coco {

// Needs "images" (each with "id") and "categories" (each with "id"); "annotations" is
// optional. Each annotation needs "id", "image_id", "category_id" and "bbox"; "area"
// defaults to w*h and "iscrowd" to 0 when absent. Errors name the file, the array and
// the record index ("annotations[12]: missing 'bbox'").
GroundTruth load_ground_truth(const std::string& path);

// As pycocotools' loadRes: every result's image must be one of `gt`'s images (an
// unknown image id is an error naming the record); results on categories the ground
// truth does not list are kept but never evaluated, as in COCOeval. An empty list is
// accepted (pycocotools itself crashes on it): every category with ground truth then
// scores AP = AR = 0, and a summary cell without ground truth is -1.
std::vector<Detection> load_detections(const std::string& path, const GroundTruth& gt);

}  // namespace qtune::metrics::coco
