#include "metrics/squad_metric.h"

#include <fmt/format.h>

#include "metrics/squad_eval.h"
#include "qtune/error.h"

namespace qtune::metrics {
void SquadF1Metric::update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) {
  const int64_t start_size = per_sample_size(name(), outputs, options_.start_logits_output, labels.size());
  const int64_t end_size = per_sample_size(name(), outputs, options_.end_logits_output, labels.size());
  if (start_size != end_size)
    throw Error(fmt::format("{}: start logits ({}) and end logits ({}) differ in size", name(),
                            outputs[options_.start_logits_output].describe(),
                            outputs[options_.end_logits_output].describe()));
  cached_.reset();
  for (size_t b = 0; b < labels.size(); ++b) {
    const auto& feature = labels[b].squad;
    if (!feature) throw Error(sample_context(name(), labels[b]) + ": has no SQuAD feature (use the squad dataset)");
    if (start_size < static_cast<int64_t>(feature->token_ids.size()))
      throw Error(fmt::format("{}: the logits have {} positions but the feature has {} tokens",
                              sample_context(name(), labels[b]), start_size, feature->token_ids.size()));
    Seen seen{feature, {}};
    seen.logits.start.resize(static_cast<size_t>(start_size));
    seen.logits.end.resize(static_cast<size_t>(start_size));
    const Tensor& start = outputs[options_.start_logits_output];
    const Tensor& end = outputs[options_.end_logits_output];
    for (int64_t i = 0; i < start_size; ++i) {
      seen.logits.start[static_cast<size_t>(i)] =
          static_cast<float>(element(start, static_cast<int64_t>(b) * start_size + i));
      seen.logits.end[static_cast<size_t>(i)] =
          static_cast<float>(element(end, static_cast<int64_t>(b) * start_size + i));
    }
    seen_[feature->unique_id] = std::move(seen);
  }
}

std::vector<std::pair<const data::SquadExample*, std::string>> SquadF1Metric::answers_in_order() const {
  // Group the windows by question, in feature order.
  std::map<std::pair<size_t, const data::SquadExample*>, std::vector<const Seen*>> questions;
  for (const auto& [id, seen] : seen_)
    questions[{seen.feature->example_index, seen.feature->example.get()}].push_back(&seen);
  std::vector<std::pair<const data::SquadExample*, std::string>> answers;
  std::vector<const data::SquadFeature*> features;
  std::vector<const data::SquadLogits*> logits;
  for (const auto& [key, windows] : questions) {
    features.clear();
    logits.clear();
    for (const Seen* s : windows) {
      features.push_back(s->feature.get());
      logits.push_back(&s->logits);
    }
    answers.emplace_back(key.second, data::squad_nbest(features, logits, options_.postprocess).front().text);
  }
  return answers;
}

std::map<std::string, std::string> SquadF1Metric::predictions() const {
  std::map<std::string, std::string> out;
  for (auto& [example, text] : answers_in_order()) out[example->qas_id] = std::move(text);
  return out;
}

const SquadF1Metric::Scores& SquadF1Metric::scores() const {
  if (cached_) return *cached_;
  if (seen_.empty()) throw Error("SquadF1: no samples were evaluated");
  Scores s;
  int64_t exact = 0;
  double f1_sum = 0;
  for (const auto& [example, text] : answers_in_order()) {  // dataset order, as the official script sums
    const auto& truths = example->answers;
    exact += static_cast<int64_t>(squad::best_exact_match(text, truths));
    f1_sum += squad::best_f1(text, truths);
    ++s.questions;
  }
  s.exact_match = 100.0 * static_cast<double>(exact) / static_cast<double>(s.questions);
  s.f1 = 100.0 * f1_sum / static_cast<double>(s.questions);
  cached_ = s;
  return *cached_;
}

std::string SquadF1Metric::summary() const {
  const Scores& s = scores();
  return fmt::format("SQuAD v1.1: exact_match {:.4f}, f1 {:.4f} ({} questions, {} features)", s.exact_match, s.f1,
                     s.questions, seen_.size());
}

nlohmann::json SquadF1Metric::to_json() const {
  const Scores& s = scores();
  nlohmann::json j = Metric::to_json();
  j["exact_match"] = s.exact_match;
  j["f1"] = s.f1;
  j["questions"] = s.questions;
  j["features"] = seen_.size();
  return j;
}

void SquadF1Metric::reset() {
  seen_.clear();
  cached_.reset();
}

}  // namespace qtune::metrics
