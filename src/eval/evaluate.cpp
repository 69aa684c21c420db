#include "eval/evaluate.h"

#include <chrono>
#include <cstring>
#include <map>

#include "config/yaml_check.h"
#include "data/data_loader.h"
#include "data/dataset_yaml.h"
#include "ir/model_io.h"
#include "metrics/metric_factory.h"
#include "qtune/error.h"
#include "util/progress.h"

namespace qtune::eval {
namespace {

const char* kDataloaderPath = "evaluation.accuracy.dataloader";

// The first `rows` rows of a tensor whose leading dim is the batch (padding rows dropped).
Tensor leading_rows(const Tensor& t, int64_t rows) {
  if (t.rank() == 0 || t.dim(0) <= rows || t.dtype() == DataType::String) return t;
  std::vector<int64_t> dims = t.dims();
  dims[0] = rows;
  Tensor out(t.dtype(), dims);
  std::memcpy(out.raw(), t.raw(), out.byte_size());
  return out;
}

// Model input names in the order the dataset's tensors come.
std::vector<std::string> input_order(const EvalConfig& config, const data::Dataset& dataset,
                                     const exec::Session& session) {
  if (!config.model_inputs.empty()) return config.model_inputs;
  if (!dataset.input_names().empty()) return dataset.input_names();
  std::vector<std::string> names;
  for (const ir::Value* v : session.inputs()) names.push_back(v->name());
  return names;
}

}  // namespace

EvalResult evaluate(const std::string& model_path, const EvalConfig& config, const exec::SessionOptions& options,
                    bool quiet) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<metrics::Metric> metric;
  try {
    metric = metrics::make_metric(config.metric, "evaluation.accuracy.metric");
  } catch (const Error& e) {
    throw Error(config.path + ": " + e.what());
  }
  EvalResult result;
  result.metric = metric->name();
  if (metric->needs_reference_outputs())
    throw Error(config.path + ": evaluation.accuracy.metric: " + metric->name() +
                " compares two models' outputs; qtune eval scores one model against ground truth");
  if (metric->scores_model_file()) {
    metric->score_model_file(model_path);
  } else {
    if (!config.dataloader) throw Error(config.path + ": " + kDataloaderPath + ": missing required key");
    std::shared_ptr<data::Dataset> dataset;
    data::DataLoaderOptions loader_options;
    try {
      dataset = data::make_dataset(config.dataloader, kDataloaderPath, config.base_dir);
      loader_options = data::make_loader_options(config.dataloader, kDataloaderPath);
    } catch (const Error& e) {
      throw Error(config.path + ": " + e.what());
    }
    ir::Model model = ir::load_model(model_path);
    exec::Session session(model, options, model_path);
    const std::vector<std::string> inputs = input_order(config, *dataset, session);
    std::vector<size_t> output_index;
    const ir::Graph& g = session.graph();
    if (config.model_outputs.empty()) {
      for (size_t i = 0; i < g.outputs().size(); ++i) output_index.push_back(i);
    } else {
      for (const std::string& name : config.model_outputs) {
        size_t i = 0;
        while (i < g.outputs().size() && g.outputs()[i]->name() != name) ++i;
        if (i == g.outputs().size()) {
          std::string names;
          for (const ir::Value* v : g.outputs()) names += (names.empty() ? "" : ", ") + v->name();
          throw Error(config.path + ": model.outputs: " + model_path + " has no output '" + name + "' (outputs: " +
                      names + ")");
        }
        output_index.push_back(i);
      }
    }
    data::DataLoader loader(dataset, loader_options);
    Progress progress("evaluation", static_cast<int64_t>(loader.num_batches()), quiet);
    while (std::optional<data::Batch> batch = loader.next()) {
      if (batch->inputs.size() != inputs.size())
        throw Error(config.path + ": " + kDataloaderPath + " yields " + std::to_string(batch->inputs.size()) +
                    " input tensor(s) per sample but the model is fed " + std::to_string(inputs.size()) + " (" +
                    config::join_words(inputs) + "); set model.inputs");
      std::map<std::string, Tensor> feeds;
      for (size_t i = 0; i < inputs.size(); ++i) feeds[inputs[i]] = batch->inputs[i];
      auto outputs = session.run(feeds);
      const auto valid = static_cast<int64_t>(batch->valid);
      std::vector<Tensor> scored;
      for (size_t i : output_index) scored.push_back(leading_rows(outputs[i].second, valid));
      std::vector<data::Annotation> labels(batch->labels.begin(), batch->labels.begin() + valid);
      metric->update(scored, labels);
      result.samples += valid;
      progress.advance();
    }
    progress.finish();
  }
  result.value = metric->result();
  result.higher_is_better = metric->higher_is_better();
  result.summary = metric->summary();
  result.details = metric->to_json();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace qtune::eval
