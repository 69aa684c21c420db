#include "passes/lower_qdq.h"

#include <cmath>
#include <optional>
#include <set>

#include "ops/fused_activation.h"
#include "ops/fused_op_util.h"
#include "ops/q_linear.h"
#include "passes/fuse_scaled_residual.h"
#include "passes/lower_dynamic_mat_mul.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

using ops::ActivationQuant;

// FusedConv's residual input (X, W, B, Sum).
constexpr int kConvSumInput = 3;

// Ops whose output elements are input elements: they run on INT8 data unchanged when the
// same scale and zero point quantize their input and output.
const std::set<std::string> kPassThrough = {"MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze",
                                            "Unsqueeze", "Slice", "Identity", "Resize"};

// Per-tensor parameters of a QuantizeLinear/DequantizeLinear with constant scale and zero point.
std::optional<ActivationQuant> per_tensor_params(const ir::Node* n) {
  std::optional<float> scale = scalar_constant(n->input(1));
  if (!scale || !(*scale > 0) || !std::isfinite(*scale)) return std::nullopt;
  ActivationQuant q{DataType::UInt8, *scale, 0};
  if (const ir::Value* zp = n->input(2)) {
    const Tensor* t = constant_of(zp);
    if (!t || t->numel() != 1) return std::nullopt;
    if (t->dtype() == DataType::UInt8) {
      q.zero_point = t->data<uint8_t>()[0];
    } else if (t->dtype() == DataType::Int8) {
      q.type = DataType::Int8;
      q.zero_point = t->data<int8_t>()[0];
    } else {
      return std::nullopt;
    }
  }
  return q;
}

struct Dequantized {
  ir::Value* data;  // the uint8/int8 tensor
  ActivationQuant params;
};

// v = DequantizeLinear(non-constant uint8/int8 data) per tensor.
std::optional<Dequantized> activation_dq(const ir::Value* v) {
  const ir::Node* n = onnx_producer(v, "DequantizeLinear");
  if (!n || constant_of(n->input(0))) return std::nullopt;
  std::optional<ActivationQuant> p = per_tensor_params(n);
  if (!p || n->input(0)->dtype != p->type) return std::nullopt;
  return Dequantized{n->input(0), *p};
}

struct Requantized {
  ir::Node* node;  // the QuantizeLinear
  ActivationQuant params;
};

// The QuantizeLinear that is y's only reader (per tensor), if any.
std::optional<Requantized> sole_quantize(const ir::Graph& g, const ir::Value* y) {
  ir::Node* r = sole_reader(g, y);
  if (!is_onnx_op(r, "QuantizeLinear") || r->input(0) != y) return std::nullopt;
  std::optional<ActivationQuant> p = per_tensor_params(r);
  if (!p) return std::nullopt;
  return Requantized{r, *p};
}

struct Weights {
  ir::Value* data;   // int8 constant
  ir::Value* scale;  // float32 constant: one value, or one per channel along the axis
};

// v = DequantizeLinear(constant int8 W) with zero zero points, per tensor or per channel
// along `axis`. Sets *why when it is not.
std::optional<Weights> weight_dq(const ir::Value* v, int axis, const LowerQdqOptions& options, std::string* why) {
  const ir::Node* n = onnx_producer(v, "DequantizeLinear");
  const Tensor* w = n ? constant_of(n->input(0)) : nullptr;
  if (!w) {
    *why = "weights are not a dequantized constant";
    return std::nullopt;
  }
  if (w->dtype() != DataType::Int8) {
    *why = "weights are " + std::string(dtype_name(w->dtype())) + ", the INT8 kernels take int8";
    return std::nullopt;
  }
  const Tensor* scale = constant_of(n->input(1));
  if (!scale || scale->dtype() != DataType::Float32) {
    *why = "weight scale is not a float constant";
    return std::nullopt;
  }
  if (scale->numel() != 1) {
    const int64_t dq_axis = n->attr_int("axis", 1);
    const int64_t normalized = dq_axis < 0 ? dq_axis + w->rank() : dq_axis;
    if (scale->rank() != 1 || normalized != axis) {
      *why = "weights are quantized per channel along axis " + std::to_string(normalized) + ", the kernel needs axis " +
             std::to_string(axis);
      return std::nullopt;
    }
  }
  if (const Tensor* zp = constant_of(n->input(2)))
    for (int8_t z : zp->values<int8_t>())
      if (z != 0) {
        *why = "weights have a non-zero zero point (asymmetric weights)";
        return std::nullopt;
      }
  if (n->input(2) && !constant_of(n->input(2))) {
    *why = "weight zero point is not a constant";
    return std::nullopt;
  }
  *why = weight_saturation(*w, options);
  if (!why->empty()) return std::nullopt;
  return Weights{n->input(0), n->input(1)};
}

