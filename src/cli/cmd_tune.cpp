// qtune tune CONFIG.yaml [--model MODEL] [--resume] [--threads N] [--quiet]
#include <cstdio>

#include "cli/commands.h"
#include "config/tune_config.h"
#include "qtune/error.h"
#include "tune/tuner.h"

namespace qtune::cli {

void add_tune_command(CLI::App& app) {
  struct Options {
    std::string config, model;
    bool resume = false, quiet = false;
    int threads = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "tune", "Find the fastest INT8 configuration of a model that meets the accuracy criterion (docs/config.md)");
  cmd->add_option("config", o->config, "YAML config: model, quantization, evaluation, tuning")->required();
  cmd->add_option("--model", o->model, "ONNX model (default: model.path from the config)");
  cmd->add_flag("--resume", o->resume, "Continue the workspace's interrupted run without re-running finished trials");
  cmd->add_option("--threads", o->threads, "Threads for calibration and evaluation (default: all cores)");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress bars (one line per trial is still printed)");
  cmd->callback([o] {
    if (o->threads < 0) throw Error("--threads must be >= 0");
    const config::TuneConfig config = config::load_tune_config(o->config);
    tune::TuneOptions options;
    options.resume = o->resume;
    options.quiet = o->quiet;
    options.threads = o->threads;
    const tune::TuneOutcome out = tune::tune_from_config(config, o->model, options);
    // Exit status 1: the run worked but no configuration met the accuracy criterion.
    if (!out.met) throw CLI::RuntimeError(1);
  });
}

}  // namespace qtune::cli
