#include "quant/quantizer.h"

#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "ir/model_io.h"
#include "quant/dynamic_quantizer.h"
#include "quant/equalization.h"
#include "passes/infer_shapes.h"
#include "passes/pass_util.h"
#include "qtune/error.h"

namespace qtune::quant {
namespace {

// A unit's decision with the configuration it quantizes with.
struct Resolved {
  UnitDecision decision;
  WeightConfig weight;
  ActivationConfig activation;
};

void apply_override(Resolved& r, const NodeOverride& o, const std::string& why) {
  if (o.weight) r.weight = *o.weight;
  if (o.activation) r.activation = *o.activation;
  if (!o.precision) return;
  r.decision.precision = *o.precision;
  r.decision.reason = *o.precision == Precision::FP32 ? why : "";
}

bool whole_match(const std::string& pattern, const std::string& name, const std::string& what) {
  try {
    return std::regex_match(name, std::regex(pattern));
  } catch (const std::regex_error& e) {
    throw Error(what + " '" + pattern + "' is not a valid regular expression: " + e.what());
  }
}

// Indices of the first compute unit and of the compute units with none after them.
std::pair<size_t, std::set<size_t>> first_and_last_compute(const std::vector<Unit>& units) {
  size_t first = units.size();
  size_t last = units.size();
  for (size_t i = 0; i < units.size(); ++i)
    if (units[i].kind == UnitKind::Compute) {
      if (first == units.size()) first = i;
      last = i;
    }
  std::set<size_t> lasts;
  if (last < units.size()) lasts.insert(last);
  return {first, lasts};
}

std::vector<Resolved> resolve(const std::vector<Unit>& units, const QuantPlan& plan, const ir::Graph& prepared) {
  const auto [first, lasts] = first_and_last_compute(units);
  std::vector<Resolved> out;
  for (size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    Resolved r{{u.name, u.label, u.kind, Precision::FP32, "", ""}, plan.weight, plan.activation};
    UnitDecision& d = r.decision;
    switch (u.kind) {
      case UnitKind::Other:
        d.reason = "no INT8 form for " + u.op_type;
        out.push_back(r);
        continue;
      case UnitKind::PassThrough:
        d.reason = "no quantized tensor next to it";  // quantize() decides from its neighbours
        out.push_back(r);
        continue;
      default: break;
    }
    d.precision = Precision::INT8;
    if (u.kind == UnitKind::Compute && u.weight.empty() && !plan.quantize_activation_matmul) {
      d.precision = Precision::FP32;
      d.reason = "both operands are activations (quantization.activation_matmul enables it)";
    }
    if (plan.first_layer_fp32 && i == first) {
      d.precision = Precision::FP32;
      d.reason = "first compute layer kept FP32 (recipe first_layer_fp32)";
    }
    if (plan.last_layer_fp32 && lasts.count(i)) {
      d.precision = Precision::FP32;
      d.reason = "last compute layer kept FP32 (recipe last_layer_fp32)";
    }
    for (const std::string& t : plan.exclude_op_types)
      if (t == u.op_type) {
        d.precision = Precision::FP32;
        d.reason = "op type " + t + " excluded";
      }
    for (const std::string& re : plan.exclude_node_regex)
      if (whole_match(re, u.name, "excluded node pattern")) {
        d.precision = Precision::FP32;
        d.reason = "name matches excluded pattern '" + re + "'";
      }
    for (const OpWiseRule& rule : plan.op_wise) {
      const bool hit = rule.op_type.empty() ? whole_match(rule.name_regex, u.name, "op_wise pattern")
                                            : rule.op_type == u.op_type;
      if (hit)
        apply_override(r, rule.config, "op_wise " + (rule.op_type.empty() ? "'" + rule.name_regex + "'" : rule.op_type));
    }
    if (auto it = plan.nodes.find(u.name); it != plan.nodes.end())
      apply_override(r, it->second, "set to FP32 by the plan (tuning fallback)");
    if (d.precision == Precision::INT8 && !plan.quantize_inputs)
      for (const std::string& a : u.activations) {
        const ir::Value* v = prepared.find_value(a);
        if (v && v->is_graph_input()) {
          d.precision = Precision::FP32;
          d.reason = "reads model input '" + a + "' and model inputs are not quantized";
        }
      }
    out.push_back(r);
  }
  return out;
}

// Union-find over tensor names: tensors linked by a pass-through unit share parameters;
// the representative is the upstream one.
class Links {
 public:
  std::string find(const std::string& t) const {
    std::string cur = t;
    for (auto it = parent_.find(cur); it != parent_.end(); it = parent_.find(cur)) cur = it->second;
    return cur;
  }
  void link(const std::string& downstream, const std::string& upstream) {
    const std::string a = find(downstream), b = find(upstream);
    if (a != b) parent_[a] = b;
  }