float scale_at(const Tensor& scale, int64_t c) { return scale.data<float>()[scale.numel() == 1 ? 0 : c]; }

// The bias as QConv/QMatMul take it: the int32 data of DQ(int32 bias) when its scale is
// x_scale * w_scale (the QDQ convention), else a float constant in real units (times
// `beta`). nullptr with *why set when the bias is not constant.
ir::Value* lowered_bias(ir::Graph& g, ir::Value* b, float x_scale, const Tensor& w_scale, int64_t channels,
                        float beta, std::string* why) {
  if (const Tensor* c = constant_of(b); c && c->dtype() == DataType::Float32) {
    // One value, or one per channel along the last axis ([N], [1, N]); [N, 1] is not a bias.
    const bool along_last = c->rank() >= 1 && c->dim(-1) == channels && c->numel() == channels;
    if (c->numel() != 1 && !along_last) {
      *why = "bias " + c->describe() + " is not one value per output channel";
      return nullptr;
    }
    if (c->rank() == 1 && c->numel() == channels && beta == 1.0f) return b;
    Tensor real = Tensor::uninitialized(DataType::Float32, {channels});
    for (int64_t i = 0; i < channels; ++i) real.data<float>()[i] = beta * c->data<float>()[c->numel() == 1 ? 0 : i];
    return g.add_initializer(g.unique_name(b->name() + "_lowered"), real);
  }
  const ir::Node* n = onnx_producer(b, "DequantizeLinear");
  const Tensor* data = n ? constant_of(n->input(0)) : nullptr;
  const Tensor* scale = n ? constant_of(n->input(1)) : nullptr;
  const Tensor* zp = n ? constant_of(n->input(2)) : nullptr;
  bool zero_zp = !n || !n->input(2) || (zp && zp->dtype() == DataType::Int32);
  if (zero_zp && zp)
    for (int32_t z : zp->values<int32_t>()) zero_zp = zero_zp && z == 0;
  if (!data || !scale || data->dtype() != DataType::Int32 || data->numel() != channels ||
      scale->dtype() != DataType::Float32 || (scale->numel() != 1 && scale->numel() != channels) || !zero_zp) {
    *why = "bias is neither a float constant nor a dequantized int32 constant";
    return nullptr;
  }
  bool convention = beta == 1.0f;
  for (int64_t i = 0; i < channels && convention; ++i) {
    const float want = x_scale * scale_at(w_scale, i);
    convention = std::fabs(scale_at(*scale, i) - want) <= 1e-6f * want;
  }
  if (convention && data->rank() == 1) return n->input(0);
  Tensor real = Tensor::uninitialized(DataType::Float32, {channels});
  for (int64_t i = 0; i < channels; ++i)
    real.data<float>()[i] = beta * static_cast<float>(data->data<int32_t>()[i]) * scale_at(*scale, i);
  return g.add_initializer(g.unique_name(b->name() + "_lowered"), real);
}

std::vector<ir::Attribute> quant_attributes(const ActivationQuant& x, const std::optional<Requantized>& y) {
  std::vector<ir::Attribute> attrs = ops::activation_quant_attributes("x", x);
  if (y)
    for (ir::Attribute& a : ops::activation_quant_attributes("y", y->params)) attrs.push_back(std::move(a));
  return attrs;
}

// Replaces n (and its sole QuantizeLinear reader, when the output is quantized).
void replace_unit(ir::Graph& g, ir::Node* n, const std::optional<Requantized>& y, NewNode spec) {
  std::vector<ir::Node*> nodes = {n};
  ir::Node* root = n;
  if (y) {
    nodes.push_back(y->node);
    root = y->node;
  }
  replace_with_node(g, nodes, root, std::move(spec));
  import_qtune_domain(g);
}

class Lowering {
 public:
  Lowering(ir::Graph& g, const LowerQdqOptions& options) : g_(g), options_(options) {}

  static bool is_candidate(const ir::Node* n) {
    for (const char* op : {"Conv", "ConvTranspose", "MatMul", "Gemm"})
      if (is_onnx_op(n, op) || is_qtune_op(n, std::string("Fused") + op)) return true;
    return (is_onnx_op(n, "Add") || is_onnx_op(n, "Mul") || is_onnx_op(n, "Concat") ||
            is_onnx_op(n, "GlobalAveragePool") || (n->domain().empty() && kPassThrough.count(n->op_type())));
  }

