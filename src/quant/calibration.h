// Calibration: run the FP32 model over sample inputs and record, for every float32
// activation (graph inputs and node outputs; not initializers or Constant nodes), the
// streaming statistics the range algorithms need. The session runs with optimize=false so
// every tensor of the original graph exists under its own name for the quantizer.
//
// Statistics are saved as one compact JSON document (histograms as arrays of counts,
// trimmed to their non-empty span), written atomically:
//   {"format": "qtune-calibration", "version": 1, "samples": 100, "bins_per_side": 2048,
//    "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 3, 48, 320]}],
//    "tensors": {"conv1_out": {"count": .., "min": .., "max": .., "range": 8,
//                              "offset": 1980, "counts": [3, 0, 17, ...]}},
//    "channels": {"conv0_out": {"min": [...], "max": [...]}}}
// ("shape" uses -1 for dims the model does not fix; "offset" is the index of counts[0]).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "exec/session.h"
#include "ir/graph.h"
#include "quant/equalization.h"
#include "quant/sample_source.h"
#include "quant/tensor_stats.h"

namespace qtune::quant {

// A model input the statistics were collected for; dims of -1 are not fixed by the model.
struct CalibrationInput {
  std::string name;
  DataType dtype = DataType::Undefined;
  std::vector<int64_t> dims;
  bool operator==(const CalibrationInput&) const = default;
};

struct CalibrationStats {
  int bins_per_side = TensorStats::kDefaultBinsPerSide;
  int64_t samples = 0;
  std::vector<CalibrationInput> inputs;
  std::map<std::string, TensorStats> tensors;
  // Per-channel ranges of the tensors channel equalization may rescale (quant/equalization.h).
  std::map<std::string, ChannelRanges> channels;

  // Throws qtune::Error naming the tensor when it has no statistics.
  const TensorStats& at(const std::string& tensor) const;
  // Adds statistics collected on other samples of the same model (same inputs and bins).
  void merge(const CalibrationStats& other);
  // Throws qtune::Error when `model`'s inputs are not the ones the statistics were collected on.
  void check_model(const ir::Model& model, const std::string& model_source) const;

  void save(const std::string& path) const;  // atomic
  // Errors name the file and the key: "calib.json: tensors.conv1_out.counts: expected ...".
  static CalibrationStats load(const std::string& path);

  bool operator==(const CalibrationStats&) const = default;
};

// The model's fed inputs as CalibrationStats records them.
std::vector<CalibrationInput> calibration_inputs(const ir::Model& model);

struct CalibrationOptions {
  int64_t sampling_size = 0;  // at most this many samples (0 = all)
  int bins_per_side = TensorStats::kDefaultBinsPerSide;
  exec::Backend backend = exec::Backend::Dnnl;
  int threads = 0;                     // 0 = all cores
  bool quiet = false;                  // no progress output
  std::string model_source = "model";  // names the model in errors
  // Also keep the statistics as they stood after each of these sample counts (tuning tries
  // several sampling sizes; one pass over the largest gives all of them).
  std::vector<int64_t> checkpoints;
  std::map<int64_t, CalibrationStats>* checkpoint_stats = nullptr;
};

// Runs the model on every sample (up to sampling_size) with a progress display
// ("calibration"). Each sample is checked against the model's inputs first; a NaN or Inf
// in any recorded tensor throws qtune::Error naming the tensor and the (0-based) sample.
// Throws qtune::Error when there are no samples.
CalibrationStats calibrate(const ir::Model& model, SampleSource& samples, const CalibrationOptions& options = {});

}  // namespace qtune::quant
