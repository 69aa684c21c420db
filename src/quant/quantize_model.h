// The whole `qtune quantize` job as a library call: load the model, prepare it, calibrate
// (or reuse a statistics file), quantize per the plan, write the QDQ model atomically,
// and say what became INT8 and what stayed FP32 and why.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "quant/calibration.h"
#include "quant/dataset_samples.h"
#include "quant/plan.h"
#include "quant/quantizer.h"
#include "quant/sensitivity.h"

namespace qtune::quant {


struct QuantizeJob {
  std::string model_path;
  std::string output_path;
  SampleSourceFactory samples;  // not called when the statistics file exists
  int64_t sampling_size = 0;    // at most this many calibration samples (0: all)
  // Statistics file: loaded when it exists (no calibration pass), else written after
  // calibrating. Empty: calibrate, keep nothing.
  std::string stats_path;
  QuantPlan plan;
  int threads = 0;
  bool quiet = false;
  // Also measure each INT8 unit's output error alone on this many calibration samples.
  int sensitivity_samples = 0;
};

struct QuantizeJobResult {
  QuantizeResult result;
  int64_t calibration_samples = 0;
  bool statistics_reused = false;
  double calibration_seconds = 0;
  std::vector<UnitSensitivity> sensitivity;  // worst first (with sensitivity_samples > 0)
};

QuantizeJobResult run_quantize_job(const QuantizeJob& job);

// "INT8: Conv 53, MatMul 1, ...\nFP32: ..." and, verbose, one line per unit.
std::string format_decisions(const QuantizeResult& result, bool verbose);
// The `count` most harmful units, one line each.
std::string format_sensitivity(const std::vector<UnitSensitivity>& sensitivity, size_t count);

}  // namespace qtune::quant
