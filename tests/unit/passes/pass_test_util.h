// Helpers for the graph-pass tests: run a model on the reference backend without the
// session's own optimizations, apply a pass to a clone, and check that the clone still
// computes the same outputs (within 1e-5 of the output's largest magnitude: folding
// weights reorders float rounding) under the same graph-output names.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "passes/infer_shapes.h"

namespace qtune::passtest {

using Outputs = std::vector<std::pair<std::string, Tensor>>;

inline Tensor random_tensor(const std::vector<int64_t>& dims, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// Random float inputs for every graph input that is not an initializer (fixed shapes).
inline std::map<std::string, Tensor> random_inputs(const ir::Model& m, uint64_t seed = 7) {
  std::map<std::string, Tensor> feeds;
  for (const ir::Value* v : m.graph->inputs())
    if (!v->has_initializer()) feeds[v->name()] = random_tensor(v->shape.sizes(), seed++);
  return feeds;
}

inline Outputs run(const ir::Model& m, const std::map<std::string, Tensor>& feeds) {
  exec::SessionOptions options;
  options.backend = exec::Backend::Reference;
  options.optimize = false;
  options.threads = 1;
  exec::Session session(m, options, "test model");
  return session.run(feeds);
}

// Same output names, dims, and values within `tolerance` of each output's largest magnitude.
inline void expect_same_outputs(const Outputs& got, const Outputs& want, double tolerance = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i].first, want[i].first);
    const Tensor& g = got[i].second;
    const Tensor& w = want[i].second;
    ASSERT_EQ(g.dims(), w.dims()) << want[i].first;
    double scale = 1e-30;
    for (int64_t k = 0; k < w.numel(); ++k) scale = std::max(scale, std::fabs(w.value_as_double(k)));
    double worst = 0;
    for (int64_t k = 0; k < w.numel(); ++k)
      worst = std::max(worst, std::fabs(g.value_as_double(k) - w.value_as_double(k)));
    EXPECT_LE(worst, tolerance * scale) << want[i].first << ": largest difference " << worst << ", output magnitude "
                                        << scale;
  }
}

inline size_t count_ops(const ir::Model& m, const std::string& op_type, const std::string& domain = "") {
  size_t n = 0;
  for (const ir::Node* node : m.graph->nodes()) n += node->op_type() == op_type && node->domain() == domain;
  return n;
}

inline const ir::Node* find_op(const ir::Model& m, const std::string& op_type, const std::string& domain = "") {
  for (const ir::Node* node : m.graph->nodes())
    if (node->op_type() == op_type && node->domain() == domain) return node;
  return nullptr;
}

struct PassResult {
  ir::Model model;
  size_t rewrites = 0;
};

// Clones the model, infers its shapes (as the session's constant folding would) and
// applies the pass; then checks the clone validates and computes what the original does.
template <class Pass>
PassResult apply_and_compare(const ir::Model& original, Pass pass, double tolerance = 1e-5) {
  PassResult r{ir::clone_model(original), 0};
  passes::infer_shapes(*r.model.graph);
  r.rewrites = pass(*r.model.graph);
  ir::validate_model(r.model);
  const auto feeds = random_inputs(original);
  expect_same_outputs(run(r.model, feeds), run(original, feeds), tolerance);
  return r;
}

// Float attributes and a few common attribute lists, short to write in graphs.
inline ir::Attribute f(const std::string& name, float v) { return ir::Attribute::make_float(name, v); }
inline ir::Attribute i(const std::string& name, int64_t v) { return ir::Attribute::make_int(name, v); }
inline ir::Attribute ints(const std::string& name, std::vector<int64_t> v) {
  return ir::Attribute::make_ints(name, std::move(v));
}
inline ir::Attribute pads1() { return ints("pads", {1, 1, 1, 1}); }

inline Tensor scalar(float v) { return Tensor::scalar_f32(v); }
inline Tensor floats(std::vector<int64_t> dims, std::vector<float> v) {
  return Tensor::from_vector<float>(std::move(dims), v);
}

}  // namespace qtune::passtest
