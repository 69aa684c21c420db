#include "quant/calibration.h"

#include <algorithm>
#include <unordered_map>

#include "util/progress.h"

namespace qtune::quant {
namespace {

std::string describe_inputs(const std::vector<CalibrationInput>& inputs) {
  std::string out;
  for (const CalibrationInput& in : inputs)
    out += (out.empty() ? "" : ", ") + in.name + " " + std::string(dtype_name(in.dtype)) + "[" + format_dims(in.dims) +
           "]";
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<CalibrationInput> calibration_inputs(const ir::Model& model) {
  std::vector<CalibrationInput> out;
  for (const InputSpec& spec : input_specs(model)) {
    CalibrationInput in{spec.name, spec.dtype, {}};
    if (spec.shape.has_rank())
      for (const ir::Dim& d : *spec.shape.dims) in.dims.push_back(d.is_known() ? d.value : -1);
    out.push_back(std::move(in));
  }
  return out;
}

const TensorStats& CalibrationStats::at(const std::string& tensor) const {
  auto it = tensors.find(tensor);
  if (it == tensors.end()) throw Error("calibration statistics have no tensor '" + tensor + "'");
  return it->second;
}

void CalibrationStats::merge(const CalibrationStats& other) {
  if (other.bins_per_side != bins_per_side)
    throw Error("calibration statistics: cannot merge " + std::to_string(bins_per_side) + " and " +
                std::to_string(other.bins_per_side) + " bins per side");
  if (other.inputs != inputs)
    throw Error("calibration statistics: cannot merge statistics of different models (inputs " +
                describe_inputs(inputs) + " vs " + describe_inputs(other.inputs) + ")");
  for (const auto& [name, stats] : other.tensors) {
    auto [it, fresh] = tensors.try_emplace(name, stats);
    if (!fresh) it->second.merge(stats);
  }
  samples += other.samples;
}

void CalibrationStats::check_model(const ir::Model& model, const std::string& model_source) const {
  const auto expected = calibration_inputs(model);
  if (expected != inputs)
    throw Error(model_source + ": the calibration statistics were collected on inputs " + describe_inputs(inputs) +
                ", the model has " + describe_inputs(expected));
}

CalibrationStats calibrate(const ir::Model& model, SampleSource& samples, const CalibrationOptions& options) {
  CalibrationStats result;
  result.bins_per_side = options.bins_per_side;
  result.inputs = calibration_inputs(model);
  const std::vector<InputSpec> specs = input_specs(model);

  exec::SessionOptions session_options;
  session_options.backend = options.backend;
  session_options.threads = options.threads;
  session_options.optimize = false;  // keep every original tensor, by name
  exec::Session session(model, session_options, options.model_source);

  int64_t total = samples.size_hint();
  if (options.sampling_size > 0) total = total > 0 ? std::min(total, options.sampling_size) : options.sampling_size;
  Progress progress("calibration", total, options.quiet);

  // Cached per value: one map lookup per tensor name for the whole run.
  std::unordered_map<const ir::Value*, TensorStats*> slot;
  int64_t index = 0;
  std::string source;
  const exec::ValueObserver observer = [&](const ir::Value& v, const Tensor& t) {
    if (t.dtype() != DataType::Float32 || v.has_initializer()) return;
    if (v.producer() && v.producer()->op_type() == "Constant" && v.producer()->domain().empty()) return;
    auto it = slot.find(&v);
    if (it == slot.end())
      it = slot.emplace(&v, &result.tensors.try_emplace(v.name(), options.bins_per_side).first->second).first;
    it->second->update(t.data<float>(), t.numel(), v.name(), index, source);
  };
  while (options.sampling_size <= 0 || index < options.sampling_size) {
    std::optional<Feeds> feeds = samples.next();
    if (!feeds) break;
    source = samples.last_source();
    check_feeds(specs, *feeds,
                "calibration sample " + std::to_string(index) + (source.empty() ? "" : " (" + source + ")"));
    session.run(*feeds, observer);
    ++index;
    progress.advance();
  }
  progress.finish();
  if (index == 0) throw Error(options.model_source + ": calibration got no samples");
  result.samples = index;
  return result;
}

}  // namespace qtune::quant
