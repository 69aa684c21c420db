#include "passes/fold_conv_mul.h"

#include "passes/conv_weights.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool try_fold(ir::Graph& graph, ir::Node* mul) {
  if (!is_onnx_op(mul, "Mul") || mul->num_inputs() != 2 || mul->num_outputs() != 1) return false;
  for (int side = 0; side < 2; ++side) {
    ir::Value* y = mul->input(side);
    const Tensor* s = constant_of(mul->input(1 - side));
    ir::Node* conv = y ? y->producer() : nullptr;
    if (!s || !conv || !is_linear_conv(conv) || sole_reader(graph, y) != mul) continue;
    const int64_t channels = conv_output_channels(conv);
    std::optional<std::vector<double>> scale = per_channel_values(*s, conv_output_rank(conv), channels);
    if (!scale) continue;
    rescale_conv_channels(graph, conv, *scale, std::vector<double>(static_cast<size_t>(channels), 0.0));
    ir::Value* out = mul->output(0);
    graph.remove_node(mul);
    graph.set_node_output(conv, 0, out);
    return true;
  }
  return false;
}

}  // namespace

size_t fold_conv_mul(ir::Graph& graph) { return rewrite_until_done(graph, try_fold); }

}  // namespace qtune::passes
