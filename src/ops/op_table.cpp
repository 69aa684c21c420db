// The op table: one line per supported op. Each *_op() is defined in its own file.
#include <unordered_map>

#include "ops/op.h"

namespace qtune::ops {

const OpSpec& add_op();
const OpSpec& concat_op();
const OpSpec& constant_op();
const OpSpec& div_op();
const OpSpec& identity_op();
const OpSpec& mul_op();
const OpSpec& reshape_op();
const OpSpec& shape_op();
const OpSpec& sub_op();

// Two more lists live beside this one (neural-network ops, tensor/elementwise ops) so
// that they can grow independently.
std::vector<const OpSpec*> nn_ops();
std::vector<const OpSpec*> tensor_ops();

namespace {

const std::vector<const OpSpec*>& table() {
  static const std::vector<const OpSpec*> ops = [] {
    std::vector<const OpSpec*> all = {
      &add_op(),
      &concat_op(),
      &constant_op(),
      &div_op(),
      &identity_op(),
      &mul_op(),
      &reshape_op(),
      &shape_op(),
      &sub_op(),
    };
    for (const OpSpec* op : nn_ops()) all.push_back(op);
    for (const OpSpec* op : tensor_ops()) all.push_back(op);
    return all;
  }();
  return ops;
}

std::string key(std::string_view domain, std::string_view op_type) {
  std::string d(domain == "ai.onnx" ? "" : domain);
  return d + "::" + std::string(op_type);
}

}  // namespace

std::span<const OpSpec* const> all_ops() { return table(); }

const OpSpec* find_op(std::string_view domain, std::string_view op_type) {
  static const auto index = [] {
    std::unordered_map<std::string, const OpSpec*> m;
    for (const OpSpec* op : table())
      if (!m.emplace(key(op->domain, op->op_type), op).second)
        throw Error("op table lists " + std::string(op->op_type) + " twice");
    return m;
  }();
  auto it = index.find(key(domain, op_type));
  return it == index.end() ? nullptr : it->second;
}

std::vector<Tensor> run_reference(const ir::Node& node, std::span<const Tensor> inputs) {
  const OpSpec* spec = find_op(node.domain(), node.op_type());
  if (!spec) throw Error(node.describe() + ": op is not supported");
  auto kernel = spec->make_ref_kernel(node);
  std::vector<Tensor> outputs(static_cast<size_t>(node.num_outputs()));
  KernelContext ctx;
  kernel->run(inputs, outputs, ctx);
  return outputs;
}

}  // namespace qtune::ops
