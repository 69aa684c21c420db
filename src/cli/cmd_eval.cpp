// qtune eval MODEL --config CONFIG.yaml [--backend B] [--threads N] [--json OUT] [--quiet]
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "eval/evaluate.h"
#include "util/atomic_file.h"

namespace qtune::cli {

void add_eval_command(CLI::App& app) {
  struct Options {
    std::string model, config, backend = "dnnl", json;
    int threads = 0;
    bool quiet = false;
    bool fake_quant = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("eval", "Compute the configured accuracy metric of a model on the configured dataset");
  cmd->add_option("model", o->model, "ONNX model (FP32 or qtune INT8)")->required();
  cmd->add_option("--config", o->config, "YAML with evaluation.accuracy.{metric,dataloader} (and optional model.inputs/outputs)")
      ->required();
  cmd->add_option("--backend", o->backend, "Kernels: dnnl (default) or ref");
  cmd->add_option("--threads", o->threads, "Threads (default: all cores)");
  cmd->add_option("--json", o->json, "Also write the result as JSON to this file");
  cmd->add_flag("--quiet", o->quiet, "No progress output");
  cmd->add_flag("--fake-quant", o->fake_quant,
                "QDQ models: run the QDQ graph as written (float ops on dequantized values) instead of INT8 kernels");
  cmd->callback([o] {
    if (o->threads < 0) throw Error("--threads must be >= 0");
    exec::SessionOptions so;
    so.backend = exec::parse_backend(o->backend);
    so.threads = o->threads;
    so.lower_int8 = !o->fake_quant;
    eval::EvalConfig config = eval::load_eval_config(o->config);
    eval::EvalResult r = eval::evaluate(o->model, config, so, o->quiet);
    std::printf("%s\n", r.summary.c_str());
    std::printf("%s: %.6g (%s is better) on %lld samples in %.1f s\n", r.metric.c_str(), r.value,
                r.higher_is_better ? "higher" : "lower", static_cast<long long>(r.samples), r.seconds);
    if (!o->json.empty()) {
      nlohmann::json j = {{"model", o->model},       {"metric", r.metric},   {"value", r.value},
                          {"higher_is_better", r.higher_is_better}, {"samples", r.samples}, {"seconds", r.seconds},
                          {"details", r.details}};
      write_file_atomic(o->json, j.dump(2) + "\n");
    }
  });
}

}  // namespace qtune::cli
