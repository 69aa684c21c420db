// ONNX's test-data layout: model_dir/test_data_set_N/input_K.pb, each file a
// serialized onnx.TensorProto (as written by onnx.numpy_helper / the ONNX backend
// tests). One sample per test_data_set_N (N in numeric order), inputs by K.
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"

namespace qtune::data {

// Reads one TensorProto file; `name` (optional) receives the tensor's name.
Tensor read_onnx_tensor_file(const std::string& path, std::string* name = nullptr);

class OnnxTensorFolderDataset : public Dataset {
 public:
  // `root` is the folder holding test_data_set_* folders, or one such folder.
  explicit OnnxTensorFolderDataset(std::string root);

  size_t size() const override { return sets_.size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> input_names() const override { return names_; }
  // The files hold complete model inputs, batch dimension included.
  bool inputs_have_batch_dim() const override { return true; }
  std::string describe() const override;

 private:
  std::string root_;
  std::vector<std::string> sets_;                // test_data_set_N folders
  std::vector<std::vector<std::string>> files_;  // [set][input] input_K.pb paths
  std::vector<std::string> names_;
};

}  // namespace qtune::data
