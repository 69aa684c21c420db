// The evaluation part of a qtune config (the seeds' `evaluation.accuracy` section):
//   model:                       # optional
//     inputs: [x]                # model inputs the dataset's tensors feed, in order
//     outputs: [softmax_0.tmp_0] # model outputs handed to the metric, in order
//   evaluation:
//     accuracy:
//       metric: {OCRWordAccuracy: {keys: ppocr_keys_v1.txt}}
//       dataloader: {batch_size: 8, dataset: {...}, transform: [...]}
// Relative paths resolve against the config file's folder. Errors name the key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace qtune::eval {

struct EvalConfig {
  std::string path;      // the config file
  std::string base_dir;  // its folder
  std::vector<std::string> model_inputs;   // empty: the model's own input order
  std::vector<std::string> model_outputs;  // empty: all outputs in graph order
  YAML::Node metric;      // {Name: {options}}
  YAML::Node dataloader;  // absent for metrics that score the model file (External)
};

// Reads and checks the file; unknown keys at every level it owns are rejected.
EvalConfig load_eval_config(const std::string& path);

}  // namespace qtune::eval
