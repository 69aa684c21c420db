// `qtune tune CONFIG.yaml`: the tuner fed from the config file alone.
#include <filesystem>

#include "eval/evaluate.h"
#include "ir/model_io.h"
#include "quant/dataset_samples.h"
#include "qtune/error.h"
#include "tune/tuner.h"

namespace qtune::tune {
namespace {

eval::EvalConfig evaluation_of(const config::TuneConfig& c) {
  eval::EvalConfig e;
  e.path = c.path;
  e.base_dir = c.base_dir;
  e.model_inputs = c.model.inputs;
  e.model_outputs = c.model.outputs;
  e.dataloader = c.evaluation.dataloader;
  if (!c.evaluation.command.empty()) {
    YAML::Node external;
    external["External"]["command"] = c.evaluation.command;
    external["External"]["higher_is_better"] = c.tuning.higher_is_better;
    e.metric = external;
  } else {
    e.metric = c.evaluation.metric;
  }
  return e;
}

}  // namespace

TuneOutcome tune_from_config(const config::TuneConfig& c, const std::string& model_path, const TuneOptions& options) {
  const std::string path = model_path.empty() ? c.model.path : model_path;
  if (path.empty()) throw Error(c.path + ": model.path: missing (or give the model on the command line)");
  if (!config::has_accuracy(c))
    throw Error(c.path + ": evaluation.accuracy: missing; tuning needs a metric (metric + dataloader, or command)");
  const ir::Model model = ir::load_model(path);

  std::unique_ptr<quant::SampleSource> samples = quant::config_calibration_samples(c)(model);

  config::TuneConfig adjusted = c;
  eval::Evaluator evaluator(evaluation_of(c), options.quiet, c.tuning.workspace);
  adjusted.tuning.higher_is_better = evaluator.higher_is_better();
  exec::SessionOptions so;
  so.threads = options.threads;
  TuneOptions tune_options = options;
  tune_options.baseline_tag = YAML::Dump(YAML::Node(c.evaluation.metric)) + YAML::Dump(YAML::Node(c.evaluation.dataloader)) +
                              c.evaluation.command;
  YAML::Node calibration = c.quantization.calibration_dataloader ? c.quantization.calibration_dataloader
                                                                  : c.evaluation.dataloader;
  tune_options.calibration_tag = YAML::Dump(YAML::Node(calibration)) + "\nbase:" + c.base_dir;
  Tuner tuner(adjusted, tune_options);
  return tuner.tune(model, *samples, [&](const ir::Model& m) { return evaluator.evaluate(m, path, so).value; });
}

}  // namespace qtune::tune
