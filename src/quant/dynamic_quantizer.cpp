#include "quant/dynamic_quantizer.h"

#include <map>

#include "ir/model_io.h"
#include "quant/quant_params.h"

namespace qtune::quant {
namespace {

struct DynamicInput {
  ir::Value* data = nullptr;
  ir::Value* scale = nullptr;
  ir::Value* zero_point = nullptr;
};

Tensor transposed(const Tensor& w) {
  const int64_t rows = w.dim(0), cols = w.dim(1);
  Tensor t = Tensor::uninitialized(DataType::Float32, {cols, rows});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) t.data<float>()[c * rows + r] = w.data<float>()[r * cols + c];
  return t;
}

class DynamicRewriter {
 public:
  DynamicRewriter(ir::Graph& g, const QuantPlan& plan) : g_(g), plan_(plan) {}

  // Rewrites `n` (MatMul or Gemm reading constant weights); "" when done, else why not.
  std::string rewrite(ir::Node* n, const WeightConfig& wc) {
    const bool gemm = n->op_type() == "Gemm";
    if (gemm && n->attr_int("transA", 0) != 0) return "Gemm with transA";
    const ir::Value* b = n->input(1);
    if (!b || !b->is_constant() || b->initializer().dtype() != DataType::Float32) return "weights are not a float constant";
    Tensor w = b->initializer();
    if (w.rank() != 2) return "weights of rank " + std::to_string(w.rank()) + " (MatMulInteger takes [K, N] here)";
    if (gemm && n->attr_int("transB", 0) != 0) w = transposed(w);
    ir::Value* c = gemm ? n->input(2) : nullptr;
    const float beta = gemm ? n->attr_float("beta", 1.0f) : 1.0f;
    if (c && beta != 1.0f && !c->is_constant()) return "Gemm with beta != 1 and a computed C";
    QuantParams wp = weight_params(w, wc.per_channel ? 1 : -1, wc.scheme, plan_.reduce_range ? 7 : 8);
    const Tensor quantized = quantize_tensor(w, wp);
    const float alpha = gemm ? n->attr_float("alpha", 1.0f) : 1.0f;
    for (float& s : wp.scale) s *= alpha;  // y = alpha * A x B: folded into the output scale
    ++weights_;

    const std::string base = n->name();
    const DynamicInput x = dynamic_input(n->input(0));
    ir::Value* y = n->output(0);
    ir::Value* wq = g_.add_initializer(g_.unique_name(base + "_weight_quantized"), quantized);
    std::vector<ir::Value*> mm_inputs = {x.data, wq, x.zero_point};
    bool zero_wzp = true;
    for (int32_t z : wp.zero_point) zero_wzp = zero_wzp && z == 0;
    if (!zero_wzp) mm_inputs.push_back(g_.add_initializer(g_.unique_name(base + "_weight_zero_point"), wp.zero_point_tensor()));
    g_.remove_node(n);
    ir::Value* acc = g_.add_value(g_.unique_name(base + "_int32"));
    g_.add_node("MatMulInteger", mm_inputs, {acc}, g_.unique_name(base + "_MatMulInteger"));
    ir::Value* accf = g_.add_value(g_.unique_name(base + "_int32_float"));
    ir::Node* cast = g_.add_node("Cast", {acc}, {accf}, g_.unique_name(base + "_Cast"));
    cast->set_attr(ir::Attribute::make_int("to", static_cast<int64_t>(DataType::Float32)));
    ir::Value* ws = g_.add_initializer(g_.unique_name(base + "_weight_scale"), wp.scale_tensor());
    ir::Value* scale = g_.add_value(g_.unique_name(base + "_output_scale"));
    g_.add_node("Mul", {x.scale, ws}, {scale}, g_.unique_name(base + "_scale_Mul"));
    ir::Value* product = c ? g_.add_value(g_.unique_name(base + "_unbiased")) : y;
    g_.add_node("Mul", {accf, scale}, {product}, g_.unique_name(base + "_Mul"));
    if (!c) return "";
    ir::Value* bias = c;
    if (beta != 1.0f) {
      Tensor scaled = c->initializer().clone();
      for (int64_t i = 0; i < scaled.numel(); ++i) scaled.data<float>()[i] *= beta;
      bias = g_.add_initializer(g_.unique_name(c->name() + "_beta"), scaled);
    }
    g_.add_node("Add", {product, bias}, {y}, g_.unique_name(base + "_bias_Add"));
    return "";
  }

  size_t weights() const { return weights_; }
  size_t activations() const { return inputs_.size(); }

 private:
  // One DynamicQuantizeLinear per activation, shared by every unit reading it.
  DynamicInput dynamic_input(ir::Value* x) {
    auto it = inputs_.find(x->name());
    if (it != inputs_.end()) return it->second;
    DynamicInput d{g_.add_value(g_.unique_name(x->name() + "_quantized")),
                   g_.add_value(g_.unique_name(x->name() + "_scale")),
                   g_.add_value(g_.unique_name(x->name() + "_zero_point"))};
    g_.add_node("DynamicQuantizeLinear", {x}, {d.data, d.scale, d.zero_point},
                g_.unique_name(x->name() + "_DynamicQuantizeLinear"));
    return inputs_.emplace(x->name(), d).first->second;
  }

  ir::Graph& g_;
  const QuantPlan& plan_;
  std::map<std::string, DynamicInput> inputs_;
  size_t weights_ = 0;
};

}  // namespace

QuantizeResult quantize_dynamic(const ir::Model& prepared, const std::vector<Unit>& units,
                                std::vector<UnitDecision> decisions, const std::vector<WeightConfig>& weights,
                                const QuantPlan& plan) {
  QuantizeResult result{ir::clone_model(prepared), {}, 0, 0};
  ir::Graph& g = *result.model.graph;
  DynamicRewriter rewriter(g, plan);
  for (size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    UnitDecision& d = decisions[i];
    if (d.precision != Precision::INT8) continue;
    d.precision = Precision::FP32;
    if ((u.op_type != "MatMul" && u.op_type != "Gemm") || u.weight.empty()) {
      d.reason = "dynamic quantization takes MatMul and Gemm with constant weights only";
      continue;
    }
    ir::Node* n = g.find_node(u.name);
    if (!n || !n->domain().empty() || n->op_type() != u.op_type) {
      d.reason = "fused with other ops in the prepared graph";
      continue;
    }
    d.reason = rewriter.rewrite(n, weights[i]);
    if (d.reason.empty()) {
      d.precision = Precision::INT8;
      d.note = "dynamic: activation range at run time";
    }
  }
  result.quantized_tensors = rewriter.activations();
  result.quantized_weights = rewriter.weights();
  finish_quantized_model(result.model);
  result.decisions = std::move(decisions);
  return result;
}

}  // namespace qtune::quant