  // Lowering a candidate removes it and the QuantizeLinear after it (never another
  // candidate), so the candidates are listed before anything is removed and only they are
  // visited: a removed QuantizeLinear is never touched again.
  LowerQdqStats run() {
    std::vector<ir::Node*> candidates;
    for (ir::Node* n : g_.topological_order())
      if (is_candidate(n)) candidates.push_back(n);
    for (ir::Node* n : candidates) {
      if (is_onnx_op(n, "Conv") || is_qtune_op(n, "FusedConv"))
        lower_conv(n);
      else if (is_onnx_op(n, "ConvTranspose") || is_qtune_op(n, "FusedConvTranspose"))
        lower_conv_transpose(n);
      else if (is_onnx_op(n, "MatMul") || is_qtune_op(n, "FusedMatMul") || is_onnx_op(n, "Gemm") ||
               is_qtune_op(n, "FusedGemm"))
        lower_mat_mul(n);
      else if ((is_onnx_op(n, "Add") || is_onnx_op(n, "Mul")) && n->num_inputs() == 2)
        lower_binary(n);
      else if (is_onnx_op(n, "Concat"))
        lower_concat(n);
      else if (is_onnx_op(n, "GlobalAveragePool"))
        lower_global_average_pool(n);
      else if (n->domain().empty() && kPassThrough.count(n->op_type()))
        lower_pass_through(n);
    }
    return stats_;
  }

 private:
  void decline(const ir::Node* n, const std::string& why) {
    stats_.declined.emplace_back(n->name().empty() ? n->op_type() : n->name(), why);
  }

  void lower_conv(ir::Node* n) {
    std::optional<Dequantized> x = activation_dq(n->input(0));
    if (!x) {
      if (onnx_producer(n->input(1), "DequantizeLinear")) decline(n, "its input is not quantized per tensor");
      return;
    }
    std::string why;
    std::optional<Weights> w = weight_dq(n->input(1), 0, options_, &why);
    if (!w) return decline(n, why);
    const Tensor& w_scale = w->scale->initializer();
    const int64_t channels = w->data->initializer().dim(0);
    ir::Value* bias = nullptr;
    if (n->input(2)) {
      bias = lowered_bias(g_, n->input(2), x->params.scale, w_scale, channels, 1.0f, &why);
      if (!bias) return decline(n, why);
    }
    ir::Value* sum = n->domain().empty() ? nullptr : n->input(kConvSumInput);
    std::optional<Dequantized> sum_q = sum ? activation_dq(sum) : std::nullopt;
    const ir::Value* y = n->output(0);
    std::optional<Requantized> out = is_pinned(g_, y) ? std::nullopt : sole_quantize(g_, y);
    std::vector<ir::Attribute> attrs = n->attributes();
    for (ir::Attribute& a : quant_attributes(x->params, out)) attrs.push_back(std::move(a));
    if (sum_q)
      for (ir::Attribute& a : ops::activation_quant_attributes("sum", sum_q->params)) attrs.push_back(std::move(a));
    std::vector<ir::Value*> inputs = {x->data, w->data, w->scale, bias};
    if (sum) inputs.push_back(sum_q ? sum_q->data : sum);
    while (!inputs.empty() && !inputs.back()) inputs.pop_back();
    replace_unit(g_, n, out, {"QConv", std::string(ops::kQtuneDomain), inputs, std::move(attrs), n->name()});
    ++stats_.convs;
  }

  void lower_conv_transpose(ir::Node* n) {
    std::optional<Dequantized> x = activation_dq(n->input(0));
    if (!x) {
      if (onnx_producer(n->input(1), "DequantizeLinear")) decline(n, "its input is not quantized per tensor");
      return;
    }
    std::string why;
    // Per-channel scales along the output channels, axis 1 of [C, M/group, k...]: with one group.
    std::optional<Weights> w = weight_dq(n->input(1), 1, options_, &why);
    if (!w) return decline(n, why);
    const Tensor& w_scale = w->scale->initializer();
    const int64_t group = n->attr_int("group", 1);
    if (w_scale.numel() != 1 && group != 1) return decline(n, "per-channel weights with groups");
    const int64_t channels = w->data->initializer().dim(1) * group;
    ir::Value* bias = nullptr;
    if (n->input(2)) {
      bias = lowered_bias(g_, n->input(2), x->params.scale, w_scale, channels, 1.0f, &why);
      if (!bias) return decline(n, why);
    }
    std::optional<Requantized> out = output_quantizer(n);
    std::vector<ir::Attribute> attrs = n->attributes();
    for (ir::Attribute& a : quant_attributes(x->params, out)) attrs.push_back(std::move(a));
    std::vector<ir::Value*> inputs = {x->data, w->data, w->scale};
    if (bias) inputs.push_back(bias);
    replace_unit(g_, n, out, {"QConvTranspose", std::string(ops::kQtuneDomain), inputs, std::move(attrs), n->name()});
    ++stats_.convs;
  }

