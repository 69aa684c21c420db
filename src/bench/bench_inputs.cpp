#include "bench/bench_inputs.h"

#include <cstring>
#include <random>

#include "qtune/error.h"

namespace qtune::bench {

std::map<std::string, Tensor> make_bench_inputs(const ir::Graph& graph, const InputSpec& spec,
                                                const std::string& model_path) {
  std::map<std::string, Tensor> feeds;
  std::mt19937 rng(12345);
  for (const ir::Value* v : graph.inputs()) {
    if (v->has_initializer()) continue;
    const std::string& name = v->name();
    if (auto it = spec.given.find(name); it != spec.given.end()) {
      feeds[name] = it->second;
      continue;
    }
    std::vector<int64_t> dims;
    if (auto it = spec.shapes.find(name); it != spec.shapes.end()) {
      dims = it->second;
    } else {
      if (!v->shape.has_rank())
        throw Error(model_path + ": input '" + name + "' has no known rank; give --shape " + name + "=DIMS");
      for (size_t i = 0; i < v->shape.dims->size(); ++i) {
        const ir::Dim& d = (*v->shape.dims)[i];
        if (d.is_known()) {
          dims.push_back(d.value);
        } else if (i == 0) {
          dims.push_back(spec.batch);
        } else {
          throw Error(model_path + ": input '" + name + "' has shape " + v->shape.to_string() + "; dim " +
                      std::to_string(i) + " is not fixed, give --shape " + name + "=DIMS");
        }
      }
    }
    Tensor t(v->dtype == DataType::Undefined ? DataType::Float32 : v->dtype, dims);
    if (t.dtype() == DataType::Float32) {
      std::uniform_real_distribution<float> dist(0.0f, 1.0f);
      for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
    } else if (t.dtype() != DataType::String) {
      std::memset(t.raw(), 0, t.byte_size());  // ids, masks: zeros are valid for any model
    }
    feeds[name] = std::move(t);
  }
  return feeds;
}

}  // namespace qtune::bench