 private:
  std::map<std::string, std::string> parent_;
};

struct QdqNames {
  ir::Value* scale = nullptr;
  ir::Value* zero_point = nullptr;
};

class Rewriter {
 public:
  explicit Rewriter(ir::Graph& g) : g_(g) {}

  QdqNames parameters(const std::string& base, const QuantParams& p) {
    return {g_.add_initializer(g_.unique_name(base + "_scale"), p.scale_tensor()),
            g_.add_initializer(g_.unique_name(base + "_zero_point"), p.zero_point_tensor())};
  }

  // x -> QuantizeLinear -> DequantizeLinear; every reader of x reads the DQ output.
  void quantize_activation(ir::Value* x, const QdqNames& params) {
    ir::Value* q = g_.add_value(g_.unique_name(x->name() + "_quantized"));
    ir::Value* dq = g_.add_value(g_.unique_name(x->name() + "_dequantized"));
    g_.replace_all_uses(x, dq, /*including_graph_outputs=*/false);
    g_.add_node("QuantizeLinear", {x, params.scale, params.zero_point}, {q}, g_.unique_name(x->name() + "_QuantizeLinear"));
    g_.add_node("DequantizeLinear", {q, params.scale, params.zero_point}, {dq},
                g_.unique_name(x->name() + "_DequantizeLinear"));
  }

  // Input `index` of `node` becomes DequantizeLinear(constant q).
  void dequantized_constant(ir::Node* node, int index, const std::string& base, const Tensor& q, const QuantParams& p) {
    ir::Value* data = g_.add_initializer(g_.unique_name(base + "_quantized"), q);
    const QdqNames params = parameters(base, p);
    ir::Value* dq = g_.add_value(g_.unique_name(base + "_dequantized"));
    ir::Node* n = g_.add_node("DequantizeLinear", {data, params.scale, params.zero_point}, {dq},
                              g_.unique_name(base + "_DequantizeLinear"));
    if (p.per_channel()) n->set_attr(ir::Attribute::make_int("axis", p.axis));
    g_.set_node_input(node, index, dq);
  }