  void lower_mat_mul(ir::Node* n) {
    const bool gemm = n->op_type() == "Gemm" || n->op_type() == "FusedGemm";
    std::optional<Dequantized> a = activation_dq(n->input(0));
    if (!a) {
      if (onnx_producer(n->input(1), "DequantizeLinear")) decline(n, "its input is not quantized per tensor");
      return;
    }
    if (gemm && n->attr_int("transA", 0) != 0) return decline(n, "Gemm with transA");
    const bool trans_b = gemm && n->attr_int("transB", 0) != 0;
    std::string why;
    std::optional<Weights> w = weight_dq(n->input(1), trans_b ? 0 : 1, options_, &why);
    if (!w) return decline(n, why);
    const Tensor& wq = w->data->initializer();
    if (wq.rank() != 2) return decline(n, "weights of rank " + std::to_string(wq.rank()) + " (the kernel takes [K, N])");
    ir::Value* weights = w->data;
    ir::Value* scale = w->scale;
    if (trans_b) weights = g_.add_initializer(g_.unique_name(w->data->name() + "_kn"), transposed(wq));
    const float alpha = gemm ? n->attr_float("alpha", 1.0f) : 1.0f;
    if (alpha != 1.0f) {
      Tensor scaled = w->scale->initializer().clone();
      for (int64_t i = 0; i < scaled.numel(); ++i) scaled.data<float>()[i] *= alpha;
      scale = g_.add_initializer(g_.unique_name(w->scale->name() + "_alpha"), scaled);
    }
    const int64_t columns = trans_b ? wq.dim(0) : wq.dim(1);
    ir::Value* bias = nullptr;
    if (ir::Value* b = n->input(2)) {
      const float beta = gemm ? n->attr_float("beta", 1.0f) : 1.0f;
      bias = lowered_bias(g_, b, a->params.scale, scale->initializer(), columns, beta, &why);
      if (!bias) return decline(n, why);
    }
    const ir::Value* y = n->output(0);
    std::optional<Requantized> out = is_pinned(g_, y) ? std::nullopt : sole_quantize(g_, y);
    std::vector<ir::Attribute> attrs;
    if (n->domain() == ops::kQtuneDomain) attrs = ops::FusedActivation::of(*n).attributes();
    for (ir::Attribute& at : quant_attributes(a->params, out)) attrs.push_back(std::move(at));
    std::vector<ir::Value*> inputs = {a->data, weights, scale};
    if (bias) inputs.push_back(bias);
    replace_unit(g_, n, out, {"QMatMul", std::string(ops::kQtuneDomain), inputs, std::move(attrs), n->name()});
    ++stats_.mat_muls;
  }

  std::optional<Requantized> output_quantizer(const ir::Node* n) const {
    const ir::Value* y = n->output(0);
    return !y || is_pinned(g_, y) ? std::nullopt : sole_quantize(g_, y);
  }

  // DQ(a) (+|*) DQ(b) [-> Q]: one pass over the INT8 data. Either operand may stay float.
  void lower_binary(ir::Node* n) {
    std::optional<Dequantized> a = activation_dq(n->input(0)), b = activation_dq(n->input(1));
    if (!a && !b) return;
    if ((!a && !is_float32(n->input(0))) || (!b && !is_float32(n->input(1)))) return;
    std::optional<Requantized> out = output_quantizer(n);
    std::vector<ir::Attribute> attrs = {ir::Attribute::make_string("operation", n->op_type())};
    for (ir::Attribute& at : ops::activation_quant_attributes("a", a ? a->params : ActivationQuant{})) attrs.push_back(std::move(at));
    for (ir::Attribute& at : ops::activation_quant_attributes("b", b ? b->params : ActivationQuant{})) attrs.push_back(std::move(at));
    if (out)
      for (ir::Attribute& at : ops::activation_quant_attributes("y", out->params)) attrs.push_back(std::move(at));
    replace_unit(g_, n, out,
                 {"QBinary", std::string(ops::kQtuneDomain), {a ? a->data : n->input(0), b ? b->data : n->input(1)},
                  std::move(attrs), n->name()});
    ++stats_.elementwise;
  }

