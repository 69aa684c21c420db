#include "passes/upgrade_opset.h"

#include <onnx/defs/schema.h>

#include <limits>
#include <map>
#include <set>

#include "passes/pass_util.h"
#include "qtune/error.h"

namespace qtune::passes {
namespace {

// Operators whose versions up to 17 only widened type constraints, added optional
// attributes with the old behaviour as default, or allowed negative axes: their nodes mean
// the same under a newer opset.
const std::set<std::string> kCompatible = {
    "Abs", "Acos", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Cast", "Ceil", "Concat",
    "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "CumSum", "DequantizeLinear", "Div", "Einsum",
    "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements", "Gemm", "GlobalAveragePool",
    "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "Identity", "InstanceNormalization",
    "LeakyRelu", "Less", "LessOrEqual", "Log", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mod", "Mul", "Neg",
    "NonMaxSuppression", "NonZero", "Not", "Or", "Pow", "PRelu", "QuantizeLinear", "Range", "Reciprocal",
    "ReduceL2", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "Relu", "Reshape", "Round",
    "Shape", "Sigmoid", "Sign", "Sin", "Size", "Softplus", "Sqrt", "Sub", "Sum", "Tanh", "Tile", "Transpose",
    "Where", "Xor", "LRN", "Elu", "Selu", "Gelu", "Resize"};

Tensor int64_vector(const std::vector<int64_t>& v) {
  return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
}

// Moves integer-list attribute `attr` to input `index` (padding absent inputs before it).
void attribute_to_input(ir::Graph& g, ir::Node* n, const std::string& attr, int index) {
  if (!n->has_attr(attr)) return;
  Tensor value = int64_vector(n->attr_ints(attr, {}));
  n->remove_attr(attr);
  while (n->num_inputs() < index) g.set_node_input(n, n->num_inputs(), nullptr);
  ir::Value* v = g.add_initializer(g.unique_name((n->name().empty() ? n->op_type() : n->name()) + "_" + attr), value);
  g.set_node_input(n, index, v);
}

ir::Value* scalar_input(ir::Graph& g, const ir::Node* n, const std::string& what, float value) {
  return g.add_initializer(g.unique_name((n->name().empty() ? n->op_type() : n->name()) + "_" + what),
                           Tensor::scalar_f32(value));
}

// Clip before 11: min/max attributes (defaults: the float range).
void upgrade_clip(ir::Graph& g, ir::Node* n) {
  const bool has_min = n->has_attr("min"), has_max = n->has_attr("max");
  const float lo = n->attr_float("min", std::numeric_limits<float>::lowest());
  const float hi = n->attr_float("max", std::numeric_limits<float>::max());
  n->remove_attr("min");
  n->remove_attr("max");
  if (!is_float32(n->input(0)) && (has_min || has_max))
    throw Error(n->describe() + ": cannot move min/max to inputs for a non-float32 input");
  g.set_node_input(n, 1, has_min ? scalar_input(g, n, "min", lo) : nullptr);
  if (has_max) g.set_node_input(n, 2, scalar_input(g, n, "max", hi));
}

// Softmax/LogSoftmax/Hardmax before 13 normalize over the input flattened to 2-D at
// `axis` (default 1). From 13 they use the single axis (default -1). Same result when the
// axis is the last one; otherwise Flatten -> op(axis 1 of 2-D) -> Reshape to the input shape.
void upgrade_softmax(ir::Graph& g, ir::Node* n) {
  const int64_t axis = n->attr_int("axis", 1);
  const ir::Value* x = n->input(0);
  const int rank = x && x->shape.has_rank() ? x->shape.rank() : -1;
  if (rank > 0 && (axis == rank - 1 || axis == -1)) {
    n->set_attr(ir::Attribute::make_int("axis", -1));
    return;
  }
  ir::Value* input = n->input(0);
  ir::Value* output = n->output(0);
  const std::string base = n->name().empty() ? n->op_type() : n->name();
  ir::Value* flat = g.add_value(g.unique_name(base + "_2d"));
  ir::Node* flatten = g.insert_node_before(n, "Flatten", {input}, {flat}, g.unique_name(base + "_flatten"));
  flatten->set_attr(ir::Attribute::make_int("axis", axis));
  ir::Value* shape = g.add_value(g.unique_name(base + "_shape"));
  g.insert_node_before(n, "Shape", {input}, {shape}, g.unique_name(base + "_input_shape"));
  ir::Value* normalized = g.add_value(g.unique_name(base + "_rows"));
  g.set_node_input(n, 0, flat);
  g.set_node_output(n, 0, normalized);
  n->set_attr(ir::Attribute::make_int("axis", 1));
  g.add_node("Reshape", {normalized, shape}, {output}, g.unique_name(base + "_restore"));
}

// Upsample (7-9) and Resize-10 compute source coordinates as out / scale ("asymmetric")
// and round down for nearest; Resize-11 defaults to half_pixel, so say it explicitly.
void upgrade_resize_like(ir::Graph& g, ir::Node* n) {
  const std::string mode = n->attr_string("mode", "nearest");
  ir::Value* x = n->input(0);
  ir::Value* scales = n->input(1);
  if (n->op_type() == "Upsample" && n->has_attr("scales")) {
    std::vector<float> s = n->attr_floats("scales", {});
    scales = g.add_initializer(g.unique_name(n->name() + "_scales"),
                               Tensor::from_vector<float>({static_cast<int64_t>(s.size())}, s));
  }
  ir::Value* roi = g.add_initializer(g.unique_name(n->name() + "_roi"), Tensor(DataType::Float32, {0}));
  ir::Value* y = n->output(0);
  const std::string name = n->name();
  g.remove_node(n);  // sort_topologically() puts the Resize back in place
  ir::Node* resize = g.add_node("Resize", {x, roi, scales}, {y}, name);
  resize->set_attr(ir::Attribute::make_string("mode", mode == "bilinear" ? "linear" : mode));
  resize->set_attr(ir::Attribute::make_string("coordinate_transformation_mode", "asymmetric"));
  if (mode == "nearest") resize->set_attr(ir::Attribute::make_string("nearest_mode", "floor"));
}

}  // namespace

size_t upgrade_opset(ir::Graph& g, int64_t target) {
  if (target < 10 || target > 17) throw Error("opset upgrade: target " + std::to_string(target) + " is not in 10..17");
  const int64_t from = g.opset_version("");
  if (from < 0) throw Error("opset upgrade: the model imports no default-domain opset");
  if (from >= target) return 0;
  // Refuse first, change nothing: operators with a newer version we do not know to be safe.
  std::map<std::string, int64_t> refused;
  const std::set<std::string> rewritten = {"Slice", "Pad",   "TopK",       "Clip",    "Squeeze",   "Unsqueeze",
                                           "ReduceSum", "Split", "Softmax", "LogSoftmax", "Hardmax", "Upsample",
                                           "Dropout"};
  for (const ir::Node* n : g.nodes()) {
    if (!n->domain().empty() || kCompatible.count(n->op_type()) || rewritten.count(n->op_type())) continue;
    const auto* newest = ONNX_NAMESPACE::OpSchemaRegistry::Schema(n->op_type(), static_cast<int>(target), "");
    const auto* current = ONNX_NAMESPACE::OpSchemaRegistry::Schema(n->op_type(), static_cast<int>(from), "");
    if (!newest || !current || newest->since_version() != current->since_version()) ++refused[n->op_type()];
  }
  if (!refused.empty()) {
    std::string list;
    for (const auto& [op, count] : refused) list += (list.empty() ? "" : ", ") + op;
    throw Error("opset upgrade " + std::to_string(from) + " -> " + std::to_string(target) +
                ": qtune does not know that these operators keep their meaning: " + list);
  }
  size_t changed = 0;
  for (ir::Node* n : g.topological_order()) {
    if (!n->domain().empty()) continue;
    const std::string op = n->op_type();
    const auto moves_at = [&](int64_t version) { return from < version && target >= version; };
    if (op == "Slice" && moves_at(10)) {
      attribute_to_input(g, n, "starts", 1);
      attribute_to_input(g, n, "ends", 2);
      attribute_to_input(g, n, "axes", 3);
    } else if (op == "Pad" && moves_at(11)) {
      attribute_to_input(g, n, "pads", 1);
      if (n->has_attr("value")) {
        g.set_node_input(n, 2, scalar_input(g, n, "value", n->attr_float("value", 0)));
        n->remove_attr("value");
      }
    } else if (op == "TopK" && moves_at(10)) {
      Tensor k = int64_vector({n->attr_int("k", 1)});
      n->remove_attr("k");
      g.set_node_input(n, 1, g.add_initializer(g.unique_name(n->name() + "_k"), k));
    } else if (op == "Clip" && moves_at(11)) {
      upgrade_clip(g, n);
    } else if ((op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") && moves_at(13)) {
      attribute_to_input(g, n, "axes", 1);
    } else if (op == "Split" && moves_at(13)) {
      attribute_to_input(g, n, "split", 1);
    } else if ((op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") && moves_at(13)) {
      upgrade_softmax(g, n);
    } else if ((op == "Upsample" && target >= 10) || (op == "Resize" && from == 10 && target >= 11)) {
      upgrade_resize_like(g, n);
    } else if (op == "Dropout" && moves_at(12)) {
      n->remove_attr("ratio");  // inference: Dropout is the identity whatever the ratio
      n->remove_attr("is_test");
    } else {
      continue;
    }
    ++changed;
  }
  for (auto& imp : g.opset_imports)
    if (imp.domain.empty() || imp.domain == "ai.onnx") imp.version = target;
  g.sort_topologically();
  return changed;
}

}  // namespace qtune::passes
