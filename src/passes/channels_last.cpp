#include "passes/channels_last.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>

#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

// Ops whose output element depends only on the same element of each input (and on
// scalar parameters), so any layout works when all tensor operands share it.
const std::set<std::string> kElementwise = {"Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish",
                                            "Tanh", "Erf", "Exp", "Neg", "Abs", "Sqrt", "Identity", "Add",
                                            "Sub", "Mul", "Div", "Max", "Min", "PRelu", "Gelu",
                                            "QuantizeLinear", "DequantizeLinear"};
bool is_quantize_op(const ir::Node* n) { return n->op_type() == "QuantizeLinear" || n->op_type() == "DequantizeLinear"; }
// Inputs of these ops that are parameters, not tensors to lay out (Clip's min and max,
// a quantization scale and zero point).
bool is_parameter_input(const ir::Node* n, int index) {
  return (n->op_type() == "Clip" || is_quantize_op(n)) && index > 0;
}

// The 4-D NCHW view of a constant that broadcasts against NCHW tensors: rank <= 4,
// leading 1s added. nullopt for shapes that cannot be permuted that way.
std::optional<std::vector<int64_t>> as_nchw_dims(const Tensor& t) {
  if (t.rank() > 4) return std::nullopt;
  std::vector<int64_t> dims(static_cast<size_t>(4 - t.rank()), 1);
  dims.insert(dims.end(), t.dims().begin(), t.dims().end());
  return dims;
}

// Permutes a 4-D tensor's elements (any fixed-size type).
Tensor permute4(const Tensor& t, const std::vector<int64_t>& nchw_dims, const std::vector<int64_t>& perm) {
  std::vector<int64_t> out_dims;
  for (int64_t p : perm) out_dims.push_back(nchw_dims[static_cast<size_t>(p)]);
  Tensor out(t.dtype(), out_dims);
  const size_t elem = dtype_size(t.dtype());
  std::vector<int64_t> in_strides(4, 1);
  for (int i = 2; i >= 0; --i) in_strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(i) + 1] * nchw_dims[static_cast<size_t>(i) + 1];
  const auto* src = static_cast<const unsigned char*>(t.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  int64_t o = 0;
  for (int64_t a = 0; a < out_dims[0]; ++a)
    for (int64_t b = 0; b < out_dims[1]; ++b)
      for (int64_t c = 0; c < out_dims[2]; ++c)
        for (int64_t d = 0; d < out_dims[3]; ++d, ++o) {
          const int64_t idx[4] = {a, b, c, d};
          int64_t offset = 0;
          for (size_t k = 0; k < 4; ++k) offset += idx[k] * in_strides[static_cast<size_t>(perm[k])];
          std::memcpy(dst + o * static_cast<int64_t>(elem), src + offset * static_cast<int64_t>(elem), elem);
        }
  return out;
}

class ChannelsLast {
 public:
  explicit ChannelsLast(ir::Graph& g) : g_(g) {}

  size_t run() {
    for (ir::Node* n : g_.topological_order()) {
      if (convert_conv(n) || convert_q_conv(n) || convert_elementwise(n) || convert_global_pool(n) ||
          convert_q_global_average_pool(n) || convert_pool(n) || convert_concat(n) || convert_resize(n))
        ++converted_;
    }
    if (!converted_) return 0;
    restore_nchw_values();
    import_qtune_domain(g_);
    g_.sort_topologically();
    drop_unused(g_);
    return converted_;
  }

 private:
  bool available(const ir::Value* v) const { return v && nhwc_.count(v); }

  // The NHWC twin of v: the one already made, a permuted constant, or a new Transpose.
  ir::Value* to_nhwc(ir::Value* v) {
    if (auto it = nhwc_.find(v); it != nhwc_.end()) return it->second;
    ir::Value* twin = g_.add_value(g_.unique_name(v->name() + "_nhwc"));
    twin->dtype = v->dtype;
    if (const Tensor* c = constant_of(v)) {
      g_.set_initializer(twin, permute4(*c, *as_nchw_dims(*c), kToNhwc));
    } else {
      ir::Node* t = g_.add_node("Transpose", {v}, {twin}, g_.unique_name(v->name() + "_to_nhwc"));
      t->set_attr(ir::Attribute::make_ints("perm", kToNhwc));
    }
    nhwc_[v] = twin;
    return twin;
  }

