#include "passes/infer_shapes.h"

#include "ops/op.h"

namespace qtune::passes {
namespace {

// Never replace a declared dim with a less precise inferred one.
ir::Shape merge_shapes(const ir::Shape& declared, const ir::Shape& inferred) {
  if (!inferred.has_rank()) return declared;
  if (!declared.has_rank() || declared.rank() != inferred.rank()) return inferred;
  ir::Shape out = inferred;
  for (size_t i = 0; i < out.dims->size(); ++i) {
    ir::Dim& d = (*out.dims)[i];
    const ir::Dim& decl = (*declared.dims)[i];
    if (!d.is_known() && (decl.is_known() || d.symbol.empty())) d = decl;
  }
  return out;
}

bool element_count_at_most(const ir::Shape& s, int64_t limit) {
  if (!s.is_fully_known()) return false;
  int64_t n = 1;
  for (int64_t d : s.sizes()) {
    n *= d;
    if (n > limit) return false;
  }
  return true;
}

}  // namespace

ShapeInferenceResult infer_shapes(ir::Graph& graph, const ShapeInferenceOptions& options) {
  ShapeInferenceResult result;
  for (const ir::Value* v : graph.values())
    if (v->is_constant()) result.values.emplace(v, v->initializer());

  for (ir::Node* node : graph.topological_order()) {
    const ops::OpSpec* spec = ops::find_op(node->domain(), node->op_type());
    if (!spec) {
      result.unsupported_nodes.push_back(node);
      continue;
    }
    std::vector<ops::TensorInfo> inputs;
    std::vector<Tensor> input_values;
    bool values_known = true;
    for (const ir::Value* in : node->inputs()) {
      if (!in) {
        inputs.push_back(ops::TensorInfo::absent());
        input_values.emplace_back();
        continue;
      }
      ops::TensorInfo info = ops::TensorInfo::typed(in->dtype, in->shape);
      if (auto it = result.values.find(in); it != result.values.end()) {
        info.value = it->second;
        input_values.push_back(it->second);
      } else {
        values_known = false;
        input_values.emplace_back();
      }
      inputs.push_back(std::move(info));
    }
    std::vector<ops::TensorInfo> outputs;
    try {
      outputs = spec->infer(*node, inputs);
    } catch (const Error& e) {
      if (!options.lenient) throw;
      result.rejected_nodes.push_back(e.what());
      continue;
    }
    bool fold = values_known && spec->deterministic && node->subgraphs().empty();
    for (const auto& o : outputs) fold = fold && (o.value || element_count_at_most(o.shape, options.max_fold_elements));
    if (fold) {
      std::vector<Tensor> computed = ops::run_reference(*node, input_values);
      for (size_t i = 0; i < computed.size() && i < outputs.size(); ++i)
        if (computed[i].defined()) outputs[i] = ops::TensorInfo::of(computed[i]);
    }
    for (int i = 0; i < node->num_outputs() && i < static_cast<int>(outputs.size()); ++i) {
      ir::Value* out = node->output(i);
      if (!out) continue;
      const ops::TensorInfo& info = outputs[static_cast<size_t>(i)];
      if (info.dtype != DataType::Undefined) out->dtype = info.dtype;
      out->shape = merge_shapes(out->shape, info.shape);
      if (info.value) result.values[out] = *info.value;
    }
  }
  return result;
}

}  // namespace qtune::passes
