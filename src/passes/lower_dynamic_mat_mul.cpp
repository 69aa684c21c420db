// The dynamic-quantization pattern (quant/dynamic_quantizer.h) to com.qtune QDynamicMatMul:
//   (xq, xs, xzp) = DynamicQuantizeLinear(x)
//   acc = MatMulInteger(xq, B int8 [K, N] constant, xzp[, zero B zero point])
//   y = Mul(Cast<float>(acc), Mul(xs, B_scale constant)) [then Add(y, bias [N] constant)]
// becomes y = QDynamicMatMul(x, B, B_scale[, bias]). The DynamicQuantizeLinear stays while
// something else still reads it.
#include "passes/lower_dynamic_mat_mul.h"

#include "ops/fused_op_util.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool all_zero(const Tensor& t) {
  for (int64_t i = 0; i < t.numel(); ++i)
    if (t.value_as_double(i) != 0) return false;
  return true;
}

class Matcher {
 public:
  Matcher(ir::Graph& g, const LowerQdqOptions& options, LowerQdqStats& stats) : g_(g), options_(options), stats_(stats) {}

  void lower(ir::Node* mm) {
    ir::Node* dql = onnx_producer(mm->input(0), "DynamicQuantizeLinear");
    if (!dql || mm->input(2) != dql->output(2) || !dql->output(1)) return;
    const Tensor* b = constant_of(mm->input(1));
    if (!b || b->dtype() != DataType::Int8 || b->rank() != 2) return decline(mm, "weights are not a constant int8 [K, N]");
    if (mm->input(3)) {
      const Tensor* bzp = constant_of(mm->input(3));
      if (!bzp || !all_zero(*bzp)) return decline(mm, "weights have a non-zero zero point (asymmetric weights)");
    }
    if (const std::string why = weight_saturation(*b, options_); !why.empty()) return decline(mm, why);
    const int64_t columns = b->dim(1);
    ir::Node* cast = sole_reader(g_, mm->output(0));
    if (!is_onnx_op(cast, "Cast") || cast->attr_int("to", 0) != static_cast<int64_t>(DataType::Float32)) return;
    ir::Node* mul = sole_reader(g_, cast->output(0));
    if (!is_onnx_op(mul, "Mul")) return;
    ir::Node* scale_mul = mul->input(0) == cast->output(0) ? mul->input(1)->producer() : mul->input(0)->producer();
    if (!is_onnx_op(scale_mul, "Mul") || !sole_reader(g_, scale_mul->output(0))) return;
    const ir::Value* w_scale = other_input(scale_mul, dql->output(1));
    const Tensor* ws = constant_of(w_scale);
    if (!ws || ws->dtype() != DataType::Float32 || (ws->numel() != 1 && (ws->rank() != 1 || ws->numel() != columns)))
      return;
    std::vector<ir::Node*> group = {mm, cast, scale_mul, mul};
    std::vector<ir::Value*> inputs = {dql->input(0), mm->input(1), const_cast<ir::Value*>(w_scale)};
    ir::Node* root = mul;
    if (ir::Node* add = is_pinned(g_, mul->output(0)) ? nullptr : sole_reader(g_, mul->output(0));
        is_onnx_op(add, "Add")) {
      ir::Value* bias = other_input(add, mul->output(0));
      const Tensor* c = constant_of(bias);
      if (c && c->dtype() == DataType::Float32 && c->numel() == columns && c->dim(-1) == columns) {
        group.push_back(add);
        inputs.push_back(bias);
        root = add;
      }
    }
    replace_with_node(g_, group, root, {"QDynamicMatMul", std::string(ops::kQtuneDomain), inputs, {}, mm->name()});
    import_qtune_domain(g_);
    ++stats_.mat_muls;
  }

 private:
  void decline(const ir::Node* n, const std::string& why) {
    stats_.declined.emplace_back(n->name().empty() ? n->op_type() : n->name(), why);
  }

  ir::Graph& g_;
  const LowerQdqOptions& options_;
  LowerQdqStats& stats_;
};

}  // namespace

void lower_dynamic_mat_muls(ir::Graph& graph, const LowerQdqOptions& options, LowerQdqStats& stats) {
  std::vector<ir::Node*> candidates;
  for (ir::Node* n : graph.topological_order())
    if (is_onnx_op(n, "MatMulInteger")) candidates.push_back(n);
  // A rewrite removes only its own group (never another MatMulInteger).
  Matcher matcher(graph, options, stats);
  for (ir::Node* n : candidates) matcher.lower(n);
}

}  // namespace qtune::passes
