// Which units hurt accuracy: for each unit the plan quantizes, the model's output error
// when that unit alone is INT8 (everything else FP32), on a few samples, against the FP32
// outputs. Cheap (no metric, no dataset pass) and local: the error a unit adds is not
// hidden by the others'. The `mse` tuning strategy orders its FP32 fallbacks by it, and
// `qtune quantize --sensitivity` prints it so a user sees which layer broke accuracy.
#pragma once

#include <string>
#include <vector>

#include "exec/session.h"
#include "quant/calibration.h"
#include "quant/quantizer.h"

namespace qtune::quant {

struct UnitSensitivity {
  std::string name;
  std::string label;
  double sqnr_db = 0;  // 10 log10(sum fp32^2 / sum (int8 - fp32)^2) over all outputs; higher is better
  double nmse = 0;     // sum (int8 - fp32)^2 / sum fp32^2
};

struct SensitivityOptions {
  exec::Backend backend = exec::Backend::Dnnl;
  int threads = 0;
  bool quiet = false;
};

// Units in decreasing order of harm (lowest SQNR first). `samples` are model feeds (a few
// calibration samples suffice). Units the plan leaves FP32, and pass-through units (they
// follow their neighbours), are not measured.
std::vector<UnitSensitivity> unit_sensitivity(const Quantizer& quantizer, const CalibrationStats& stats,
                                              const QuantPlan& plan, const std::vector<Feeds>& samples,
                                              const SensitivityOptions& options = {});

// SQNR of `got` against `want` summed over every element of every output, and the NMSE.
struct OutputError {
  double sqnr_db = 0;
  double nmse = 0;
};
OutputError output_error(const std::vector<std::vector<Tensor>>& got, const std::vector<std::vector<Tensor>>& want);

}  // namespace qtune::quant
