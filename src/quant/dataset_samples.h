// Calibration samples from a configured dataloader (a YAML `dataloader:` section, the
// one evaluation uses): each batch is one sample, its tensors fed to the model inputs in
// order — the names given, else the dataset's own input names, else the model's inputs.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/tune_config.h"
#include "data/data_loader.h"
#include "quant/sample_source.h"

namespace qtune::quant {

class DataLoaderSamples : public SampleSource {
 public:
  // `key_path` names the node in errors ("quantization.calibration.dataloader"); relative
  // paths resolve against `base_dir`. Throws qtune::Error for a bad section.
  DataLoaderSamples(const YAML::Node& dataloader, const std::string& key_path, const std::string& base_dir,
                    const ir::Model& model, std::vector<std::string> input_names = {});

  std::optional<Feeds> next() override;
  int64_t size_hint() const override;
  std::string last_source() const override { return last_source_; }

 private:
  std::unique_ptr<data::DataLoader> loader_;
  std::vector<std::string> inputs_;
  std::string key_path_;
  std::string last_source_;
  size_t batch_index_ = 0;
};

// Makes a fresh sample source for a model (calibration is read once per source).
using SampleSourceFactory = std::function<std::unique_ptr<SampleSource>(const ir::Model& model)>;

// The calibration data a config describes: quantization.calibration.dataloader, else the
// evaluation's dataloader; model.inputs names the inputs. Errors name the config file.
SampleSourceFactory config_calibration_samples(const config::TuneConfig& config);

}  // namespace qtune::quant
