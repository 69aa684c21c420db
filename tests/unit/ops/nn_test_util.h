// Small helpers for the neural-network op tests: build a one-node graph, run its
// reference kernel or its shape rule, and check error messages.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ops/op.h"
#include "qtune/error.h"

namespace qtune::nntest {

// A graph holding one node `op` named "n" with `inputs` inputs (an empty name makes
// that input absent) and `outputs` outputs.
struct OneNode {
  ir::Graph graph;
  ir::Node* node = nullptr;

  OneNode(const std::string& op, const std::vector<std::string>& inputs, int outputs = 1) {
    std::vector<ir::Value*> ins, outs;
    for (const auto& name : inputs) ins.push_back(name.empty() ? nullptr : graph.add_value(name));
    for (int i = 0; i < outputs; ++i) outs.push_back(graph.add_value(std::string("out").append(std::to_string(i))));
    node = graph.add_node(op, ins, outs, "n");
  }
  OneNode& attr(ir::Attribute a) {
    node->set_attr(std::move(a));
    return *this;
  }
  OneNode& i(const std::string& name, int64_t v) { return attr(ir::Attribute::make_int(name, v)); }
  OneNode& f(const std::string& name, float v) { return attr(ir::Attribute::make_float(name, v)); }
  OneNode& s(const std::string& name, const std::string& v) { return attr(ir::Attribute::make_string(name, v)); }
  OneNode& ints(const std::string& name, std::vector<int64_t> v) { return attr(ir::Attribute::make_ints(name, std::move(v))); }
  OneNode& floats(const std::string& name, std::vector<float> v) {
    return attr(ir::Attribute::make_floats(name, std::move(v)));
  }

  std::vector<Tensor> run(std::vector<Tensor> inputs) const { return ops::run_reference(*node, inputs); }
  std::vector<ops::TensorInfo> infer(const std::vector<ops::TensorInfo>& inputs) const {
    return ops::find_op("", node->op_type())->infer(*node, inputs);
  }
};

inline Tensor f32(std::vector<int64_t> dims, std::vector<float> v) { return Tensor::from_vector<float>(std::move(dims), v); }
inline Tensor i64(std::vector<int64_t> dims, std::vector<int64_t> v) {
  return Tensor::from_vector<int64_t>(std::move(dims), v);
}

// 0, 1, 2, ... as float32 of the given shape.
inline Tensor iota_f32(std::vector<int64_t> dims) {
  Tensor t(DataType::Float32, dims);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}

template <class T>
std::vector<T> values(const Tensor& t) {
  auto s = t.values<T>();
  return std::vector<T>(s.begin(), s.end());
}

// A shape with symbolic/unknown dims: "N" -> symbol, "?" -> unknown, digits -> known.
inline ir::Shape shape(const std::vector<std::string>& dims) {
  ir::Shape s{std::vector<ir::Dim>{}};
  for (const auto& d : dims) {
    if (d == "?") s.dims->push_back(ir::Dim{});
    else if (std::isdigit(static_cast<unsigned char>(d[0]))) s.dims->push_back(ir::Dim::known(std::stoll(d)));
    else s.dims->push_back(ir::Dim::symbolic(d));
  }
  return s;
}
inline ops::TensorInfo typed(ir::Shape s, DataType t = DataType::Float32) { return ops::TensorInfo::typed(t, std::move(s)); }

// Runs fn, expecting a qtune::Error whose message contains the node's name and every part.
inline void expect_error(const std::function<void()>& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("node 'n'"), std::string::npos) << msg;
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
  }
}

inline void expect_near_all(const Tensor& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size())) << got.describe();
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got.data<float>()[i], want[i], tol + tol * std::abs(want[i])) << "element " << i;
}

}  // namespace qtune::nntest
