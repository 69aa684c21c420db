// Metrics from their YAML form, one key naming the metric with its options:
//   {topk: {k: 5}}                {COCOmAP: {map_key: AP50}}     {SquadF1: {}}
//   {OCRWordAccuracy: {keys: ppocr_keys_v1.txt}}   {CER: {keys: ...}}
//   {TextDetHmean: {thresh: 0.3, box_thresh: 0.6}} {MSE: {output: 0}}
//   {External: {command: "python eval.py --model {model}"}}
// Errors name the full key path ("tuning.metric.topk.k: ...") and the allowed values.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "metrics/metric.h"

namespace qtune::metrics {

const std::vector<std::string>& metric_names();
// Relative file paths in the options (OCR keys files) resolve against `base_dir` when it
// is not empty (the config file's folder).
std::unique_ptr<Metric> make_metric(const YAML::Node& node, const std::string& path = "metric",
                                    const std::string& base_dir = "");

}  // namespace qtune::metrics
