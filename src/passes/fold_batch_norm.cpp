#include "passes/fold_batch_norm.h"

#include <cmath>

#include "passes/conv_weights.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

// BN as y = x * scale[c] + shift[c].
struct ChannelAffine {
  std::vector<double> scale, shift;
};

std::optional<ChannelAffine> constant_affine(const ir::Node* bn, int64_t channels) {
  if (bn->num_inputs() != 5 || bn->attr_int("training_mode", 0) != 0 || bn->attr_int("spatial", 1) == 0 ||
      bn->attr_int("is_test", 1) == 0)
    return std::nullopt;
  for (int i = 1; i < bn->num_outputs(); ++i)
    if (bn->output(i)) return std::nullopt;  // training statistics
  const Tensor* p[4];
  for (int i = 0; i < 4; ++i) {
    p[i] = constant_of(bn->input(i + 1));
    if (!p[i] || p[i]->dtype() != DataType::Float32 || p[i]->numel() != channels) return std::nullopt;
  }
  const double eps = bn->attr_float("epsilon", 1e-5f);
  ChannelAffine a;
  for (int64_t c = 0; c < channels; ++c) {
    const double var = p[3]->data<float>()[c];
    if (!(var + eps > 0)) return std::nullopt;
    const double s = p[0]->data<float>()[c] / std::sqrt(var + eps);
    a.scale.push_back(s);
    a.shift.push_back(p[1]->data<float>()[c] - p[2]->data<float>()[c] * s);
  }
  return a;
}

// Y = alpha * A' * B' + beta * C, then BN over Y's columns: scale B' along N and make
// C' = scale * C + shift / beta (or C' = shift with beta = 1 when there is no C).
bool fold_into_gemm(ir::Graph& graph, ir::Node* gemm, ir::Node* bn) {
  if (!(is_onnx_op(gemm, "Gemm") || (is_qtune_op(gemm, "FusedGemm") && !has_activation(gemm)))) return false;
  const Tensor* b = constant_of(gemm->input(1));
  if (!b || b->dtype() != DataType::Float32 || b->rank() != 2) return false;
  const bool trans_b = gemm->attr_int("transB", 0) != 0;
  const int64_t n = trans_b ? b->dim(0) : b->dim(1), k = trans_b ? b->dim(1) : b->dim(0);
  const float beta = gemm->attr_float("beta", 1.0f);
  const Tensor* c = gemm->input(2) && beta != 0.0f ? constant_of(gemm->input(2)) : nullptr;
  if (gemm->input(2) && beta != 0.0f && !c) return false;
  if (c && (c->dtype() != DataType::Float32 || c->rank() > 2 || (c->rank() > 0 && c->dim(-1) != 1 && c->dim(-1) != n)))
    return false;
  std::optional<ChannelAffine> a = constant_affine(bn, n);
  if (!a) return false;

  Tensor new_b = b->clone();
  float* pb = new_b.data<float>();
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float& w = trans_b ? pb[j * k + i] : pb[i * n + j];
      w = static_cast<float>(w * a->scale[static_cast<size_t>(j)]);
    }
  const int64_t rows = c && c->rank() == 2 ? c->dim(0) : 1;
  const int64_t c_cols = c && c->rank() > 0 ? c->dim(-1) : 1;
  Tensor new_c(DataType::Float32, c && c->rank() == 2 ? std::vector<int64_t>{rows, n} : std::vector<int64_t>{n});
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const size_t js = static_cast<size_t>(j);
      const double old = c ? c->data<float>()[i * c_cols + (c_cols == 1 ? 0 : j)] : 0.0;
      const double value = c ? a->scale[js] * old + a->shift[js] / beta : a->shift[js];
      new_c.data<float>()[i * n + j] = static_cast<float>(value);
    }
  const std::string base = gemm->name().empty() ? "Gemm" : gemm->name();
  set_constant_input(graph, gemm, 1, std::move(new_b), base + "_B");
  set_constant_input(graph, gemm, 2, std::move(new_c), base + "_C");
  if (!c) gemm->set_attr(ir::Attribute::make_float("beta", 1.0f));
  return true;
}

bool try_fold(ir::Graph& graph, ir::Node* bn) {
  if (!is_onnx_op(bn, "BatchNormalization") || !bn->input(0) || !bn->output(0)) return false;
  ir::Value* y = bn->input(0);
  ir::Node* producer = y->producer();
  if (!producer || sole_reader(graph, y) != bn || producer->num_outputs() != 1) return false;
  if (is_linear_conv(producer)) {
    std::optional<ChannelAffine> a = constant_affine(bn, conv_output_channels(producer));
    if (!a) return false;
    rescale_conv_channels(graph, producer, a->scale, a->shift);
  } else if (!fold_into_gemm(graph, producer, bn)) {
    return false;
  }
  // The compute node now yields the BN's output value (its name may be a graph output).
  ir::Value* out = bn->output(0);
  graph.remove_node(bn);
  graph.set_node_output(producer, 0, out);
  return true;
}

}  // namespace

size_t fold_batch_norm(ir::Graph& graph) { return rewrite_until_done(graph, try_fold); }

}  // namespace qtune::passes
