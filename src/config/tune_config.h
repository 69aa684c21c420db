// The qtune configuration file (`qtune tune CONFIG.yaml`, `qtune quantize --config`), in
// the schema users of the seeds' tools know (model / quantization / evaluation / tuning):
//
//   model:        {name, path, inputs: [x], outputs: [y]}
//   quantization:
//     approach: static                         # static | dynamic
//     calibration: {sampling_size: 100 | [50, 100], dataloader: {...}}
//     model_wise:
//       weight:     {dtype: int8, scheme: sym, granularity: per_channel | [per_channel, per_tensor]}
//       activation: {dtype: uint8, scheme: asym, algorithm: minmax | [minmax, kl], percentile: 99.99}
//     op_wise: {'Conv': {...}, 'p2o.Conv.0': {activation: {dtype: fp32}}}   # op type or node-name regex
//     recipes: {first_conv_or_matmul_quantization: true, last_conv_or_matmul_quantization: true,
//               bias_quantization: true, input_quantization: true, reduce_range: auto,
//               activation_matmul_quantization: false}
//   evaluation:
//     accuracy:    {metric: {...}, dataloader: {...}}  |  {command: "./score.sh {model}"}
//     performance: {warmup: 5, iters: 50, threads: 1, shape: {x: [1, 3, 48, 320]}}
//   tuning:
//     strategy: basic                           # basic | mse | conservative | exhaustive | random | bayesian
//     accuracy_criterion: {relative: 0.01} | {absolute: 0.01}, higher_is_better: true
//     objective: performance                    # performance | modelsize
//     exit_policy: {timeout: 0, max_trials: 100}
//     random_seed: 9527
//     workspace: {path: ./qtune_workspace}
//
// docs/config.md documents every key. Relative paths resolve against the config file's
// folder. Every error names the file and the key path, the bad value and the allowed
// values; unknown keys get a "did you mean".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "quant/plan.h"

namespace qtune::config {

struct ModelSection {
  std::string name;
  std::string path;  // resolved against the config's folder; empty when absent
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

// Model-wise choices. Every list has at least one entry; the first entry of each is the
// default configuration, the rest are what tuning may try. A `dtype: fp32` entry
// (model-wise FP32: nothing quantized) is not representable and is refused.
struct ModelWiseSpace {
  std::vector<quant::WeightConfig> weight;          // scheme x granularity combinations, in list order
  std::vector<quant::ActivationConfig> activation;  // scheme x algorithm combinations, in list order
};

// One op_wise entry: `key` is an op type (when it names an ONNX op qtune knows, e.g.
// "Conv", "MatMul") or else a regular expression over node names.
struct OpWiseSpace {
  std::string key;
  bool is_op_type = false;
  // The combinations the entry allows, first = default. `dtype: fp32` (for weight or
  // activation) gives a choice with precision FP32.
  std::vector<quant::NodeOverride> choices;
};

struct Recipes {
  bool first_layer_fp32 = false;           // first_conv_or_matmul_quantization: false
  bool last_layer_fp32 = false;            // last_conv_or_matmul_quantization: false
  bool quantize_bias = true;               // bias_quantization
  bool quantize_inputs = true;             // input_quantization
  std::optional<bool> reduce_range;        // reduce_range: auto (nullopt) | true | false
  bool quantize_activation_matmul = false; // activation_matmul_quantization
  bool channel_equalization = true;        // channel_equalization
};

struct QuantizationSection {
  bool dynamic = false;                  // approach: dynamic
  std::vector<int64_t> sampling_sizes;   // at least one; default {100}
  YAML::Node calibration_dataloader;     // absent: evaluation.accuracy.dataloader is used
  ModelWiseSpace model_wise;
  std::vector<OpWiseSpace> op_wise;
  Recipes recipes;
};

struct PerformanceSection {
  int warmup = 5;
  int iters = 50;
  int threads = 1;                                   // 0 = all cores
  std::map<std::string, std::vector<int64_t>> shapes;  // input name -> dims (symbolic dims fixed)
};

struct EvaluationSection {
  YAML::Node metric;      // {Name: {options}} (evaluation.accuracy.metric); absent with command
  YAML::Node dataloader;  // evaluation.accuracy.dataloader
  std::string command;    // evaluation.accuracy.command: "{model}" is replaced by the model path
  PerformanceSection performance;
};

enum class CriterionKind { Relative, Absolute };

struct TuningSection {
  std::string strategy = "basic";
  CriterionKind criterion = CriterionKind::Relative;
  double criterion_value = 0.01;
  bool higher_is_better = true;
  std::string objective = "performance";  // performance | modelsize
  double timeout_seconds = 0;             // 0: stop at the first configuration meeting the criterion
  int max_trials = 100;
  uint64_t random_seed = 1978;
  std::string workspace = "qtune_workspace";  // resolved against the config's folder
};

struct TuneConfig {
  std::string path;      // the file
  std::string base_dir;  // its folder
  ModelSection model;
  QuantizationSection quantization;
  bool has_evaluation = false;
  EvaluationSection evaluation;
  TuningSection tuning;
};

// Reads and validates the whole file. Throws qtune::Error "<file>: <key.path>: <what>".
TuneConfig load_tune_config(const std::string& path);
// Same, from YAML text (`path` is only for messages and resolving relative paths).
TuneConfig parse_tune_config(const std::string& text, const std::string& path);

// The default plan the config describes: the first model-wise choices, the first choice
// of every op_wise entry (as OpWiseRule, in file order), the recipes; reduce_range auto
// follows quant::default_plan().
quant::QuantPlan base_plan(const TuneConfig& config);

// True when the file says how to score accuracy (evaluation.accuracy with a metric or a
// command); an evaluation section may hold only `performance`.
bool has_accuracy(const TuneConfig& config);

// The strategies `tuning.strategy` accepts, in the order docs list them.
const std::vector<std::string>& strategy_names();

}  // namespace qtune::config