 private:
  ir::Graph& g_;
};

// The int32 bias, or nullopt when some value would not fit (tiny input/weight scales).
std::optional<Tensor> quantize_bias(const Tensor& bias, const QuantParams& p) {
  const float* b = bias.data<float>();
  for (int64_t i = 0; i < bias.numel(); ++i) {
    const double s = p.scale[p.per_channel() ? static_cast<size_t>(i) : 0];
    if (std::fabs(b[i] / s) >= static_cast<double>(std::numeric_limits<int32_t>::max())) return std::nullopt;
  }
  return quantize_tensor(bias, p);
}

// A channel whose weights are all (nearly) zero gets a tiny scale, and its bias divided by
// s_x * s_w would overflow int32. Widening that channel's weight scale until the bias fits
// costs nothing: its weights still quantize to (nearly) zero. Symmetric weights only.
void widen_for_bias(QuantParams& wp, const Tensor& bias, float input_scale) {
  constexpr double kLimit = 1 << 30;  // half the int32 range: headroom for rounding
  const float* b = bias.data<float>();
  for (int64_t i = 0; i < bias.numel(); ++i) {
    const size_t c = wp.per_channel() ? static_cast<size_t>(i) : 0;
    if (c >= wp.scale.size()) return;
    const double needed = std::fabs(b[i]) / (static_cast<double>(input_scale) * kLimit);
    if (wp.scale[c] < needed) wp.scale[c] = static_cast<float>(needed);
  }
}

}  // namespace

void finish_quantized_model(ir::Model& model) {
  ir::Graph& g = *model.graph;
  g.sort_topologically();
  passes::drop_unused(g);
  passes::ShapeInferenceOptions lenient;
  lenient.lenient = true;
  passes::infer_shapes(g, lenient);
  ir::validate_model(model);
}

int QuantizeResult::int8_units() const {
  int n = 0;
  for (const UnitDecision& d : decisions) n += d.precision == Precision::INT8;
  return n;
}

Quantizer::Quantizer(const ir::Model& prepared, std::string source)
    : prepared_(ir::clone_model(prepared)), source_(std::move(source)) {
  try {
    units_ = find_units(prepared_);
  } catch (const Error& e) {
    rethrow_with_context(source_, e);
  }
}

std::vector<UnitDecision> Quantizer::decide(const QuantPlan& plan) const {
  std::vector<UnitDecision> out;
  for (Resolved& r : resolve(units_, plan, *prepared_.graph)) out.push_back(std::move(r.decision));
  return out;
}

QuantizeResult Quantizer::quantize(const CalibrationStats& stats, const QuantPlan& plan) const {
  std::vector<Resolved> resolved = resolve(units_, plan, *prepared_.graph);
  if (plan.dynamic) {
    std::vector<UnitDecision> decisions;
    std::vector<WeightConfig> weights;
    for (Resolved& r : resolved) {
      decisions.push_back(std::move(r.decision));
      weights.push_back(r.weight);
    }
    try {
      return quantize_dynamic(prepared_, units_, std::move(decisions), weights, plan);
    } catch (const Error& e) {
      rethrow_with_context(source_, e);
    }
  }
  stats.check_model(prepared_, source_);

  // Tensors INT8 units read, with the activation configuration of the first such reader.
  std::map<std::string, ActivationConfig> requested;
  std::map<std::string, std::string> first_reader;
  for (size_t i = 0; i < units_.size(); ++i) {
    if (resolved[i].decision.precision != Precision::INT8) continue;
    for (const std::string& t : units_[i].activations)
      if (requested.try_emplace(t, resolved[i].activation).second) first_reader[t] = units_[i].name;
  }
  // Pass-through units next to quantized tensors run on INT8 data. Exact ones (their
  // outputs are input values) carry their input's parameters, forward and backward;
  // averaging ones (pools) get their own output parameters, since an average spans a
  // narrower range than its input, and are INT8 only when their output is wanted in INT8.
  Links links;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < units_.size(); ++i) {
      const Unit& u = units_[i];
      if (u.kind != UnitKind::PassThrough || resolved[i].decision.precision == Precision::INT8) continue;
      const std::string& in = u.activations[0];
      const ir::Value* in_value = prepared_.graph->find_value(in);
      if (!plan.quantize_inputs && in_value && in_value->is_graph_input()) continue;
      const bool want_out = requested.count(u.output) > 0;
      if (!(want_out || (u.exact && requested.count(in)))) continue;
      const ActivationConfig cfg = requested.count(in) ? requested.at(in) : requested.at(u.output);
      if (requested.try_emplace(in, cfg).second) first_reader[in] = u.name;
      if (requested.try_emplace(u.output, cfg).second) first_reader[u.output] = u.name;
      if (u.exact) links.link(u.output, in);
      resolved[i].decision.precision = Precision::INT8;
      resolved[i].decision.reason.clear();
      resolved[i].decision.note = u.exact ? "carries INT8 with its input's scale" : "INT8 in and out, own output scale";
      changed = true;
    }
  }

  QuantizeResult result{ir::clone_model(prepared_), {}, 0, 0};
  ir::Graph& g = *result.model.graph;
  // Equalized tensors take the range their rescaled channels span (not the calibrated one).
  std::map<std::string, Range> equalized;
  if (plan.channel_equalization) equalized = equalize_channels(g, equalization_pairs(g), stats.channels);

  // Parameters per representative tensor.
  std::map<std::string, QuantParams> params;
  auto params_of = [&](const std::string& t) -> const QuantParams& {
    const std::string rep = links.find(t);
    auto it = params.find(rep);
    if (it != params.end()) return it->second;
    auto s = stats.tensors.find(rep);
    if (s == stats.tensors.end())
      throw Error(source_ + ": the calibration statistics have no tensor '" + rep + "' (read by '" + first_reader[t] +
                  "'); were they collected on another model?");
    const ActivationConfig& cfg = requested.count(rep) ? requested.at(rep) : requested.at(t);
    auto eq = equalized.find(rep);
    const Range range =
        eq != equalized.end() ? eq->second : compute_range(s->second, cfg.algorithm, cfg.scheme, cfg.percentile);
    return params.emplace(rep, choose_params(range, cfg.scheme)).first->second;
  };

  Rewriter rewriter(g);
  std::map<std::string, QdqNames> shared;  // per representative: one scale/zero-point pair
  for (const auto& [t, cfg] : requested) {
    const QuantParams& p = params_of(t);
    const std::string rep = links.find(t);
    auto it = shared.find(rep);
    if (it == shared.end()) it = shared.emplace(rep, rewriter.parameters(rep, p)).first;
    rewriter.quantize_activation(g.value(t), it->second);
    ++result.quantized_tensors;
  }

  const int weight_bits = plan.reduce_range ? 7 : 8;
  for (size_t i = 0; i < units_.size(); ++i) {
    const Unit& u = units_[i];
    UnitDecision& d = resolved[i].decision;
    if (u.kind != UnitKind::Compute || d.precision != Precision::INT8 || u.weight.empty()) continue;
    ir::Node* node = g.find_node(u.name);
    if (!node || node->input(1) != g.find_value(u.weight))
      throw Error(source_ + ": internal: unit '" + u.name + "' does not read its weight '" + u.weight + "'");
    const WeightConfig& wc = resolved[i].weight;
    const Tensor& w = g.value(u.weight)->initializer();
    QuantParams wp = weight_params(w, wc.per_channel ? u.weight_axis : -1, wc.scheme, weight_bits);
    const bool int_bias = plan.quantize_bias && !u.bias.empty();
    const Tensor* b = int_bias ? &g.value(u.bias)->initializer() : nullptr;
    if (b && is_symmetric(wc.scheme)) widen_for_bias(wp, *b, params_of(u.activations[0]).scale[0]);
    rewriter.dequantized_constant(node, 1, u.weight, quantize_tensor(w, wp), wp);
    ++result.quantized_weights;
    if (!b) continue;
    const QuantParams bp = bias_params(params_of(u.activations[0]), wp);
    if (bp.per_channel() && static_cast<int64_t>(bp.scale.size()) != b->numel()) {
      d.note = "bias kept FP32: its length does not match the weight's channels";
      continue;
    }
    std::optional<Tensor> bq = quantize_bias(*b, bp);
    if (!bq) {
      d.note = "bias kept FP32: it does not fit int32 at scale s_input * s_weight";
      continue;
    }
    rewriter.dequantized_constant(node, 2, u.bias, *bq, bp);
  }

  finish_quantized_model(result.model);
  for (Resolved& r : resolved) result.decisions.push_back(std::move(r.decision));
  return result;
}

}  // namespace qtune::quant
