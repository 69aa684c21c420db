// A tuning trial: one quantization plan (and the calibration sampling size its statistics
// come from) proposed by a strategy, and what evaluating it gave.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "quant/plan.h"

namespace qtune::tune {

struct TrialSpec {
  quant::QuantPlan plan;
  int64_t sampling_size = 0;
  std::string description;  // what the strategy is trying: "model-wise kl per_channel", "fallback p2o.Conv.1"
};

struct TrialResult {
  TrialSpec spec;
  int index = 0;           // 1-based, in the order the trials ran
  double accuracy = 0;
  bool meets = false;      // the accuracy criterion holds
  double latency_ms = std::numeric_limits<double>::quiet_NaN();  // measured for passing trials
  double model_bytes = 0;  // serialized size of the quantized model
  double seconds = 0;      // quantize + evaluate (+ measure) time
  bool reused = false;     // read back from the history of an earlier, interrupted run
};

}  // namespace qtune::tune
