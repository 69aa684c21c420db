// QGlobalAveragePool in NHWC (the layout the oneDNN backend gives it between
// convolutions), uint8 and int8, against the definition: the channel mean of the
// dequantized values, quantized with the output's parameters.
#include <gtest/gtest.h>

#include <cmath>

#include "../backends/q_kernel_test_util.h"

namespace qtune {
namespace {

TEST(QGlobalAveragePool, ChannelsLastMeansMatchTheDefinition) {
  for (DataType type : {DataType::UInt8, DataType::Int8}) {
    SCOPED_TRACE(dtype_name(type));
    const ops::ActivationQuant x{type, 0.031f, type == DataType::UInt8 ? 120 : -5};
    const ops::ActivationQuant y{type, 0.0093f, type == DataType::UInt8 ? 131 : 4};
    const Tensor in = qtest::activation(x, {2, 5, 7, 24}, 3);
    ir::Graph g;
    ir::Node* node = qtest::make_node(g, "QGlobalAveragePool", {in}, {});
    node->set_attr(ir::Attribute::make_int("channels_last", 1));
    for (auto& a : ops::activation_quant_attributes("x", x)) node->set_attr(a);
    for (auto& a : ops::activation_quant_attributes("y", y)) node->set_attr(a);
    const std::vector<Tensor> inputs = {in};
    const std::vector<Tensor> got = ops::run_reference(*node, inputs);
    ASSERT_EQ(got[0].dims(), (std::vector<int64_t>{2, 1, 1, 24}));
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < 24; ++c) {
        double sum = 0;
        for (int64_t p = 0; p < 35; ++p) sum += (in.value_as_double((n * 35 + p) * 24 + c) - x.zero_point) * x.scale;
        const double want = std::nearbyint(sum / 35 / y.scale) + y.zero_point;
        EXPECT_NEAR(got[0].value_as_double(n * 24 + c), want, 1.0) << "image " << n << " channel " << c;
      }
  }
}

}  // namespace
}  // namespace qtune
