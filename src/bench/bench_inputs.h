// Inputs for benchmarking a model: given .npy files where the user has them, otherwise
// seeded random data shaped by the model, the batch size and --shape overrides.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::bench {

struct InputSpec {
  int64_t batch = 1;
  std::map<std::string, std::vector<int64_t>> shapes;  // --shape NAME=DIMS
  std::map<std::string, Tensor> given;                 // --input NAME=FILE.npy
};

// One tensor per graph input that is not an initializer. A symbolic first dim takes the
// batch size; any other unknown dim needs a --shape (the error names the input).
std::map<std::string, Tensor> make_bench_inputs(const ir::Graph& graph, const InputSpec& spec,
                                                const std::string& model_path);

// The first batch of a config's evaluation dataloader (else its calibration dataloader),
// by model input name: real data for `qtune benchmark --data CONFIG.yaml`.
std::map<std::string, Tensor> inputs_from_config(const std::string& config_path, const ir::Model& model);

}  // namespace qtune::bench
