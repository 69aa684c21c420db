#include "quant/dataset_samples.h"

#include "config/yaml_check.h"
#include "data/dataset_yaml.h"
#include "qtune/error.h"

namespace qtune::quant {

DataLoaderSamples::DataLoaderSamples(const YAML::Node& dataloader, const std::string& key_path,
                                     const std::string& base_dir, const ir::Model& model,
                                     std::vector<std::string> input_names)
    : key_path_(key_path) {
  std::shared_ptr<data::Dataset> dataset = data::make_dataset(dataloader, key_path, base_dir);
  loader_ = std::make_unique<data::DataLoader>(dataset, data::make_loader_options(dataloader, key_path));
  inputs_ = std::move(input_names);
  if (inputs_.empty()) inputs_ = dataset->input_names();
  if (inputs_.empty())
    for (const InputSpec& spec : input_specs(model)) inputs_.push_back(spec.name);
}

std::optional<Feeds> DataLoaderSamples::next() {
  std::optional<data::Batch> batch = loader_->next();
  if (!batch) return std::nullopt;
  last_source_ = key_path_ + " batch " + std::to_string(batch_index_++);
  if (batch->inputs.size() != inputs_.size())
    throw Error(key_path_ + " yields " + std::to_string(batch->inputs.size()) +
                " input tensor(s) per sample but the model is fed " + std::to_string(inputs_.size()) + " (" +
                config::join_words(inputs_) + "); set model.inputs");
  Feeds feeds;
  for (size_t i = 0; i < inputs_.size(); ++i) feeds[inputs_[i]] = batch->inputs[i];
  return feeds;
}

int64_t DataLoaderSamples::size_hint() const { return static_cast<int64_t>(loader_->num_batches()); }

SampleSourceFactory config_calibration_samples(const config::TuneConfig& c) {
  YAML::Node node = c.quantization.calibration_dataloader;
  std::string key = "quantization.calibration.dataloader";
  if (!node) {
    node = c.evaluation.dataloader;
    key = "evaluation.accuracy.dataloader";
  }
  if (!node)
    throw Error(c.path + ": quantization.calibration.dataloader: missing (and there is no evaluation dataloader to "
                         "calibrate on)");
  return [c, node, key](const ir::Model& model) -> std::unique_ptr<SampleSource> {
    try {
      return std::make_unique<DataLoaderSamples>(node, key, c.base_dir, model, c.model.inputs);
    } catch (const Error& e) {
      throw Error(c.path + ": " + e.what());
    }
  };
}

}  // namespace qtune::quant
