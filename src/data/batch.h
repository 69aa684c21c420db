// A batch of samples, and collation: each input is stacked along a new leading batch
// dimension, or concatenated along its existing one when the dataset's tensors
// already carry a batch dimension ([1,3,224,224] files).
#pragma once

#include <vector>

#include "data/dataset.h"

namespace qtune::data {

struct Batch {
  size_t batch_index = 0;
  std::vector<Tensor> inputs;      // one per model input, batch dimension first
  std::vector<Annotation> labels;  // one per row, padding rows included
  std::vector<size_t> indices;     // dataset index of each row
  size_t valid = 0;                // rows [0, valid) are real; the rest repeat the last real sample
};

// Builds the inputs of a batch from its samples (which must agree in input count,
// types and shapes; errors name the first disagreeing sample's index).
std::vector<Tensor> collate_inputs(const std::vector<Sample>& samples, bool concatenate);

}  // namespace qtune::data