  // Concat of dequantized inputs [-> Q]: copied or requantized into place.
  void lower_concat(ir::Node* n) {
    std::vector<ir::Value*> inputs;
    std::vector<int64_t> types, zero_points;
    std::vector<float> scales;
    for (ir::Value* v : n->inputs()) {
      std::optional<Dequantized> d = activation_dq(v);
      if (!d) return;
      inputs.push_back(d->data);
      types.push_back(static_cast<int64_t>(d->params.type));
      scales.push_back(d->params.scale);
      zero_points.push_back(d->params.zero_point);
    }
    std::optional<Requantized> out = output_quantizer(n);
    std::vector<ir::Attribute> attrs = {ir::Attribute::make_int("axis", n->attr_int("axis", 0)),
                                        ir::Attribute::make_ints("input_types", types),
                                        ir::Attribute::make_floats("input_scales", scales),
                                        ir::Attribute::make_ints("input_zero_points", zero_points)};
    if (out)
      for (ir::Attribute& at : ops::activation_quant_attributes("y", out->params)) attrs.push_back(std::move(at));
    replace_unit(g_, n, out, {"QConcat", std::string(ops::kQtuneDomain), inputs, std::move(attrs), n->name()});
    ++stats_.elementwise;
  }

  // DQ(x) -> GlobalAveragePool [-> Q]: integer sums, one rounding.
  void lower_global_average_pool(ir::Node* n) {
    std::optional<Dequantized> x = activation_dq(n->input(0));
    if (!x || !n->input(0)->shape.has_rank() || n->input(0)->shape.rank() != 4) return;
    std::optional<Requantized> out = output_quantizer(n);
    replace_unit(g_, n, out,
                 {"QGlobalAveragePool", std::string(ops::kQtuneDomain), {x->data}, quant_attributes(x->params, out),
                  n->name()});
    ++stats_.elementwise;
  }

  void lower_pass_through(ir::Node* n) {
    if (n->num_outputs() != 1 || !n->output(0)) return;
    if (n->op_type() == "Resize" && n->attr_string("mode", "nearest") != "nearest") return;
    std::optional<Dequantized> x = activation_dq(n->input(0));
    if (!x) return;
    std::optional<Requantized> out = is_pinned(g_, n->output(0)) ? std::nullopt : sole_quantize(g_, n->output(0));
    if (!out || out->params != x->params) return;
    ir::Value* q_out = out->node->output(0);
    g_.remove_node(out->node);
    g_.set_node_input(n, 0, x->data);
    g_.set_node_output(n, 0, q_out);
    ++stats_.pass_through;
  }

  static Tensor transposed(const Tensor& w) {
    const int64_t rows = w.dim(0), cols = w.dim(1);
    Tensor t = Tensor::uninitialized(DataType::Int8, {cols, rows});
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) t.data<int8_t>()[c * rows + r] = w.data<int8_t>()[r * cols + c];
    return t;
  }

  ir::Graph& g_;
  LowerQdqOptions options_;
  LowerQdqStats stats_;
};

}  // namespace

std::string weight_saturation(const Tensor& w, const LowerQdqOptions& options) {
  const int8_t* q = w.data<int8_t>();
  for (int64_t i = 0, n = w.numel(); i < n; ++i)
    if (std::abs(static_cast<int>(q[i])) > options.max_weight_magnitude)
      return "int8 weights beyond +-" + std::to_string(options.max_weight_magnitude) +
             " would saturate in oneDNN's INT8 kernels on this CPU (no VNNI): quantize with reduce_range";
  return "";
}

LowerQdqStats lower_qdq(ir::Graph& graph, const LowerQdqOptions& options) {
  LowerQdqStats stats = Lowering(graph, options).run();
  lower_dynamic_mat_muls(graph, options, stats);
  graph.eliminate_dead_nodes();
  stats.scaled_residuals = fuse_scaled_residuals(graph);  // needs the dead DequantizeLinears gone
  drop_unused(graph);
  return stats;
}

bool has_qdq(const ir::Graph& graph) {
  for (const ir::Node* n : graph.nodes())
    if (is_onnx_op(n, "QuantizeLinear") || is_onnx_op(n, "DequantizeLinear") || is_onnx_op(n, "DynamicQuantizeLinear"))
      return true;
  return false;
}

}  // namespace qtune::passes
