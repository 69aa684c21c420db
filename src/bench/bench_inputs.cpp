#include "bench/bench_inputs.h"

#include "config/tune_config.h"
#include "quant/dataset_samples.h"

#include <cstring>
#include <random>

#include "qtune/error.h"

namespace qtune::bench {

std::map<std::string, Tensor> make_bench_inputs(const ir::Graph& graph, const InputSpec& spec,
                                                const std::string& model_path) {
  std::map<std::string, Tensor> feeds;
  std::mt19937 rng(12345);
  for (const ir::Value* v : graph.inputs()) {
    if (v->has_initializer()) continue;
    const std::string& name = v->name();
    if (auto it = spec.given.find(name); it != spec.given.end()) {
      feeds[name] = it->second;
      continue;
    }
    std::vector<int64_t> dims;
    if (auto it = spec.shapes.find(name); it != spec.shapes.end()) {
      dims = it->second;
    } else {
      if (!v->shape.has_rank())
        throw Error(model_path + ": input '" + name + "' has no known rank; give --shape " + name + "=DIMS");
      for (size_t i = 0; i < v->shape.dims->size(); ++i) {
        const ir::Dim& d = (*v->shape.dims)[i];
        if (d.is_known()) {
          dims.push_back(d.value);
        } else if (i == 0) {
          dims.push_back(spec.batch);
        } else {
          throw Error(model_path + ": input '" + name + "' has shape " + v->shape.to_string() + "; dim " +
                      std::to_string(i) + " is not fixed, give --shape " + name + "=DIMS");
        }
      }
    }
    Tensor t(v->dtype == DataType::Undefined ? DataType::Float32 : v->dtype, dims);
    if (t.dtype() == DataType::Float32) {
      std::uniform_real_distribution<float> dist(0.0f, 1.0f);
      for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
    } else if (t.dtype() != DataType::String) {
      std::memset(t.raw(), 0, t.byte_size());  // ids, masks: zeros are valid for any model
    }
    feeds[name] = std::move(t);
  }
  return feeds;
}

std::map<std::string, Tensor> inputs_from_config(const std::string& config_path, const ir::Model& model) {
  const config::TuneConfig c = config::load_tune_config(config_path);
  YAML::Node node = c.evaluation.dataloader;
  std::string key = "evaluation.accuracy.dataloader";
  if (!node) {
    node = c.quantization.calibration_dataloader;
    key = "quantization.calibration.dataloader";
  }
  if (!node) throw Error(config_path + ": evaluation.accuracy.dataloader: missing (the data to benchmark on)");
  try {
    quant::DataLoaderSamples samples(node, key, c.base_dir, model, c.model.inputs);
    std::optional<quant::Feeds> first = samples.next();
    if (!first) throw Error(key + ": the dataset is empty");
    return *first;
  } catch (const Error& e) {
    throw Error(config_path + ": " + e.what());
  }
}

}  // namespace qtune::bench
