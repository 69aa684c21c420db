// Builds a TransformPipeline from the YAML `transform` node: a sequence of one-key
// maps (order matters) or a map (document order), e.g.
//   transform:
//     - Resize: {size: [224, 224], interpolation: bilinear}
//     - Normalize: {mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
//     - Transpose: {perm: [2, 0, 1]}
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "data/transform.h"

namespace qtune::data {

// Names accepted as transform types.
const std::vector<std::string>& transform_names();

// One transform from its type name and options; `path` is the options' key path.
std::unique_ptr<Transform> make_transform(const std::string& name, const YAML::Node& options, const std::string& path);

// `path` is the key path of the transform node ("evaluation.dataloader.transform").
TransformPipeline make_transform_pipeline(const YAML::Node& node, const std::string& path, uint64_t seed);

}  // namespace qtune::data
