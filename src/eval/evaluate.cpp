#include "eval/evaluate.h"

#include <chrono>
#include <cstring>
#include <filesystem>
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

int64_t batch_bytes(const data::Batch& b) {
  int64_t n = 0;
  for (const Tensor& t : b.inputs) n += static_cast<int64_t>(t.byte_size());
  return n;
}

}  // namespace

struct Evaluator::State {
  std::shared_ptr<data::Dataset> dataset;
  data::DataLoaderOptions loader_options;
  std::vector<data::Batch> cached;  // every batch, once decoded (when under the cap)
  bool complete = false;            // `cached` holds the whole dataset
};

Evaluator::Evaluator(EvalConfig config, bool quiet, std::string scratch_dir)
    : config_(std::move(config)), quiet_(quiet), scratch_dir_(std::move(scratch_dir)), state_(std::make_unique<State>()) {
  std::unique_ptr<metrics::Metric> metric;
  try {
    metric = metrics::make_metric(config_.metric, "evaluation.accuracy.metric", config_.base_dir);
  } catch (const Error& e) {
    throw Error(config_.path + ": " + e.what());
  }
  if (metric->needs_reference_outputs())
    throw Error(config_.path + ": evaluation.accuracy.metric: " + metric->name() +
                " compares two models' outputs; qtune eval scores one model against ground truth");
  if (metric->scores_model_file()) return;
  if (!config_.dataloader) throw Error(config_.path + ": " + kDataloaderPath + ": missing required key");
  try {
    state_->dataset = data::make_dataset(config_.dataloader, kDataloaderPath, config_.base_dir);
    state_->loader_options = data::make_loader_options(config_.dataloader, kDataloaderPath);
  } catch (const Error& e) {
    throw Error(config_.path + ": " + e.what());
  }
}

Evaluator::~Evaluator() = default;

bool Evaluator::higher_is_better() const {
  return metrics::make_metric(config_.metric, "evaluation.accuracy.metric", config_.base_dir)->higher_is_better();
}

EvalResult Evaluator::evaluate(const ir::Model& model, const std::string& model_source,
                               const exec::SessionOptions& options) {
  return run(&model, model_source, options);
}

EvalResult Evaluator::evaluate_file(const std::string& model_path, const exec::SessionOptions& options) {
  return run(nullptr, model_path, options);
}

EvalResult Evaluator::run(const ir::Model* model, const std::string& model_path, const exec::SessionOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<metrics::Metric> metric = metrics::make_metric(config_.metric, "evaluation.accuracy.metric", config_.base_dir);
  EvalResult result;
  result.metric = metric->name();
  if (metric->scores_model_file()) {
    std::string path = model_path;
    if (model) {  // the command reads a file: write the in-memory model where it can
      const std::string dir = scratch_dir_.empty() ? std::filesystem::temp_directory_path().string() : scratch_dir_;
      path = (std::filesystem::path(dir) / "candidate.onnx").string();
      ir::save_model(*model, path);
    }
    metric->score_model_file(path);
  } else {
    ir::Model loaded;
    if (!model) {
      loaded = ir::load_model(model_path);
      model = &loaded;
    }
    // One session per input shape: fixed shapes let the graph optimizations fuse more
    // (residual adds need both operands' shapes), and datasets usually have one shape.
    std::map<std::map<std::string, std::vector<int64_t>>, std::unique_ptr<exec::Session>> sessions;
    auto session_for = [&](const std::map<std::string, Tensor>& feeds) -> exec::Session& {
      const auto shapes = exec::shapes_of(feeds);
      auto it = sessions.find(shapes);
      if (it == sessions.end()) {
        exec::SessionOptions fixed = options;
        fixed.input_shapes = shapes;
        it = sessions.emplace(shapes, std::make_unique<exec::Session>(*model, fixed, model_path)).first;
      }
      return *it->second;
    };
    std::vector<std::string> inputs = config_.model_inputs;
    if (inputs.empty()) inputs = state_->dataset->input_names();
    if (inputs.empty())
      for (const ir::Value* v : exec::fed_inputs(*model->graph)) inputs.push_back(v->name());
    std::vector<size_t> output_index;
    const ir::Graph& g = *model->graph;
    if (config_.model_outputs.empty()) {
      for (size_t i = 0; i < g.outputs().size(); ++i) output_index.push_back(i);
    } else {
      for (const std::string& name : config_.model_outputs) {
        size_t i = 0;
        while (i < g.outputs().size() && g.outputs()[i]->name() != name) ++i;
        if (i == g.outputs().size()) {
          std::string names;
          for (const ir::Value* v : g.outputs()) names += (names.empty() ? "" : ", ") + v->name();
          throw Error(config_.path + ": model.outputs: " + model_path + " has no output '" + name + "' (outputs: " +
                      names + ")");
        }
        output_index.push_back(i);
      }
    }
    auto score = [&](const data::Batch& batch) {
      if (batch.inputs.size() != inputs.size())
        throw Error(config_.path + ": " + kDataloaderPath + " yields " + std::to_string(batch.inputs.size()) +
                    " input tensor(s) per sample but the model is fed " + std::to_string(inputs.size()) + " (" +
                    config::join_words(inputs) + "); set model.inputs");
      std::map<std::string, Tensor> feeds;
      for (size_t i = 0; i < inputs.size(); ++i) feeds[inputs[i]] = batch.inputs[i];
      auto outputs = session_for(feeds).run(feeds);
      const auto valid = static_cast<int64_t>(batch.valid);
      std::vector<Tensor> scored;
      for (size_t i : output_index) scored.push_back(leading_rows(outputs[i].second, valid));
      std::vector<data::Annotation> labels(batch.labels.begin(), batch.labels.begin() + valid);
      metric->update(scored, labels);
      result.samples += valid;
    };
    State& s = *state_;
    if (s.complete) {
      Progress progress("evaluation", static_cast<int64_t>(s.cached.size()), quiet_);
      for (const data::Batch& b : s.cached) {
        score(b);
        progress.advance();
      }
    } else {
      data::DataLoader loader(s.dataset, s.loader_options);
      Progress progress("evaluation", static_cast<int64_t>(loader.num_batches()), quiet_);
      int64_t bytes = 0;
      bool keep = true;
      s.cached.clear();
      while (std::optional<data::Batch> batch = loader.next()) {
        score(*batch);
        bytes += batch_bytes(*batch);
        keep = keep && bytes <= cache_limit_;
        if (keep) s.cached.push_back(std::move(*batch));
        progress.advance();
      }
      s.complete = keep;
      if (!keep) s.cached.clear();
    }
  }
  result.value = metric->result();
  result.higher_is_better = metric->higher_is_better();
  result.summary = metric->summary();
  result.details = metric->to_json();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

EvalResult evaluate(const std::string& model_path, const EvalConfig& config, const exec::SessionOptions& options,
                    bool quiet) {
  Evaluator evaluator(config, quiet);
  evaluator.set_cache_limit(0);  // one model: nothing to reuse
  return evaluator.evaluate_file(model_path, options);
}

}  // namespace qtune::eval
