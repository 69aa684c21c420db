// NumPy .npz archives: a ZIP (stored or deflated, as np.savez / np.savez_compressed
// write them) whose entries are .npy files. Entry names lose their ".npy" suffix,
// as in np.load(...).files.
#pragma once

#include <string>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::data {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

// Arrays in archive order. Entries that are not .npy files are an error.
std::vector<NamedTensor> parse_npz(std::string bytes, const std::string& source);
std::vector<NamedTensor> read_npz(const std::string& path);

}  // namespace qtune::data