  // Replaces `n` by `op` reading `inputs` and producing an NHWC twin of n's output.
  // `op` and `domain` are taken by value: callers pass n's own strings, which die with n.
  void replace(ir::Node* n, std::string op, std::string domain, const std::vector<ir::Value*>& inputs,
               std::vector<ir::Attribute> attrs) {
    ir::Value* y = n->output(0);
    ir::Value* twin = g_.add_value(g_.unique_name(y->name() + "_nhwc"));
    twin->dtype = y->dtype;
    const std::string name = n->name();
    g_.remove_node(n);
    ir::Node* m = g_.add_node(op, inputs, {twin}, name.empty() ? g_.unique_name(op) : name, domain);
    for (auto& a : attrs) m->set_attr(std::move(a));
    nhwc_[y] = twin;
    converted_values_.push_back(y);
  }

  bool convert_conv(ir::Node* n) {
    const bool fused = is_qtune_op(n, "FusedConv");
    if (!(is_onnx_op(n, "Conv") || fused) || n->num_outputs() != 1) return false;
    const Tensor* w = constant_of(n->input(1));
    if (!w || w->rank() != 4 || !is_float32(n->input(0))) return false;
    std::vector<ir::Value*> inputs = {to_nhwc(n->input(0)), n->input(1), n->input(2)};
    if (ir::Value* sum = fused ? n->input(3) : nullptr) inputs.push_back(to_nhwc(sum));
    while (!inputs.empty() && !inputs.back()) inputs.pop_back();
    replace(n, "NhwcConv", "com.qtune", inputs, n->attributes());
    return true;
  }

  // QConv (X, W, W_scale, B, Sum) and QConvTranspose (X, W, W_scale, B) read and write
  // NHWC with channels_last = 1.
  bool convert_q_conv(ir::Node* n) {
    const bool conv = is_qtune_op(n, "QConv"), transposed = is_qtune_op(n, "QConvTranspose");
    if (!(conv || transposed) || n->attr_int("channels_last", 0) != 0 || n->num_outputs() != 1) return false;
    const Tensor* w = constant_of(n->input(1));
    if (!w || w->rank() != 4) return false;
    std::vector<ir::Value*> inputs = n->inputs();
    inputs[0] = to_nhwc(inputs[0]);
    if (conv && inputs.size() > 4 && inputs[4]) inputs[4] = to_nhwc(inputs[4]);
    std::vector<ir::Attribute> attrs = n->attributes();
    attrs.push_back(ir::Attribute::make_int("channels_last", 1));
    replace(n, n->op_type(), "com.qtune", inputs, std::move(attrs));
    return true;
  }

  bool convert_elementwise(ir::Node* n) {
    const bool elementwise = (n->domain().empty() && kElementwise.count(n->op_type())) || is_qtune_op(n, "QBinary");
    if (!elementwise || n->num_outputs() != 1) return false;
    // Per-axis quantization depends on which axis holds the channels.
    if (is_quantize_op(n) && (!constant_of(n->input(1)) || constant_of(n->input(1))->numel() != 1)) return false;
    bool any_nhwc = false;
    for (int i = 0; i < n->num_inputs(); ++i) {
      ir::Value* v = n->input(i);
      if (!v || is_parameter_input(n, i)) continue;
      if (available(v)) {
        any_nhwc = true;
        continue;
      }
      const Tensor* c = constant_of(v);
      if (!c || !as_nchw_dims(*c) || c->dtype() == DataType::String) return false;
    }
    if (!any_nhwc) return false;
    std::vector<ir::Value*> inputs;
    for (int i = 0; i < n->num_inputs(); ++i) {
      ir::Value* v = n->input(i);
      const Tensor* c = v ? constant_of(v) : nullptr;
      const bool keep = !v || is_parameter_input(n, i) || (c && c->numel() == 1 && !available(v));
      inputs.push_back(keep ? v : to_nhwc(v));
    }
    replace(n, n->op_type(), n->domain(), inputs, n->attributes());
    return true;
  }

  // GlobalAveragePool over NHWC data (oneDNN pools it as it is; as a ReduceMean over axes 1
  // and 2 it ran on the portable kernel: PP-OCR cls 192x200 floats, 6.5 us).
  bool convert_global_pool(ir::Node* n) {
    if (!is_onnx_op(n, "GlobalAveragePool") || !available(n->input(0))) return false;
    replace(n, "NhwcPool", "com.qtune", {to_nhwc(n->input(0))},
            {ir::Attribute::make_string("pool", "GlobalAveragePool")});
    return true;
  }

