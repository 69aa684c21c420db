// Raw tensors saved with NumPy, one sample per file:
//   root/*.npy                one input per sample (files in sorted order)
//   root/*.npz                every array of an archive is an input, named by its key
//   root/<input name>/*.npy   several inputs; the i-th files of all folders form sample i
// Optional labels: a .npy of integer class ids (one per sample) or a text file with
// one integer per line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qtune::data {

enum class BatchDim { Auto, Yes, No };

struct NpyFolderOptions {
  std::string root;
  std::vector<std::string> inputs;  // input subfolders to use, in this order (default: all, sorted)
  std::string labels;               // optional label file
  // Whether the arrays already carry a batch dimension of 1 ([1,3,224,224]). Auto:
  // yes when every input of the first sample has rank >= 2 and a leading 1.
  BatchDim batch_dim = BatchDim::Auto;
};

class NpyFolderDataset : public Dataset {
 public:
  explicit NpyFolderDataset(NpyFolderOptions options);

  size_t size() const override { return files_.empty() ? 0 : files_[0].size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> input_names() const override { return names_; }
  bool inputs_have_batch_dim() const override { return has_batch_dim_; }
  std::string describe() const override;

 private:
  void read_labels();

  NpyFolderOptions options_;
  bool npz_ = false;
  std::vector<std::string> names_;               // input names (empty: positional)
  std::vector<std::vector<std::string>> files_;  // [input][sample] (one input for .npy/.npz files)
  std::vector<int64_t> labels_;
  bool has_batch_dim_ = false;
};

}  // namespace qtune::data
