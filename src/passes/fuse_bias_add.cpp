#include "passes/fuse_bias_add.h"

#include "ops/fused_op_util.h"
#include "passes/conv_weights.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

// The length of a MatMul's last output axis, -1 when unknown.
int64_t last_axis_length(const ir::Node* mat_mul, const ir::Value* y) {
  if (y->shape.has_rank() && y->shape.rank() > 0 && y->shape.dims->back().is_known())
    return y->shape.dims->back().value;
  const ir::Shape& b = mat_mul->input(1)->shape;
  if (b.has_rank() && b.rank() >= 2 && b.dims->back().is_known()) return b.dims->back().value;
  return -1;
}

// c as a 1-D bias of length n when, added to an output of rank `rank`, it varies only
// along the last axis.
std::optional<Tensor> last_axis_bias(const Tensor& c, int rank, int64_t n) {
  if (c.dtype() != DataType::Float32 || n < 0 || c.rank() > rank) return std::nullopt;
  if (c.numel() == 1) {
    Tensor bias(DataType::Float32, {n});
    std::fill_n(bias.data<float>(), n, c.data<float>()[0]);
    return bias;
  }
  if (c.rank() == 0 || c.dim(-1) != n || c.numel() != n) return std::nullopt;
  return c.clone().reshaped({n});
}

bool fuse_into_mat_mul(ir::Graph& graph, ir::Node* mat_mul, ir::Node* add, ir::Value* bias_value) {
  const bool fused = is_qtune_op(mat_mul, "FusedMatMul") && !has_activation(mat_mul) && !mat_mul->input(2);
  if (!is_onnx_op(mat_mul, "MatMul") && !fused) return false;
  const ir::Value* y = mat_mul->output(0);
  if (!is_float32(y) || !y->shape.has_rank() || y->shape.rank() < 1) return false;
  std::optional<Tensor> bias = last_axis_bias(bias_value->initializer(), y->shape.rank(), last_axis_length(mat_mul, y));
  if (!bias) return false;
  ir::Value* bias_input = bias_value;
  if (bias_value->initializer().rank() != 1 || bias_value->initializer().numel() != bias->numel())
    bias_input = graph.add_initializer(graph.unique_name(bias_value->name() + "_1d"), std::move(*bias));
  ir::Node* nodes[] = {mat_mul, add};
  replace_with_node(graph, nodes, add,
                    {"FusedMatMul",
                     std::string(ops::kQtuneDomain),
                     {mat_mul->input(0), mat_mul->input(1), bias_input},
                     mat_mul->attributes(),
                     mat_mul->name()});
  import_qtune_domain(graph);
  return true;
}

bool fuse_into_conv(ir::Graph& graph, ir::Node* conv, ir::Node* add, const Tensor& c) {
  if (!is_linear_conv(conv)) return false;
  const int64_t channels = conv_output_channels(conv);
  std::optional<std::vector<double>> shift = per_channel_values(c, conv_output_rank(conv), channels);
  if (!shift) return false;
  rescale_conv_channels(graph, conv, std::vector<double>(static_cast<size_t>(channels), 1.0), *shift);
  ir::Value* out = add->output(0);
  graph.remove_node(add);
  graph.set_node_output(conv, 0, out);
  return true;
}

template <bool into_mat_mul>
bool try_fuse(ir::Graph& graph, ir::Node* add) {
  if (!is_onnx_op(add, "Add") || add->num_inputs() != 2 || add->num_outputs() != 1) return false;
  for (int side = 0; side < 2; ++side) {
    ir::Value* y = add->input(side);
    ir::Value* c = add->input(1 - side);
    ir::Node* producer = y ? y->producer() : nullptr;
    if (!producer || !constant_of(c) || sole_reader(graph, y) != add) continue;
    if (fuse_into_conv(graph, producer, add, c->initializer())) return true;
    if (into_mat_mul && fuse_into_mat_mul(graph, producer, add, c)) return true;
  }
  return false;
}

}  // namespace

size_t fuse_bias_add(ir::Graph& graph) { return rewrite_until_done(graph, try_fuse<true>); }

size_t fuse_conv_bias_add(ir::Graph& graph) { return rewrite_until_done(graph, try_fuse<false>); }

}  // namespace qtune::passes
