// Synthetic inputs of given shapes and types, for benchmarking and smoke tests.
// Values are uniform in [low, high) (integers: [low, high]) and a pure function of
// (seed, sample index, input), so any thread reproduces any sample.
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"

namespace qtune::data {

struct DummyInput {
  std::string name;  // optional
  std::vector<int64_t> shape;  // per sample, without the batch dimension
  DataType type = DataType::Float32;
};

struct DummyOptions {
  std::vector<DummyInput> inputs;
  size_t count = 1;
  double low = 0.0, high = 1.0;
  uint64_t seed = 0;
};

class DummyDataset : public Dataset {
 public:
  explicit DummyDataset(DummyOptions options);
  size_t size() const override { return options_.count; }
  Sample get(size_t index) const override;
  std::vector<std::string> input_names() const override;
  std::string describe() const override;

 private:
  DummyOptions options_;
};

}  // namespace qtune::data
