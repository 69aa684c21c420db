// qtune eval: the configured metric of a model on the configured dataset (the seeds'
// --accuracy-only mode), on qtune's engine, with progress.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eval/eval_config.h"
#include "exec/session.h"

namespace qtune::eval {

struct EvalResult {
  std::string metric;
  double value = 0;
  bool higher_is_better = true;
  std::string summary;     // the metric's own breakdown (the 12-line COCO summary for mAP)
  nlohmann::json details;  // the metric's JSON breakdown
  int64_t samples = 0;
  double seconds = 0;
};

// Runs the model over every batch of the configured dataloader (padding rows of a short
// last batch are not scored) and feeds the metric. Errors name the config key, the
// model input/output, or the sample.
EvalResult evaluate(const std::string& model_path, const EvalConfig& config, const exec::SessionOptions& options,
                    bool quiet);

}  // namespace qtune::eval
