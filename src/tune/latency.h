// Latency of models on the same inputs, measured in this process for the tuner's
// performance objective and its final INT8/FP32 speedup. With several models, runs take
// turns (one run of each, then again), so a change in the shared machine's load hits all
// of them alike and their ratio holds. Medians, after warm-up runs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::tune {

struct LatencyOptions {
  int threads = 1;
  int warmup = 5;
  int iters = 50;
};

std::vector<double> measure_latencies_ms(const std::vector<const ir::Model*>& models,
                                         const std::map<std::string, Tensor>& feeds, const LatencyOptions& options);

// Random float inputs (or zeros for integer types) with the given shapes, for models
// whose inputs have fixed or configured shapes.
std::map<std::string, Tensor> synthetic_feeds(const ir::Model& model,
                                              const std::map<std::string, std::vector<int64_t>>& shapes);

}  // namespace qtune::tune
