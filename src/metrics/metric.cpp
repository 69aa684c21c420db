#include "metrics/metric.h"

#include <fmt/format.h>

#include "qtune/error.h"

namespace qtune::metrics {

void Metric::update_with_reference(const std::vector<Tensor>&, const std::vector<Tensor>&) {
  throw Error(name() + ": compares outputs with ground truth, not with a reference model's outputs");
}

void Metric::score_model_file(const std::string&) {
  throw Error(name() + ": is computed from model outputs, not by scoring a model file");
}

std::string Metric::summary() const { return fmt::format("{}: {:.6g}", name(), result()); }

nlohmann::json Metric::to_json() const {
  return {{"metric", name()}, {"value", result()}, {"higher_is_better", higher_is_better()}};
}

int64_t per_sample_size(const std::string& metric, const std::vector<Tensor>& outputs, size_t index, size_t batch) {
  if (index >= outputs.size())
    throw Error(
        fmt::format("{}: needs model output {} but the model gave {} output(s)", metric, index, outputs.size()));
  const Tensor& t = outputs[index];
  if (t.dtype() == DataType::String || !t.defined())
    throw Error(fmt::format("{}: output {} is {}, expected a numeric tensor", metric, index, t.describe()));
  if (t.rank() == 0 || t.dim(0) != static_cast<int64_t>(batch))
    throw Error(fmt::format("{}: output {} is {}, expected a leading batch dimension of {}", metric, index,
                            t.describe(), batch));
  return batch == 0 ? 0 : t.numel() / static_cast<int64_t>(batch);
}

std::string sample_context(const std::string& metric, const data::Annotation& label) {
  std::string where = fmt::format("{}: sample {}", metric, label.sample_index);
  if (!label.source.empty()) where += " (" + label.source + ")";
  return where;
}

}  // namespace qtune::metrics
