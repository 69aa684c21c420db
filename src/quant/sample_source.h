// Where calibration gets its samples: anything that yields model feeds one at a time
// (name -> tensor), so only one sample is in memory at once.
//
// NpyFolderSamples reads the CLI's calibration data layout:
//   DATA/*.npy               single-input model: one file per sample (sorted order)
//   DATA/<input name>/*.npy  several inputs: the i-th files (sorted) of all folders form sample i
// Each file's rank, compared with the rank r the model declares for its input:
//   r      one sample, fed as is (e.g. [1,3,48,320] for a model input [1,3,48,320]);
//   r - 1  one sample without the batch dim ([3,48,320]): a leading 1 is added (the model's
//          first dim must be 1 or not fixed);
//   r + 1  a stack of N samples along a new leading axis ([N,1,3,48,320]): each is one sample.
// The element type and every fixed dim must match the model; errors name the file, the
// input and the expected shape.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::quant {

using Feeds = std::map<std::string, Tensor>;

// A model input as calibration checks it.
struct InputSpec {
  std::string name;
  DataType dtype = DataType::Undefined;
  ir::Shape shape;
  std::string describe() const;  // "float32[1,3,48,320]"
};
// The inputs a caller must feed (graph inputs without an initializer), in order.
std::vector<InputSpec> input_specs(const ir::Model& model);

// Checks one sample against the model: every input present, no unknown names, element
// type, rank and fixed dims. Throws qtune::Error "<where>: input 'x' ... the model expects ...".
void check_feeds(const std::vector<InputSpec>& inputs, const Feeds& feeds, const std::string& where);

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  // The next sample, or nullopt when there are no more.
  virtual std::optional<Feeds> next() = 0;
  // How many samples to expect (0 = unknown); only for the progress display.
  virtual int64_t size_hint() const { return 0; }
  // Names the sample next() returned last in error messages ("calib/x/003.npy"); may be empty.
  virtual std::string last_source() const { return ""; }
};

// Samples from a callback (returns nullopt at the end).
class CallbackSamples : public SampleSource {
 public:
  using Next = std::function<std::optional<Feeds>()>;
  explicit CallbackSamples(Next next, int64_t size_hint = 0) : next_(std::move(next)), size_hint_(size_hint) {}
  std::optional<Feeds> next() override { return next_(); }
  int64_t size_hint() const override { return size_hint_; }

 private:
  Next next_;
  int64_t size_hint_;
};

// Samples held in memory (tests, small sets).
class VectorSamples : public SampleSource {
 public:
  explicit VectorSamples(std::vector<Feeds> samples) : samples_(std::move(samples)) {}
  std::optional<Feeds> next() override;
  int64_t size_hint() const override { return static_cast<int64_t>(samples_.size()); }

 private:
  std::vector<Feeds> samples_;
  size_t pos_ = 0;
};

class NpyFolderSamples : public SampleSource {
 public:
  // Lists the files and reads the first sample, so layout and shape errors show up here,
  // before any inference runs.
  NpyFolderSamples(const std::string& root, const ir::Model& model);

  std::optional<Feeds> next() override;
  // Exact unless files are stacks: then the file count times the first file's stack size.
  int64_t size_hint() const override { return size_hint_; }
  std::string last_source() const override { return last_source_; }
  size_t file_count() const { return files_.empty() ? 0 : files_[0].size(); }

 private:
  bool load_file_group(size_t index);  // reads the index-th file of every input into current_

  std::string root_;
  std::vector<InputSpec> inputs_;
  std::vector<std::vector<std::string>> files_;  // [input][file]
  size_t next_file_ = 0;
  std::vector<Tensor> current_;        // per input: one sample, or a stack of samples
  std::vector<bool> current_stacked_;  // per input: current_ is a stack
  int64_t current_count_ = 0;          // samples in current_
  int64_t current_pos_ = 0;            // next sample of current_
  std::string current_source_;
  std::string last_source_;
  int64_t size_hint_ = 0;
};

}  // namespace qtune::quant
