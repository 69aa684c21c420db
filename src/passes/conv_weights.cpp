#include "passes/conv_weights.h"

#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool is_transposed(const ir::Node* node) {
  return node->op_type() == "ConvTranspose" || node->op_type() == "FusedConvTranspose";
}

}  // namespace

bool is_linear_conv(const ir::Node* node) {
  const bool plain = is_onnx_op(node, "Conv") || is_onnx_op(node, "ConvTranspose");
  const bool fused = is_qtune_op(node, "FusedConv") || is_qtune_op(node, "FusedConvTranspose");
  if (!plain && !(fused && !has_activation(node) && !node->input(3))) return false;
  const Tensor* w = constant_of(node->input(1));
  if (!w || w->dtype() != DataType::Float32 || w->rank() < 3 || node->num_outputs() != 1) return false;
  const int64_t group = node->attr_int("group", 1);
  if (group < 1 || w->dim(0) % group != 0) return false;  // the op itself would reject it
  if (node->input(2)) {
    const Tensor* b = constant_of(node->input(2));
    if (!b || b->dtype() != DataType::Float32 || b->numel() != conv_output_channels(node)) return false;
  }
  return true;
}

int64_t conv_output_channels(const ir::Node* node) {
  const Tensor& w = node->input(1)->initializer();
  // ConvTranspose's W is [C_in, M / group, k...]; Conv's is [M, C_in / group, k...].
  return is_transposed(node) ? w.dim(1) * node->attr_int("group", 1) : w.dim(0);
}

int conv_output_rank(const ir::Node* node) { return node->input(1)->initializer().rank(); }

std::optional<std::vector<double>> per_channel_values(const Tensor& c, int out_rank, int64_t channels) {
  if (c.dtype() != DataType::Float32 || out_rank < 2 || c.rank() > out_rank) return std::nullopt;
  // Aligned to the output's trailing axes, every axis but 1 must have size 1.
  const int channel_axis = 1 - (out_rank - c.rank());
  for (int i = 0; i < c.rank(); ++i)
    if (i != channel_axis && c.dim(i) != 1) return std::nullopt;
  const int64_t n = c.numel();
  if (n != 1 && n != channels) return std::nullopt;
  std::vector<double> v(static_cast<size_t>(channels));
  for (int64_t m = 0; m < channels; ++m) v[static_cast<size_t>(m)] = c.data<float>()[n == 1 ? 0 : m];
  return v;
}

void rescale_conv_channels(ir::Graph& graph, ir::Node* conv, const std::vector<double>& scale,
                           const std::vector<double>& shift) {
  const Tensor& w = conv->input(1)->initializer();
  const int64_t channels = conv_output_channels(conv);
  const int64_t group = conv->attr_int("group", 1);
  Tensor new_w = w.clone();
  float* pw = new_w.data<float>();
  const int64_t rows = w.dim(0), cols = w.dim(1), inner = w.numel() / (rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      // Conv: row r is output channel r. ConvTranspose: row r is an input channel of
      // group r / (rows / group), and column c is output channel c of that group.
      const int64_t m = is_transposed(conv) ? r / (rows / group) * cols + c : r;
      const double s = scale[static_cast<size_t>(m)];
      float* p = pw + (r * cols + c) * inner;
      for (int64_t i = 0; i < inner; ++i) p[i] = static_cast<float>(p[i] * s);
    }
  Tensor new_b(DataType::Float32, {channels});
  const Tensor* b = conv->input(2) ? &conv->input(2)->initializer() : nullptr;
  for (int64_t m = 0; m < channels; ++m) {
    const double old = b ? b->data<float>()[m] : 0.0;
    new_b.data<float>()[m] = static_cast<float>(old * scale[static_cast<size_t>(m)] + shift[static_cast<size_t>(m)]);
  }
  const std::string base = conv->name().empty() ? conv->op_type() : conv->name();
  set_constant_input(graph, conv, 1, std::move(new_w), base + "_W");
  set_constant_input(graph, conv, 2, std::move(new_b), base + "_B");
}

}  // namespace qtune::passes
