// The files a tuning run keeps in its workspace so that later runs reuse them: the FP32
// baseline (keyed by a fingerprint of the model and the evaluation), calibration
// statistics per sampling size (checked against the model's inputs), sensitivity rankings
// per base trial. Everything is written atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "quant/calibration.h"
#include "quant/sensitivity.h"

namespace qtune::tune {

class Workspace {
 public:
  explicit Workspace(std::string dir);  // creates the folder

  std::string file(const std::string& name) const;

  std::optional<double> baseline(const std::string& fingerprint) const;
  void save_baseline(const std::string& fingerprint, double accuracy, double seconds) const;

  // `run` fingerprints the model and calibration data the statistics belong to.
  std::string stats_file(int64_t sampling_size, const std::string& run) const;

  std::optional<std::vector<quant::UnitSensitivity>> sensitivity(const std::string& key) const;
  void save_sensitivity(const std::string& key, const std::vector<quant::UnitSensitivity>& ranking) const;

 private:
  std::string dir_;
};

}  // namespace qtune::tune
