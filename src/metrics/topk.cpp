#include "metrics/topk.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "qtune/error.h"

namespace qtune::metrics {

int64_t stable_rank(const float* scores, int64_t count, int64_t label) {
  const float target = scores[label];
  if (std::isnan(target)) return count;  // never within any k
  int64_t rank = 0;
  for (int64_t j = 0; j < count; ++j) rank += (scores[j] > target) || (scores[j] == target && j < label);
  return rank;
}

TopKAccuracy::TopKAccuracy(int64_t k, size_t output_index) : k_(k), output_index_(output_index) {
  if (k < 1) throw Error("topk: k must be at least 1, got " + std::to_string(k));
}

void TopKAccuracy::update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) {
  const int64_t classes = per_sample_size(name(), outputs, output_index_, labels.size());
  const Tensor& scores = outputs[output_index_];
  std::vector<float> converted;  // only for non-float32 outputs
  const float* base = nullptr;
  if (scores.dtype() == DataType::Float32) {
    base = scores.data<float>();
  } else {
    converted.resize(static_cast<size_t>(scores.numel()));
    for (int64_t i = 0; i < scores.numel(); ++i)
      converted[static_cast<size_t>(i)] = static_cast<float>(scores.value_as_double(i));
    base = converted.data();
  }
  for (size_t b = 0; b < labels.size(); ++b) {
    if (!labels[b].class_id)
      throw Error(sample_context(name(), labels[b]) + ": has no class label (topk needs one per sample)");
    const int64_t label = *labels[b].class_id;
    if (label < 0 || label >= classes)
      throw Error(fmt::format("{}: class label {} is outside the model's {} output classes",
                              sample_context(name(), labels[b]), label, classes));
    correct_ += stable_rank(base + static_cast<int64_t>(b) * classes, classes, label) < k_;
    ++total_;
  }
}

double TopKAccuracy::result() const {
  if (total_ == 0) throw Error("topk: no samples were evaluated");
  return static_cast<double>(correct_) / static_cast<double>(total_);
}

std::string TopKAccuracy::summary() const {
  return fmt::format("top-{} accuracy: {:.4f} ({} of {} samples)", k_, result(), correct_, total_);
}

nlohmann::json TopKAccuracy::to_json() const {
  nlohmann::json j = Metric::to_json();
  j["k"] = k_;
  j["correct"] = correct_;
  j["samples"] = total_;
  return j;
}

}  // namespace qtune::metrics
