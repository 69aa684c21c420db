#include "tune/latency.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>

#include "exec/session.h"
#include "qtune/error.h"

namespace qtune::tune {

std::vector<double> measure_latencies_ms(const std::vector<const ir::Model*>& models,
                                         const std::map<std::string, Tensor>& feeds, const LatencyOptions& options) {
  exec::SessionOptions so;
  so.threads = options.threads;
  so.input_shapes = exec::shapes_of(feeds);
  std::vector<std::unique_ptr<exec::Session>> sessions;
  for (const ir::Model* m : models) sessions.push_back(std::make_unique<exec::Session>(*m, so));
  for (int i = 0; i < options.warmup; ++i)
    for (auto& s : sessions) s->run(feeds);
  std::vector<std::vector<double>> times(models.size());
  for (int i = 0; i < std::max(1, options.iters); ++i)
    for (size_t m = 0; m < sessions.size(); ++m) {
      const auto start = std::chrono::steady_clock::now();
      sessions[m]->run(feeds);
      times[m].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
  std::vector<double> medians;
  for (std::vector<double>& t : times) {
    std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
}

std::map<std::string, Tensor> synthetic_feeds(const ir::Model& model,
                                              const std::map<std::string, std::vector<int64_t>>& shapes) {
  std::map<std::string, Tensor> feeds;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const ir::Value* v : exec::fed_inputs(*model.graph)) {
    std::vector<int64_t> dims;
    if (auto it = shapes.find(v->name()); it != shapes.end()) {
      dims = it->second;
    } else {
      if (!v->shape.is_fully_known())
        throw Error("input '" + v->name() + "' has shape " + v->shape.to_string() +
                    "; give its shape in evaluation.performance.shape");
      dims = v->shape.sizes();
    }
    Tensor t(v->dtype == DataType::Undefined ? DataType::Float32 : v->dtype, dims);
    if (t.dtype() == DataType::Float32)
      for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
    feeds[v->name()] = std::move(t);
  }
  return feeds;
}

}  // namespace qtune::tune
