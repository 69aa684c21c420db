// qtune eval: the configured metric of a model on the configured dataset (the seeds'
// --accuracy-only mode), on qtune's engine, with progress. Tuning scores many models on
// the same data: an Evaluator decodes the dataset once and keeps the batches (up to a
// memory cap) for every later model.
#pragma once

#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "data/batch.h"
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

class Evaluator {
 public:
  // Checks the metric and dataloader sections (errors name the config file and key).
  // `scratch_dir` is where models scored by an external command are written.
  Evaluator(EvalConfig config, bool quiet, std::string scratch_dir = "");
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Runs the model over every batch (padding rows of a short last batch are not scored)
  // and feeds the metric. Errors name the config key, the model input/output, or the sample.
  EvalResult evaluate(const ir::Model& model, const std::string& model_source, const exec::SessionOptions& options);
  // Same for a model file (an external command scores the file itself).
  EvalResult evaluate_file(const std::string& model_path, const exec::SessionOptions& options);

  bool higher_is_better() const;
  // Keeps decoded batches up to this many bytes (default 1 GiB); beyond, batches are
  // decoded again for every model.
  void set_cache_limit(int64_t bytes) { cache_limit_ = bytes; }

 private:
  struct State;
  EvalResult run(const ir::Model* model, const std::string& model_path, const exec::SessionOptions& options);

  EvalConfig config_;
  bool quiet_;
  std::string scratch_dir_;
  int64_t cache_limit_ = int64_t{1} << 30;
  std::unique_ptr<State> state_;
};

// One-shot form used by `qtune eval`.
EvalResult evaluate(const std::string& model_path, const EvalConfig& config, const exec::SessionOptions& options,
                    bool quiet);

}  // namespace qtune::eval
