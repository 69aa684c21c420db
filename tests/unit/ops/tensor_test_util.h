// Helpers for the tensor/elementwise op tests: a one-node graph to run a reference
// kernel or shape rule on, tensor builders, and error-message capture.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ops/op.h"
#include "qtune/error.h"

namespace qtune::tensortest {

// One node of type `op` named "t" (error messages then read "<op> node 't'"). An empty input
// name makes that input absent (an omitted optional input).
struct OneNode {
  ir::Graph graph;
  ir::Node* node = nullptr;
  std::string domain;

  OneNode(const std::string& op, const std::vector<std::string>& inputs, int outputs = 1, const std::string& dom = "")
      : domain(dom) {
    std::vector<ir::Value*> ins, outs;
    for (const auto& name : inputs) ins.push_back(name.empty() ? nullptr : graph.add_value(name));
    for (int i = 0; i < outputs; ++i) outs.push_back(graph.add_value("out" + std::to_string(i)));
    node = graph.add_node(op, ins, outs, "t", dom);
  }
  OneNode& i(const std::string& name, int64_t v) { return attr(ir::Attribute::make_int(name, v)); }
  OneNode& f(const std::string& name, float v) { return attr(ir::Attribute::make_float(name, v)); }
  OneNode& s(const std::string& name, const std::string& v) { return attr(ir::Attribute::make_string(name, v)); }
  OneNode& ints(const std::string& name, std::vector<int64_t> v) { return attr(ir::Attribute::make_ints(name, std::move(v))); }
  OneNode& t(const std::string& name, Tensor v) { return attr(ir::Attribute::make_tensor(name, std::move(v))); }
  OneNode& attr(ir::Attribute a) {
    node->set_attr(std::move(a));
    return *this;
  }

  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const { return ops::run_reference(*node, inputs); }
  Tensor run1(const std::vector<Tensor>& inputs) const { return run(inputs).at(0); }
  std::vector<ops::TensorInfo> infer(const std::vector<ops::TensorInfo>& inputs) const {
    const ops::OpSpec* spec = ops::find_op(domain, node->op_type());
    if (!spec) throw Error("no op " + node->op_type());
    return spec->infer(*node, inputs);
  }
};

template <class T>
Tensor tensor(std::vector<int64_t> dims, std::vector<T> v) {
  return Tensor::from_vector<T>(std::move(dims), v);
}
inline Tensor f32(std::vector<int64_t> dims, std::vector<float> v) { return tensor<float>(std::move(dims), std::move(v)); }
inline Tensor i64(std::vector<int64_t> dims, std::vector<int64_t> v) { return tensor<int64_t>(std::move(dims), std::move(v)); }
inline Tensor scalar_i64(int64_t v) { return i64({}, {v}); }
inline Tensor bools(std::vector<int64_t> dims, std::vector<bool> v) {
  Tensor t(DataType::Bool, std::move(dims));
  for (size_t k = 0; k < v.size(); ++k) t.data<bool>()[k] = v[k];
  return t;
}

// 0, 1, 2, ... of type T and the given shape.
template <class T>
Tensor iota(std::vector<int64_t> dims) {
  Tensor t(dtype_of<T>(), std::move(dims));
  for (int64_t k = 0; k < t.numel(); ++k) t.data<T>()[k] = static_cast<T>(k);
  return t;
}

template <class T>
std::vector<T> values(const Tensor& t) {
  auto s = t.values<T>();
  return {s.begin(), s.end()};
}

// A symbolic or unknown dim for TensorInfo shapes in infer tests.
inline ir::Dim sym(const std::string& name) { return ir::Dim::symbolic(name); }
inline ir::Dim known(int64_t v) { return ir::Dim::known(v); }
inline ir::Shape shape(std::vector<ir::Dim> dims) { return ir::Shape{std::move(dims)}; }
inline ops::TensorInfo info(DataType type, ir::Shape s) { return ops::TensorInfo::typed(type, std::move(s)); }

// The message of the qtune::Error that `fn` throws ("" when it does not throw).
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Checks that `message` names node "t" of type `op` and contains `what`.
inline void expect_node_error(const std::string& message, const std::string& op, const std::string& what) {
  EXPECT_NE(message.find(op + " node 't'"), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

}  // namespace qtune::tensortest
