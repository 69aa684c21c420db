#include "ir/graph_builder.h"

#include "ir/model_io.h"

namespace qtune::ir {

GraphBuilder::GraphBuilder(int64_t opset, uint64_t seed) : rng_(seed) {
  model_.producer_name = "qtune-graph-builder";
  model_.opset_imports().push_back({"", opset});
  model_.graph->name = "built";
}

Value* GraphBuilder::input(const std::string& name, DataType type, const std::vector<int64_t>& dims) {
  Value* v = graph().add_value(name);
  v->dtype = type;
  v->shape.dims.emplace();
  for (size_t i = 0; i < dims.size(); ++i)
    v->shape.dims->push_back(dims[i] >= 0 ? Dim::known(dims[i]) : Dim::symbolic(name + "_d" + std::to_string(i)));
  graph().add_input(v);
  return v;
}

Value* GraphBuilder::weight(const std::string& name, const std::vector<int64_t>& dims, float scale) {
  Tensor t(DataType::Float32, dims);
  std::uniform_real_distribution<float> dist(-scale, scale);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = dist(rng_);
  return graph().add_initializer(graph().unique_name(name), std::move(t));
}

Value* GraphBuilder::constant(const std::string& name, Tensor value) {
  return graph().add_initializer(graph().unique_name(name), std::move(value));
}

std::vector<Value*> GraphBuilder::node_outputs(const std::string& op_type, const std::vector<Value*>& inputs,
                                               int num_outputs, std::vector<Attribute> attributes,
                                               const std::string& name) {
  std::string node_name = graph().unique_name(name.empty() ? op_type : name);
  std::vector<Value*> outs;
  for (int i = 0; i < num_outputs; ++i)
    outs.push_back(graph().add_value(graph().unique_name(node_name + (i ? "_out" + std::to_string(i) : "_out"))));
  Node* n = graph().add_node(op_type, inputs, outs, node_name);
  for (auto& a : attributes) n->set_attr(std::move(a));
  return outs;
}

Value* GraphBuilder::node(const std::string& op_type, const std::vector<Value*>& inputs,
                          std::vector<Attribute> attributes, const std::string& name) {
  return node_outputs(op_type, inputs, 1, std::move(attributes), name)[0];
}

void GraphBuilder::output(Value* v) { graph().add_output(v); }

Model GraphBuilder::build() {
  validate_model(model_);
  Model out = std::move(model_);
  model_ = Model();
  return out;
}

}  // namespace qtune::ir
