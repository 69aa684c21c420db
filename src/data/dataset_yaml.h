// Builds datasets and loader options from a YAML `dataloader` node:
//   dataloader:
//     batch_size: 8
//     dataset:
//       ImageFolder: {root: /data/val, color: RGB}   # one key: the dataset type
//     transform:
//       - Resize: {size: [224, 224]}
// Every error names the full key path, the bad value and what is allowed; unknown
// keys are rejected with a "did you mean" suggestion.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "data/data_loader.h"
#include "data/dataset.h"

namespace qtune::data {

// Dataset type names accepted under `dataset`.
const std::vector<std::string>& dataset_type_names();

// `key_path` is the dataloader node's own path ("evaluation.dataloader"); relative
// paths in the config are resolved against `base_dir` when it is not empty (the
// config file's folder), else against the working directory.
std::unique_ptr<Dataset> make_dataset(const YAML::Node& dataloader_node, const std::string& key_path,
                                      const std::string& base_dir = "");

// batch_size, shuffle, seed, last_batch (keep|drop|pad), num_workers, prefetch_batches,
// batch_mode (auto|stack|concat) from the same node.
DataLoaderOptions make_loader_options(const YAML::Node& dataloader_node, const std::string& key_path);

}  // namespace qtune::data
