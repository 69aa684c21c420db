// Model inputs from command-line arguments "NAME=FILE.npy" (or "FILE.npy" alone for a
// single-input model), as qtune run, benchmark workers and quantize read them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::data {

// `model_inputs` are the graph inputs the model needs fed (no initializers).
std::map<std::string, Tensor> read_npy_feeds(const std::vector<std::string>& args,
                                             const std::vector<const ir::Value*>& model_inputs);

}  // namespace qtune::data
