// Preprocessing transforms applied to a sample's image tensor (input 0), composed in
// order. Transforms are immutable after construction and apply() is const, so a
// pipeline can run on many loader threads at once. Random transforms draw from a
// stream derived from (pipeline seed, sample index, position in the pipeline), so a
// sample's result never depends on which thread or in what order it was produced.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qtune::data {

struct TransformContext {
  size_t sample_index = 0;
  uint64_t seed = 0;  // already mixed with the transform's position in its pipeline
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Returns the transformed image. `image` is never modified (its buffer may be
  // shared); a transform that changes nothing may return it as is.
  virtual Tensor apply(const Tensor& image, const TransformContext& context) const = 0;
  // "Resize(224x224, bilinear)"
  virtual std::string describe() const = 0;
};

class TransformPipeline {
 public:
  TransformPipeline() = default;
  explicit TransformPipeline(std::vector<std::unique_ptr<Transform>> transforms, uint64_t seed = 0)
      : transforms_(std::move(transforms)), seed_(seed) {}

  void add(std::unique_ptr<Transform> transform) { transforms_.push_back(std::move(transform)); }
  bool empty() const { return transforms_.empty(); }
  size_t size() const { return transforms_.size(); }
  // Runs every transform; errors are prefixed with the failing transform and `source`.
  Tensor apply(Tensor image, size_t sample_index, const std::string& source) const;
  std::string describe() const;  // "Resize(...) -> Normalize(...)"

 private:
  std::vector<std::unique_ptr<Transform>> transforms_;
  uint64_t seed_ = 0;
};

// A dataset whose samples' input 0 goes through a pipeline.
class TransformedDataset : public Dataset {
 public:
  TransformedDataset(std::shared_ptr<const Dataset> base, TransformPipeline pipeline)
      : base_(std::move(base)), pipeline_(std::move(pipeline)) {}

  size_t size() const override { return base_->size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> input_names() const override { return base_->input_names(); }
  bool inputs_have_batch_dim() const override { return base_->inputs_have_batch_dim(); }
  std::string describe() const override;
  const Dataset& base() const { return *base_; }

 private:
  std::shared_ptr<const Dataset> base_;
  TransformPipeline pipeline_;
};

}  // namespace qtune::data
