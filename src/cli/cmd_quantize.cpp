// qtune quantize MODEL -o OUT.onnx --calib DATA [--calib-size N] [--algo A] [--per-channel|--per-tensor]
//   [--exclude-op T ...] [--exclude-node REGEX ...] [--stats FILE] [--verbose]
#include <cstdio>

#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "config/tune_config.h"
#include "quant/dataset_samples.h"
#include "quant/plan_io.h"
#include "quant/quantize_model.h"
#include "quant/sample_source.h"
#include "qtune/error.h"

namespace qtune::cli {
namespace {

bool is_yaml(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  struct Options {
    std::string model, output, calib, stats, plan, config, algo = "minmax", activation = "auto", weight = "int8_sym";
    double percentile = 99.99;
    int64_t calib_size = 0;
    bool per_channel = false, per_tensor = false, bias_fp32 = false, no_input_quant = false;
    bool dynamic = false;
    std::string reduce_range = "auto";
    std::vector<std::string> exclude_ops, exclude_nodes;
    int threads = 0, sensitivity = 0;
    bool verbose = false, quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("quantize", "Calibrate and quantize a model to INT8, writing a QDQ ONNX model");
  cmd->add_option("model", o->model, "FP32 ONNX model")->required();
  cmd->add_option("-o,--output", o->output, "Where to write the QDQ model")->required();
  cmd->add_option("--calib", o->calib,
                  "Calibration data: a folder of .npy samples (DATA/<input>/*.npy for several inputs), or a "
                  "YAML config whose quantization.calibration.dataloader (else evaluation.accuracy.dataloader) "
                  "yields the samples");
  cmd->add_option("--calib-size", o->calib_size, "Use at most N calibration samples (default: all)");
  cmd->add_option("--stats", o->stats, "Calibration statistics file: reused when it exists, else written");
  cmd->add_option("--config", o->config,
                  "YAML config (docs/config.md): its quantization section gives the plan and the sampling size, "
                  "its dataloader the calibration data when --calib is not given");
  cmd->add_option("--plan", o->plan,
                  "Replay a plan (the deploy.yaml qtune tune writes) instead of the options below");
  cmd->add_option("--algo", o->algo, "Activation range: minmax (default), percentile, kl, mse");
  cmd->add_option("--percentile", o->percentile, "Percentile for --algo percentile (default 99.99)");
  cmd->add_option("--activation-scheme", o->activation, "auto (default: int8_sym where the CPU has VNNI, else uint8_asym), int8_sym, uint8_asym or int8_asym");
  cmd->add_option("--weight-scheme", o->weight, "int8_sym (default), int8_asym or uint8_asym");
  cmd->add_flag("--per-channel", o->per_channel, "Weights per output channel (the default)");
  cmd->add_flag("--per-tensor", o->per_tensor, "Weights with one scale per tensor");
  cmd->add_flag("--bias-fp32", o->bias_fp32, "Keep biases in FP32 (default: int32 at s_input * s_weight)");
  cmd->add_flag("--no-input-quant", o->no_input_quant, "Leave model inputs unquantized (nodes reading them stay FP32)");
  cmd->add_option("--reduce-range", o->reduce_range, "7-bit weights: auto (on CPUs without VNNI), on, off");
  cmd->add_flag("--dynamic", o->dynamic,
                "Dynamic quantization: MatMul/Gemm weights INT8 offline, activations quantized at run time (no calibration)");
  cmd->add_option("--exclude-op", o->exclude_ops, "Keep every node of this op type in FP32 (repeatable)");
  cmd->add_option("--exclude-node", o->exclude_nodes, "Keep nodes whose name matches this regex in FP32 (repeatable)");
  cmd->add_option("--threads", o->threads, "Threads for calibration (default: all cores)");
  cmd->add_option("--sensitivity", o->sensitivity,
                  "Measure each INT8 node's output error alone on N calibration samples; list the worst");
  cmd->add_flag("-v,--verbose", o->verbose, "List every quantizable node: INT8, or FP32 and why");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress display");
  cmd->callback([o, cmd] {
    if (o->per_channel && o->per_tensor) throw Error("--per-channel and --per-tensor exclude each other");
    if (o->calib_size < 0) throw Error("--calib-size must be >= 0");
    if (o->calib.empty() && o->stats.empty() && o->config.empty() && o->plan.empty() && !o->dynamic)
      throw Error("give --calib DATA (or --stats FILE of an earlier run, or --config CONFIG.yaml)");
    if (!o->config.empty() && !o->plan.empty()) throw Error("--config and --plan both give the plan; use one");
    quant::QuantizeJob job;
    job.model_path = o->model;
    job.output_path = o->output;
    job.sampling_size = o->calib_size;
    job.stats_path = o->stats;
    job.threads = o->threads;
    job.quiet = o->quiet;
    job.sensitivity_samples = o->sensitivity;
    job.plan = quant::default_plan();
    job.plan.activation.algorithm = quant::parse_range_method(o->algo);
    job.plan.activation.percentile = o->percentile;
    if (o->activation != "auto") job.plan.activation.scheme = quant::parse_scheme(o->activation);
    job.plan.weight.scheme = quant::parse_scheme(o->weight);
    job.plan.weight.per_channel = !o->per_tensor;
    job.plan.quantize_bias = !o->bias_fp32;
    job.plan.quantize_inputs = !o->no_input_quant;
    if (o->reduce_range == "on")
      job.plan.reduce_range = true;
    else if (o->reduce_range == "off")
      job.plan.reduce_range = false;
    else if (o->reduce_range != "auto")
      throw Error("--reduce-range '" + o->reduce_range + "': expected auto, on or off");
    job.plan.dynamic = o->dynamic;
    job.plan.exclude_op_types = o->exclude_ops;
    job.plan.exclude_node_regex = o->exclude_nodes;
    std::optional<config::TuneConfig> cfg;
    if (!o->config.empty()) cfg = config::load_tune_config(o->config);
    if (!o->plan.empty() || cfg) {
      for (const char* flag : {"--algo", "--percentile", "--activation-scheme", "--weight-scheme", "--per-channel",
                               "--per-tensor", "--bias-fp32", "--no-input-quant", "--reduce-range", "--exclude-op",
                               "--exclude-node", "--dynamic"})
        if (cmd->count(flag))
          throw Error(std::string(cfg ? "--config" : "--plan") + " replaces " + flag + "; give one or the other");
      if (cfg) {
        job.plan = config::base_plan(*cfg);
        if (!cmd->count("--calib-size")) job.sampling_size = cfg->quantization.sampling_sizes.front();
      } else {
        const quant::LoadedPlan loaded = quant::load_plan(o->plan);
        job.plan = loaded.plan;
        if (!cmd->count("--calib-size")) job.sampling_size = loaded.sampling_size;
      }
    }
    if (o->calib.empty() && cfg) {
      job.samples = quant::config_calibration_samples(*cfg);
    } else if (is_yaml(o->calib)) {
      const config::TuneConfig data = config::load_tune_config(o->calib);
      job.samples = quant::config_calibration_samples(data);
      if (!cmd->count("--calib-size") && !cfg && o->plan.empty()) job.sampling_size = data.quantization.sampling_sizes.front();
    } else if (!o->calib.empty()) {
      const std::string root = o->calib;
      job.samples = [root](const ir::Model& prepared) -> std::unique_ptr<quant::SampleSource> {
        return std::make_unique<quant::NpyFolderSamples>(root, prepared);
      };
    }
    const quant::QuantizeJobResult r = quant::run_quantize_job(job);
    if (job.plan.dynamic)
      std::printf("calibration: none (dynamic quantization: activation ranges at run time)\n");
    else if (r.statistics_reused)
      std::printf("calibration: statistics reused from %s (%lld samples)\n", o->stats.c_str(),
                  static_cast<long long>(r.calibration_samples));
    else
      std::printf("calibration: %lld samples in %.1f s\n", static_cast<long long>(r.calibration_samples),
                  r.calibration_seconds);
    std::fputs(quant::format_decisions(r.result, o->verbose).c_str(), stdout);
    if (!r.sensitivity.empty()) std::fputs(quant::format_sensitivity(r.sensitivity, 15).c_str(), stdout);
    std::printf("wrote %s\n", o->output.c_str());
  });
}

}  // namespace qtune::cli
