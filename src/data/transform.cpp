#include "data/transform.h"

#include "data/random.h"

namespace qtune::data {

Tensor TransformPipeline::apply(Tensor image, size_t sample_index, const std::string& source) const {
  for (size_t i = 0; i < transforms_.size(); ++i) {
    TransformContext context{sample_index, Rng::for_sample(seed_, sample_index, i + 1).next()};
    try {
      image = transforms_[i]->apply(image, context);
    } catch (const Error& e) {
      throw Error(source + ": transform " + std::to_string(i) + " " + transforms_[i]->describe() + ": " + e.what());
    }
  }
  return image;
}

std::string TransformPipeline::describe() const {
  std::string text;
  for (size_t i = 0; i < transforms_.size(); ++i) text += (i ? " -> " : "") + transforms_[i]->describe();
  return text;
}

Sample TransformedDataset::get(size_t index) const {
  Sample sample = base_->get(index);
  if (sample.inputs.empty()) throw Error(sample.label.source + ": sample has no inputs to transform");
  sample.inputs[0] = pipeline_.apply(std::move(sample.inputs[0]), index, sample.label.source);
  return sample;
}

std::string TransformedDataset::describe() const {
  return pipeline_.empty() ? base_->describe() : base_->describe() + " | " + pipeline_.describe();
}

}  // namespace qtune::data
