#include "quant/equalization.h"

#include <algorithm>
#include <cmath>

#include "passes/pass_util.h"
#include "qtune/error.h"

namespace qtune::quant {
namespace {

// No channel is scaled up by more than this: a dead channel (range ~0) would otherwise
// get A's weights multiplied without bound.
constexpr float kMaxScaleUp = 100.0f;

bool sole_use(const ir::Graph& g, const ir::Value* v, const ir::Node* reader) {
  if (!v || g.consumers(v).size() != 1 || g.consumers(v)[0] != reader) return false;
  for (const ir::Value* o : g.outputs())
    if (o == v) return false;
  return true;
}

// A float constant initializer that only `reader` reads.
const ir::Value* own_constant(const ir::Graph& g, const ir::Value* v, const ir::Node* reader) {
  if (!v || !v->is_constant() || v->initializer().dtype() != DataType::Float32) return nullptr;
  return sole_use(g, v, reader) ? v : nullptr;
}

bool is_plain_conv(const ir::Node* n) { return n && n->domain().empty() && n->op_type() == "Conv"; }

}  // namespace

void ChannelRanges::merge(const ChannelRanges& other) {
  if (other.min.empty()) return;
  if (min.empty()) {
    *this = other;
    return;
  }
  if (other.min.size() != min.size())
    throw Error("channel ranges: cannot merge " + std::to_string(min.size()) + " and " +
                std::to_string(other.min.size()) + " channels");
  for (size_t c = 0; c < min.size(); ++c) {
    min[c] = std::min(min[c], other.min[c]);
    max[c] = std::max(max[c], other.max[c]);
  }
}

void ChannelRanges::update(const float* data, int64_t outer, int64_t channels, int64_t inner) {
  if (min.empty()) {
    min.assign(static_cast<size_t>(channels), 0.0f);  // ranges include 0, as activation ranges do
    max.assign(static_cast<size_t>(channels), 0.0f);
  }
  if (static_cast<int64_t>(min.size()) != channels)
    throw Error("channel ranges: a sample has " + std::to_string(channels) + " channels, earlier ones " +
                std::to_string(min.size()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float* p = data + (o * channels + c) * inner;
      float lo = min[static_cast<size_t>(c)], hi = max[static_cast<size_t>(c)];
      for (int64_t i = 0; i < inner; ++i) {
        lo = std::min(lo, p[i]);  // NaN compares false: calibration reports it elsewhere
        hi = std::max(hi, p[i]);
      }
      min[static_cast<size_t>(c)] = lo;
      max[static_cast<size_t>(c)] = hi;
    }
}

std::vector<EqualizationPair> equalization_pairs(const ir::Graph& g) {
  std::vector<EqualizationPair> pairs;
  for (const ir::Node* b : g.nodes()) {
    if (!is_plain_conv(b) || b->num_inputs() < 2) continue;
    const ir::Value* bw = own_constant(g, b->input(1), b);
    if (!bw || bw->initializer().rank() != 4 || bw->initializer().dim(1) != 1) continue;
    const int64_t channels = bw->initializer().dim(0);
    if (b->attr_int("group", 1) != channels) continue;  // depthwise: one input channel per output channel
    const ir::Value* t = b->input(0);
    const ir::Node* relu = t->producer() && t->producer()->domain().empty() && t->producer()->op_type() == "Relu"
                               ? t->producer()
                               : nullptr;
    const ir::Node* a = relu ? relu->input(0)->producer() : t->producer();
    if (!is_plain_conv(a) || !sole_use(g, t, b) || (relu && !sole_use(g, relu->input(0), relu))) continue;
    const ir::Value* aw = own_constant(g, a->input(1), a);
    if (!aw || aw->initializer().rank() < 3 || aw->initializer().dim(0) != channels) continue;
    if (a->input(2) && !own_constant(g, a->input(2), a)) continue;
    pairs.push_back({a->name(), relu ? relu->name() : "", b->name(), t->name()});
  }
  return pairs;
}

std::map<std::string, Range> equalize_channels(ir::Graph& g, const std::vector<EqualizationPair>& pairs,
                                               const std::map<std::string, ChannelRanges>& ranges) {
  std::map<std::string, Range> out;
  for (const EqualizationPair& p : pairs) {
    auto it = ranges.find(p.tensor);
    ir::Node* a = g.find_node(p.producer);
    ir::Node* b = g.find_node(p.consumer);
    if (it == ranges.end() || !a || !b) continue;
    const ChannelRanges& r = it->second;
    Tensor aw = a->input(1)->initializer().clone();
    Tensor bw = b->input(1)->initializer().clone();
    const int64_t channels = bw.dim(0);
    if (static_cast<int64_t>(r.min.size()) != channels) continue;
    float widest = 0;
    for (int64_t c = 0; c < channels; ++c)
      widest = std::max({widest, std::fabs(r.min[static_cast<size_t>(c)]), std::fabs(r.max[static_cast<size_t>(c)])});
    if (!(widest > 0) || !std::isfinite(widest)) continue;
    // Channel c of the tensor is multiplied by 1/s_c (A's row c and bias), B's channel c
    // weights by s_c; s_c = range_c / widest, so every channel then spans about `widest`.
    std::vector<float> s(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      const float range_c = std::max(std::fabs(r.min[static_cast<size_t>(c)]), std::fabs(r.max[static_cast<size_t>(c)]));
      s[static_cast<size_t>(c)] = std::max(range_c / widest, 1.0f / kMaxScaleUp);
    }
    const int64_t a_row = aw.numel() / channels, b_row = bw.numel() / channels;
    Range equalized{0.0f, 0.0f};
    for (int64_t c = 0; c < channels; ++c) {
      const float sc = s[static_cast<size_t>(c)];
      for (int64_t i = 0; i < a_row; ++i) aw.data<float>()[c * a_row + i] /= sc;
      for (int64_t i = 0; i < b_row; ++i) bw.data<float>()[c * b_row + i] *= sc;
      equalized.lo = std::min(equalized.lo, r.min[static_cast<size_t>(c)] / sc);
      equalized.hi = std::max(equalized.hi, r.max[static_cast<size_t>(c)] / sc);
    }
    g.set_initializer(a->input(1), std::move(aw));
    g.set_initializer(b->input(1), std::move(bw));
    if (ir::Value* bias = a->input(2)) {
      Tensor ab = bias->initializer().clone();
      for (int64_t c = 0; c < channels && c < ab.numel(); ++c) ab.data<float>()[c] /= s[static_cast<size_t>(c)];
      g.set_initializer(bias, std::move(ab));
    }
    out[p.tensor] = equalized;
  }
  return out;
}

}  // namespace qtune::quant
