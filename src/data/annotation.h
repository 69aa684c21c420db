// What a dataset knows about a sample besides the model inputs: the ground truth
// that metrics compare model outputs against. One struct for all tasks; each task
// fills the fields it has and leaves the rest empty.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qtune::data {

// One ground-truth object, COCO convention: absolute pixels, top-left corner + size.
struct ObjectBox {
  double x = 0, y = 0, width = 0, height = 0;
  int64_t category_id = 0;
  bool is_crowd = false;
  double area = -1;  // < 0: use width * height (COCO json carries its own segmentation area)
};

struct SquadFeature;  // defined in data/squad.h: token windows and their mapping to the context

struct Annotation {
  int64_t sample_index = -1;                 // position in the dataset
  std::string source;                        // file or record the sample came from (for error messages)
  std::optional<int64_t> class_id;           // classification
  std::optional<std::string> text;           // OCR recognition
  std::optional<int64_t> image_id;           // detection (COCO image id)
  int64_t image_width = 0, image_height = 0; // original size, to map normalized boxes back
  std::vector<ObjectBox> objects;            // detection ground truth
  std::shared_ptr<const SquadFeature> squad; // question answering
};

}  // namespace qtune::data
