#include "analysis/summary.h"

#include "passes/infer_shapes.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

namespace qtune::ir {
namespace {

std::optional<std::vector<int64_t>> known_sizes(const Value* v) {
  if (!v || !v->shape.is_fully_known()) return std::nullopt;
  return v->shape.sizes();
}

int64_t product(const std::vector<int64_t>& v, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to && i < v.size(); ++i) p *= v[i];
  return p;
}

bool is_compute_op(const Node& n) {
  static const char* kOps[] = {"Conv", "ConvTranspose", "MatMul", "Gemm", "QLinearConv", "QLinearMatMul",
                               "ConvInteger", "MatMulInteger"};
  if (!n.domain().empty()) return false;
  return std::any_of(std::begin(kOps), std::end(kOps), [&](const char* op) { return n.op_type() == op; });
}

std::string op_key(const Node& n) { return n.domain().empty() ? n.op_type() : n.domain() + "." + n.op_type(); }

void count_params(ModelSummary& s, const Tensor& t) {
  auto& [count, bytes] = s.params_by_dtype[std::string(dtype_name(t.dtype()))];
  int64_t b = t.dtype() == DataType::String ? 0 : static_cast<int64_t>(t.byte_size());
  count += t.numel();
  bytes += b;
  s.param_count += t.numel();
  s.param_bytes += b;
}

void count_subgraph_nodes(const Graph& g, int64_t& n) {
  for (const Node* node : g.nodes())
    for (const Graph* sub : node->subgraphs()) {
      n += static_cast<int64_t>(sub->num_nodes());
      count_subgraph_nodes(*sub, n);
    }
}

}  // namespace

std::optional<int64_t> node_macs(const Node& n) {
  if (!is_compute_op(n)) return 0;
  const std::string& op = n.op_type();
  bool qlinear = op == "QLinearConv" || op == "QLinearMatMul";
  const Value* a = n.input(0);
  const Value* b = n.input(qlinear ? 3 : 1);
  auto out = known_sizes(n.output(0));
  auto w = known_sizes(b);
  if (op == "Conv" || op == "QLinearConv" || op == "ConvInteger") {
    // Each output element is a dot product over Cin/group * kernel window.
    if (!out || !w || w->size() < 2) return std::nullopt;
    return product(*out, 0, out->size()) * product(*w, 1, w->size());
  }
  if (op == "ConvTranspose") {
    // Each input element scatters Cout/group * kernel window products.
    auto in = known_sizes(a);
    if (!in || !w || w->size() < 2) return std::nullopt;
    return product(*in, 0, in->size()) * product(*w, 1, w->size());
  }
  if (op == "Gemm") {
    auto in = known_sizes(a);
    if (!in || !out || in->size() != 2) return std::nullopt;
    int64_t k = n.attr_int("transA", 0) ? (*in)[0] : (*in)[1];
    return product(*out, 0, out->size()) * k;
  }
  // MatMul family: output elements times the reduction length (last dim of A).
  auto in = known_sizes(a);
  if (!in || !out || in->empty()) return std::nullopt;
  return product(*out, 0, out->size()) * in->back();
}

ModelSummary summarize_model(Model& model, const std::string& path, const InputShapes& shapes) {
  ModelSummary s;
  s.path = path;
  s.ir_version = model.ir_version;
  s.opsets = model.opset_imports();
  s.producer_name = model.producer_name;
  s.producer_version = model.producer_version;
  Graph& g = *model.graph;

  // Shapes for MACs: what the user gave, plus any input whose declared shape is concrete.
  InputShapes effective = shapes;
  bool all_concrete = true;
  for (const Value* v : g.inputs()) {
    if (v->has_initializer() || effective.count(v->name())) continue;
    if (v->shape.is_fully_known()) {
      effective[v->name()] = v->shape.sizes();
    } else {
      all_concrete = false;
    }
  }
  for (const Value* v : g.inputs())
    if (!v->has_initializer()) s.inputs.push_back({v->name(), v->dtype, v->shape});
  apply_input_shapes(g, effective);
  passes::ShapeInferenceOptions options;
  options.lenient = true;  // a summary reports what it can; running the model is stricter
  auto inferred = passes::infer_shapes(g, options);
  s.shape_problems = inferred.rejected_nodes;
  for (const Node* n : inferred.unsupported_nodes) s.unsupported_ops.insert(n->domain().empty() ? n->op_type() : n->domain() + "." + n->op_type());
  if (all_concrete) s.macs_input_shapes = effective;

  for (const Value* v : g.outputs()) s.outputs.push_back({v->name(), v->dtype, v->shape});
  for (const Value* v : g.inputs())
    if (!v->has_initializer()) s.likely_inputs.push_back(v->name());

  std::unordered_set<std::string> captured;  // read inside If/Loop bodies: consumed too
  for (const Node* n : g.nodes())
    for (auto& name : names_captured_by_subgraphs(*n)) captured.insert(std::move(name));
  std::unordered_map<std::string, size_t> index;
  int64_t total = 0;
  for (const Node* n : g.nodes()) {
    ++s.num_nodes;
    auto [it, fresh] = index.emplace(op_key(*n), s.op_types.size());
    if (fresh) s.op_types.push_back({op_key(*n), 0, 0});
    OpTypeSummary& ot = s.op_types[it->second];
    ++ot.count;
    if (all_concrete) {
      auto macs = node_macs(*n);
      if (macs) {
        ot.macs += *macs;
        total += *macs;
      } else {
        s.macs_unknown_nodes.push_back(n->name().empty() ? n->describe() : n->name());
      }
    }
    for (const Value* out : n->outputs())
      if (out && out->uses().empty() && !captured.count(out->name())) s.likely_outputs.push_back(out->name());
    if (n->op_type() == "Constant" && n->domain().empty())
      if (const Tensor* t = n->attr_tensor("value")) count_params(s, *t);
  }
  if (all_concrete) s.total_macs = total;
  for (const Value* v : g.initializers()) count_params(s, v->initializer());
  count_subgraph_nodes(g, s.num_subgraph_nodes);
  std::stable_sort(s.op_types.begin(), s.op_types.end(), [](const auto& x, const auto& y) {
    return x.count != y.count ? x.count > y.count : x.op_type < y.op_type;
  });
  return s;
}

}  // namespace qtune::ir