  // MaxPool / AveragePool on NHWC data (without MaxPool's optional Indices output).
  bool convert_pool(ir::Node* n) {
    if (!(is_onnx_op(n, "MaxPool") || is_onnx_op(n, "AveragePool")) || !available(n->input(0))) return false;
    if (n->num_outputs() != 1 || n->attr_ints("kernel_shape", {}).size() != 2) return false;
    std::vector<ir::Attribute> attrs = n->attributes();
    attrs.push_back(ir::Attribute::make_string("pool", n->op_type()));
    replace(n, "NhwcPool", "com.qtune", {to_nhwc(n->input(0))}, attrs);
    return true;
  }

  // QGlobalAveragePool reads NHWC with channels_last = 1 (its output is [N, 1, 1, C]).
  bool convert_q_global_average_pool(ir::Node* n) {
    if (!is_qtune_op(n, "QGlobalAveragePool") || n->attr_int("channels_last", 0) != 0) return false;
    if (!available(n->input(0))) return false;
    std::vector<ir::Attribute> attrs = n->attributes();
    attrs.push_back(ir::Attribute::make_int("channels_last", 1));
    replace(n, "QGlobalAveragePool", "com.qtune", {to_nhwc(n->input(0))}, std::move(attrs));
    return true;
  }

  bool convert_concat(ir::Node* n) {
    const bool quantized = is_qtune_op(n, "QConcat");
    if (!(is_onnx_op(n, "Concat") || quantized) || n->num_outputs() != 1) return false;
    const int64_t axis = n->attr_int("axis", 0);
    if (axis != 1 && axis != -3) return false;
    for (ir::Value* v : n->inputs())
      if (!available(v)) return false;
    std::vector<ir::Value*> inputs;
    for (ir::Value* v : n->inputs()) inputs.push_back(to_nhwc(v));
    std::vector<ir::Attribute> attrs = n->attributes();
    attrs.push_back(ir::Attribute::make_int("axis", 3));
    replace(n, n->op_type(), n->domain(), inputs, std::move(attrs));
    return true;
  }

  // Resize (opset 11+: X, roi, scales, sizes) with constant scales or sizes, no roi.
  bool convert_resize(ir::Node* n) {
    if (!is_onnx_op(n, "Resize") || n->opset_version() < 11 || !available(n->input(0))) return false;
    const std::string mode = n->attr_string("mode", "nearest");
    if (mode != "nearest" && mode != "linear") return false;
    if (n->attr_string("coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize") return false;
    std::vector<ir::Value*> inputs = {to_nhwc(n->input(0)), n->input(1)};
    for (int i = 2; i < 4; ++i) {
      ir::Value* v = n->input(i);
      const Tensor* c = v ? constant_of(v) : nullptr;
      if (v && (!c || c->numel() == 0)) {
        if (c) {
          inputs.push_back(v);  // an empty placeholder input
          continue;
        }
        return false;
      }
      if (!v) {
        inputs.push_back(nullptr);
        continue;
      }
      if (c->rank() != 1 || c->numel() != 4) return false;
      Tensor permuted(c->dtype(), {4});
      const size_t elem = dtype_size(c->dtype());
      for (size_t k = 0; k < 4; ++k)
        std::memcpy(static_cast<char*>(permuted.raw()) + k * elem,
                    static_cast<const char*>(c->raw()) + static_cast<size_t>(kToNhwc[k]) * elem, elem);
      inputs.push_back(g_.add_initializer(g_.unique_name(v->name() + "_nhwc"), permuted));
    }
    while (!inputs.empty() && !inputs.back()) inputs.pop_back();
    replace(n, "Resize", "", inputs, n->attributes());
    return true;
  }

  // Every converted node's original (NCHW) output that is still read, or is a graph
  // output, is recomputed from its twin by one Transpose back.
  void restore_nchw_values() {
    for (ir::Value* y : converted_values_) {
      if (y->producer()) continue;
      const bool needed = !g_.consumers(y).empty() || is_pinned(g_, y);
      if (!needed) continue;
      ir::Node* t = g_.add_node("Transpose", {nhwc_.at(y)}, {y}, g_.unique_name(y->name() + "_to_nchw"));
      t->set_attr(ir::Attribute::make_ints("perm", kToNchw));
    }
  }

  ir::Graph& g_;
  std::unordered_map<const ir::Value*, ir::Value*> nhwc_;
  std::vector<ir::Value*> converted_values_;
  size_t converted_ = 0;
};

}  // namespace

size_t convert_to_channels_last(ir::Graph& graph) { return ChannelsLast(graph).run(); }

}  // namespace qtune::passes
