#include "quant/units.h"

#include <set>

#include "ir/model_io.h"
#include "ops/fused_activation.h"
#include "passes/optimize.h"
#include "passes/pass_util.h"

namespace qtune::quant {
namespace {

// FusedConv's residual input (X, W, B, Sum).
constexpr int kConvSumInput = 3;

const std::set<std::string> kComputeOps = {"Conv", "ConvTranspose", "MatMul", "Gemm"};
// Ops whose output is made of input values: INT8 in and out with one scale, exactly.
const std::set<std::string> kExactPassThrough = {"MaxPool", "Transpose", "Reshape", "Flatten",
                                                 "Squeeze", "Unsqueeze", "Slice"};
// Ops that average input values: INT8 with one scale, up to rounding.
const std::set<std::string> kAveragingPassThrough = {"AveragePool", "GlobalAveragePool"};

// The ONNX op a com.qtune Fused* node extends ("" for other nodes).
std::string base_of_fused(const ir::Node* n) {
  if (n->domain() != "com.qtune" || n->op_type().rfind("Fused", 0) != 0) return "";
  return n->op_type().substr(5);
}

bool is_activation(const ir::Graph& prepared, const ir::Value* v) {
  if (!v || !passes::is_float32(v)) return false;
  const ir::Value* p = prepared.find_value(v->name());
  return p && !p->is_constant();
}

const ir::Value* prepared_constant(const ir::Graph& prepared, const ir::Value* v) {
  if (!v) return nullptr;
  const ir::Value* p = prepared.find_value(v->name());
  return p && p->is_constant() && p->dtype == DataType::Float32 ? p : nullptr;
}

int weight_axis(const std::string& op, const ir::Node& n, const Tensor& w) {
  if (op == "Conv") return 0;
  if (op == "ConvTranspose") return n.attr_int("group", 1) == 1 ? 1 : -1;
  if (op == "Gemm") return n.attr_int("transB", 0) ? 0 : 1;
  if (op == "MatMul") return w.rank() == 2 ? 1 : -1;
  return -1;
}

// The constant 1-D bias of a prepared Conv/ConvTranspose/Gemm node.
std::string bias_of(const ir::Graph& prepared, const std::string& node_name, const std::string& op) {
  if (op == "MatMul") return "";
  const ir::Node* p = prepared.find_node(node_name);
  if (!p || p->op_type() != op || !p->domain().empty()) return "";
  const ir::Value* b = prepared_constant(prepared, p->input(2));
  if (!b || b->initializer().rank() != 1) return "";
  return b->name();
}

std::string compute_label(const std::string& op, const ir::Node& n, bool has_sum) {
  std::string label = op;
  if (has_sum) label += "+Add";
  if (n.domain() == "com.qtune") {
    const ops::FusedActivation act = ops::FusedActivation::of(n);
    if (act.kind != ops::FusedActivation::Kind::None) label.append("+").append(act.name());
  }
  return label;
}

Unit classify(const ir::Graph& prepared, const ir::Node& n) {
  Unit u;
  u.name = n.name();
  u.output = n.output(0) ? n.output(0)->name() : "";
  const std::string fused_base = base_of_fused(&n);
  u.op_type = fused_base.empty() ? n.op_type() : fused_base;
  u.label = u.op_type;
  const bool onnx = n.domain().empty() || !fused_base.empty();
  if (!onnx || !is_activation(prepared, n.input(0))) return u;

  if (kComputeOps.count(u.op_type)) {
    const ir::Value* w = prepared_constant(prepared, n.input(1));
    if (w) {
      u.weight = w->name();
      u.weight_axis = weight_axis(u.op_type, n, w->initializer());
      u.activations = {n.input(0)->name()};
    } else if (u.op_type == "MatMul" && is_activation(prepared, n.input(1))) {
      u.activations = {n.input(0)->name(), n.input(1)->name()};
    } else {
      return u;
    }
    const ir::Value* sum = u.op_type == "Conv" ? n.input(kConvSumInput) : nullptr;
    if (sum && is_activation(prepared, sum)) u.activations.push_back(sum->name());
    u.bias = bias_of(prepared, u.name, u.op_type);
    u.kind = UnitKind::Compute;
    u.label = compute_label(u.op_type, n, sum != nullptr);
    return u;
  }
  if ((u.op_type == "Add" || u.op_type == "Mul") && n.domain().empty() && n.num_inputs() == 2 &&
      is_activation(prepared, n.input(1))) {
    u.kind = UnitKind::Binary;
    u.activations = {n.input(0)->name(), n.input(1)->name()};
    return u;
  }
  if (u.op_type == "Concat" && n.domain().empty()) {
    for (const ir::Value* v : n.inputs())
      if (!is_activation(prepared, v)) return u;
    u.kind = UnitKind::Concat;
    for (const ir::Value* v : n.inputs()) u.activations.push_back(v->name());
    return u;
  }
  const bool resize = u.op_type == "Resize" && n.domain().empty();
  if (n.domain().empty() && n.num_outputs() >= 1 &&
      (kExactPassThrough.count(u.op_type) || kAveragingPassThrough.count(u.op_type) || resize)) {
    if (u.op_type == "MaxPool" && n.output(1)) return u;  // Indices output: not a plain pool
    u.kind = UnitKind::PassThrough;
    u.activations = {n.input(0)->name()};
    u.exact = kExactPassThrough.count(u.op_type) || (resize && n.attr_string("mode", "nearest") == "nearest");
  }
  return u;
}

}  // namespace

const char* unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::Compute: return "compute";
    case UnitKind::Binary: return "binary";
    case UnitKind::Concat: return "concat";
    case UnitKind::PassThrough: return "pass-through";
    case UnitKind::Other: return "other";
  }
  return "?";
}

std::vector<Unit> find_units(const ir::Model& prepared) {
  ir::Model fused = ir::clone_model(prepared);
  passes::optimize_graph(*fused.graph);
  std::vector<Unit> units;
  for (const ir::Node* n : fused.graph->topological_order()) units.push_back(classify(*prepared.graph, *n));
  return units;
}

}  // namespace qtune::quant
