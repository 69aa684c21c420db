// ONNX Runtime (onnxruntime-node, installed by scripts/fetch-ort) as the reference peer:
// runs a model on the same inputs through tools/ort/run.mjs and reads its outputs back.
#pragma once

#include <map>
#include <string>

#include "qtune/tensor.h"

namespace qtune::testing {

// Outputs by name. Throws qtune::Error with node's stderr when the run fails.
std::map<std::string, Tensor> run_onnxruntime(const std::string& model, const std::map<std::string, Tensor>& inputs,
                                              int threads = 1);

// max |a - b| / (max(b) - min(b)): the error relative to the output's range.
double max_error_over_range(const Tensor& got, const Tensor& want);

}  // namespace qtune::testing
