#include "quant/calibration.h"

#include <omp.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
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
  for (const auto& [name, ranges] : other.channels) channels[name].merge(ranges);
  samples += other.samples;
}

void CalibrationStats::check_model(const ir::Model& model, const std::string& model_source) const {
  const auto expected = calibration_inputs(model);
  if (expected != inputs)
    throw Error(model_source + ": the calibration statistics were collected on inputs " + describe_inputs(inputs) +
                ", the model has " + describe_inputs(expected));
}

namespace {

// Statistics of samples [checkpoint k-1, checkpoint k) are kept apart (segment k), so the
// statistics "after n samples" are a merge of the first segments whichever worker ran them.
size_t segment_of(const std::vector<int64_t>& bounds, int64_t index) {
  return static_cast<size_t>(std::upper_bound(bounds.begin(), bounds.end(), index) - bounds.begin());
}

using SegmentStats = std::map<size_t, std::map<std::string, TensorStats>>;
using SegmentChannels = std::map<size_t, std::map<std::string, ChannelRanges>>;

void merge_into(std::map<std::string, TensorStats>& into, const std::map<std::string, TensorStats>& from) {
  for (const auto& [name, stats] : from) {
    auto [it, fresh] = into.try_emplace(name, stats);
    if (!fresh) it->second.merge(stats);
  }
}

}  // namespace

CalibrationStats calibrate(const ir::Model& model, SampleSource& samples, const CalibrationOptions& options) {
  CalibrationStats result;
  result.bins_per_side = options.bins_per_side;
  result.inputs = calibration_inputs(model);
  const std::vector<InputSpec> specs = input_specs(model);
  std::vector<int64_t> bounds;
  for (int64_t c : options.checkpoints)
    if (c > 0) bounds.push_back(c);
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  // Samples run in parallel, one single-threaded session per worker: a calibration run is
  // full of small unfused ops and per-tensor histogram updates, where threads inside one
  // run mostly wait for each other (4x slower on two cores than this).
  const int workers = std::max(1, options.threads > 0 ? options.threads : omp_get_num_procs());
  exec::SessionOptions session_options;
  session_options.backend = options.backend;
  session_options.threads = 1;
  session_options.optimize = false;  // keep every original tensor, by name

  int64_t total = samples.size_hint();
  if (options.sampling_size > 0) total = total > 0 ? std::min(total, options.sampling_size) : options.sampling_size;
  Progress progress("calibration", total, options.quiet);
  std::mutex mutex;  // guards the sample source, the counters, the progress and `error`
  int64_t next_index = 0;
  bool stop = false;
  std::string error;
  std::vector<SegmentStats> per_worker(static_cast<size_t>(workers));
  std::vector<SegmentChannels> channels_per_worker(static_cast<size_t>(workers));
  std::set<std::string> channel_tensors;
  for (const EqualizationPair& p : equalization_pairs(*model.graph)) channel_tensors.insert(p.tensor);

  auto work = [&](size_t w) {
    try {
      exec::Session session(model, session_options, options.model_source);
      std::unordered_map<const ir::Value*, TensorStats*> slot;  // per segment, reset when it changes
      size_t slot_segment = SIZE_MAX;
      int64_t index = 0;
      std::string source;
      const exec::ValueObserver observer = [&](const ir::Value& v, const Tensor& t) {
        if (t.dtype() != DataType::Float32 || v.has_initializer()) return;
        if (v.producer() && v.producer()->op_type() == "Constant" && v.producer()->domain().empty()) return;
        auto it = slot.find(&v);
        if (it == slot.end()) {
          auto& tensors = per_worker[w][slot_segment];
          it = slot.emplace(&v, &tensors.try_emplace(v.name(), options.bins_per_side).first->second).first;
        }
        it->second->update(t.data<float>(), t.numel(), v.name(), index, source);
        if (t.rank() == 4 && channel_tensors.count(v.name()))
          channels_per_worker[w][slot_segment][v.name()].update(t.data<float>(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3));
      };
      for (;;) {
        std::optional<Feeds> feeds;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (stop || (options.sampling_size > 0 && next_index >= options.sampling_size)) return;
          feeds = samples.next();
          if (!feeds) return;
          index = next_index++;
          source = samples.last_source();
        }
        check_feeds(specs, *feeds,
                    "calibration sample " + std::to_string(index) + (source.empty() ? "" : " (" + source + ")"));
        const size_t segment = segment_of(bounds, index);
        if (segment != slot_segment) {
          slot.clear();
          slot_segment = segment;
        }
        session.run(*feeds, observer);
        std::lock_guard<std::mutex> lock(mutex);
        progress.advance();
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex);
      if (error.empty()) error = e.what();
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < per_worker.size(); ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  progress.finish();
  if (!error.empty()) throw Error(error);
  if (next_index == 0) throw Error(options.model_source + ": calibration got no samples");
  result.samples = next_index;

  // Segments in order; a checkpoint's statistics are the merge of the segments before it.
  std::set<size_t> segments;
  for (const SegmentStats& s : per_worker)
    for (const auto& [segment, tensors] : s) segments.insert(segment);
  for (const SegmentChannels& s : channels_per_worker)
    for (const auto& [segment, ranges] : s) segments.insert(segment);
  for (size_t segment : segments) {
    for (const SegmentStats& s : per_worker)
      if (auto it = s.find(segment); it != s.end()) merge_into(result.tensors, it->second);
    for (const SegmentChannels& s : channels_per_worker)
      if (auto it = s.find(segment); it != s.end())
        for (const auto& [name, ranges] : it->second) result.channels[name].merge(ranges);
    if (options.checkpoint_stats && segment < bounds.size() && bounds[segment] <= next_index) {
      CalibrationStats snapshot = result;
      snapshot.samples = bounds[segment];
      (*options.checkpoint_stats)[bounds[segment]] = std::move(snapshot);
    }
  }
  return result;
}

}  // namespace qtune::quant
