// Accuracy-aware tuning: find the fastest (or smallest) quantized model whose accuracy
// meets the criterion, within a time and trial budget. The seeds' Tuner, natively:
//
//   qtune::tune::Tuner tuner(qtune::config::load_tune_config("rec.yaml"));
//   TuneOutcome out = tuner.tune(model, calibration_samples, [&](const ir::Model& m) {
//     return my_accuracy(m);  // any C++ callable scoring a model
//   });
//
// The workspace (tuning.workspace) keeps everything a later run can reuse: the FP32
// baseline, calibration statistics per sampling size, sensitivity rankings, the trial
// journal (history.jsonl, see history.h), and the results: best_model.onnx, deploy.yaml
// (the winning plan, replayable with `qtune quantize --plan`) and summary.md.
#pragma once

#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "config/tune_config.h"
#include "ir/graph.h"
#include "quant/quantizer.h"
#include "quant/sample_source.h"
#include "tune/trial.h"

namespace qtune::tune {

// Scores a model (higher or lower is better per tuning.accuracy_criterion.higher_is_better).
using EvalFn = std::function<double(const ir::Model& model)>;

struct TuneOptions {
  bool resume = false;       // continue the workspace's history instead of refusing it
  bool quiet = false;        // no progress bars (trial lines are still printed)
  int threads = 0;           // calibration and latency threads (0: all cores)
  std::FILE* log = stdout;   // one line per trial and the summary; nullptr: silent
  std::string baseline_tag;  // identifies the evaluation (config text), so a changed one re-measures the baseline
  // Identifies the calibration data (config text); with the model it keys the cached
  // statistics, sensitivity rankings and the history, so none is reused for other data.
  std::string calibration_tag;
};

struct TuneOutcome {
  double baseline = 0;  // FP32 accuracy
  double target = 0;    // what a trial must reach
  bool met = false;     // some trial met the criterion
  TrialResult best;     // the winner (when met)
  ir::Model best_model;  // its QDQ model (when met)
  std::vector<quant::UnitDecision> best_decisions;
  std::vector<std::string> fallbacks;  // units the winner returned to FP32 (tuning fallbacks)
  std::vector<TrialResult> trials;     // in order, reused ones included
  double fp32_latency_ms = std::numeric_limits<double>::quiet_NaN();
  double int8_latency_ms = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;
  std::string best_model_path, deploy_path, summary_path;
};

class Tuner {
 public:
  explicit Tuner(config::TuneConfig config, TuneOptions options = {});

  // `calibration` is read once (one pass over the largest sampling size).
  TuneOutcome tune(const ir::Model& model, quant::SampleSource& calibration, const EvalFn& eval);

 private:
  config::TuneConfig config_;
  TuneOptions options_;
};

// `qtune tune CONFIG`: the model, the calibration data and the evaluation all come from
// the config (model.path, quantization.calibration.dataloader or else the evaluation's
// dataloader, evaluation.accuracy). `model_path` overrides model.path when not empty.
TuneOutcome tune_from_config(const config::TuneConfig& config, const std::string& model_path,
                             const TuneOptions& options);

// The summary table (markdown) of an outcome.
std::string format_summary(const TuneOutcome& outcome, const config::TuneConfig& config);

}  // namespace qtune::tune
