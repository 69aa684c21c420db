// The dataset interface every data source implements: random access to samples by
// index. Calibration, evaluation and tuning read samples through a DataLoader, which
// calls get() from several worker threads at once, so implementations must keep
// get() free of shared mutable state (open files per call, or use pread).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/annotation.h"
#include "qtune/tensor.h"

namespace qtune::data {

struct Sample {
  std::vector<Tensor> inputs;  // in model-input order (or matched by input_names())
  Annotation label;            // ground truth; label.sample_index is set by the dataset
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  // Decodes sample `index` (< size()); throws qtune::Error naming the file/record.
  // Must be safe to call from several threads at once.
  virtual Sample get(size_t index) const = 0;
  // Model input names the inputs are meant for; empty means positional.
  virtual std::vector<std::string> input_names() const { return {}; }
  // True when each input already carries a leading batch dimension (ONNX test_data_set
  // files, npy dumps of [1,3,224,224]): the loader concatenates instead of stacking.
  virtual bool inputs_have_batch_dim() const { return false; }
  // One line for logs: "image_folder /data/val (1000 images, 10 classes)".
  virtual std::string describe() const = 0;
};

}  // namespace qtune::data
