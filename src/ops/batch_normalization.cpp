// ONNX BatchNormalization in inference mode (opsets 7-15):
// Y = (X - mean) / sqrt(var + epsilon) * scale + B, per channel (axis 1). Opset 7-8's
// spatial=0 form (parameters of shape [C, D1, ...], one per activation) is accepted.
// Training mode (training_mode=1, or the running/saved statistics outputs) is rejected.
#include <cmath>

#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

const char* const kParamNames[4] = {"scale", "B", "input_mean", "input_var"};

void check_inference_mode(const ir::Node& node) {
  if (node.attr_int("training_mode", 0) != 0)
    fail(node, "training_mode=1 is not supported: qtune runs BatchNormalization in inference mode only");
  if (node.has_attr("is_test") && node.attr_int("is_test", 1) == 0)  // opset <= 6
    fail(node, "is_test=0 (training) is not supported: qtune runs BatchNormalization in inference mode only");
  for (int i = 1; i < node.num_outputs(); ++i)
    if (node.output(i))
      fail(node, "output #" + std::to_string(i) + " ('" + node.output(i)->name() +
                     "') is a training statistic; qtune runs BatchNormalization in inference mode only");
}

std::vector<TensorInfo> infer_batch_normalization(const ir::Node& node, std::span<const TensorInfo> inputs) {
  check_inference_mode(node);
  expect_input_count(node, inputs, 5, 5);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64});
  for (int i = 1; i < 5; ++i) expect_type(node, inputs, i, {DataType::Float32, DataType::Float64});
  const ir::Shape& x = inputs[0].shape;
  if (x.has_rank() && x.rank() < 2) fail(node, "input X has shape " + x.to_string() + ", expected rank >= 2 (N, C, ...)");
  if (x.has_rank() && (*x.dims)[1].is_known()) {
    const int64_t c = (*x.dims)[1].value;
    for (int i = 1; i < 5; ++i) {
      const ir::Shape& p = inputs[static_cast<size_t>(i)].shape;
      if (p.has_rank() && p.rank() >= 1 && (*p.dims)[0].is_known() && (*p.dims)[0].value != c)
        fail(node, std::string(kParamNames[i - 1]) + " has shape " + p.to_string() + ", expected [" + std::to_string(c) + "]");
    }
  }
  return single_output(inputs[0].dtype, x);
}

class BatchNormalizationKernel final : public Kernel {
 public:
  explicit BatchNormalizationKernel(const ir::Node& node)
      : node_(node), epsilon_(node.attr_float("epsilon", 1e-5f)), spatial_(node.attr_int("spatial", 1) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (size_t i = 0; i < in.size(); ++i) infos.push_back(in[i].defined() ? TensorInfo::of(in[i]) : TensorInfo::absent());
    infer_batch_normalization(node_, infos);
    const Tensor& x = in[0];
    const int64_t N = x.dim(0), C = x.dim(1), inner = C ? x.numel() / std::max<int64_t>(N * C, 1) : 0;
    // Parameters are per channel, or per activation ([C, D1, ...], opset 7-8 spatial=0).
    const int64_t count = in[1].numel();
    const bool per_activation = count != C && count == C * inner && !spatial_;
    if (count != C && !per_activation)
      fail(node_, "scale has " + std::to_string(count) + " elements, expected " + std::to_string(C) +
                      (spatial_ ? "" : " or " + std::to_string(C * inner) + " (spatial=0)"));
    std::vector<double> a(static_cast<size_t>(count)), b(static_cast<size_t>(count));
    for (int i = 2; i < 5; ++i)
      if (in[static_cast<size_t>(i)].numel() != count)
        fail(node_, std::string(kParamNames[i - 1]) + " has " + std::to_string(in[static_cast<size_t>(i)].numel()) +
                        " elements, expected " + std::to_string(count) + " like scale");
    for (int64_t c = 0; c < count; ++c) {
      const double var = in[4].value_as_double(c);
      if (var + epsilon_ < 0) fail(node_, "input_var[" + std::to_string(c) + "] + epsilon is negative");
      a[static_cast<size_t>(c)] = in[1].value_as_double(c) / std::sqrt(var + static_cast<double>(epsilon_));
      b[static_cast<size_t>(c)] = in[2].value_as_double(c) - in[3].value_as_double(c) * a[static_cast<size_t>(c)];
    }
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* py = out[0].data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t nc = 0; nc < N * C; ++nc) {
        const int64_t c = nc % C;
        for (int64_t i = 0; i < inner; ++i) {
          const size_t p = static_cast<size_t>(per_activation ? c * inner + i : c);
          py[nc * inner + i] = static_cast<T>(px[nc * inner + i] * a[p] + b[p]);
        }
      }
    });
  }

 private:
  const ir::Node& node_;
  float epsilon_;
  bool spatial_;
};

std::unique_ptr<Kernel> make_batch_normalization_kernel(const ir::Node& node) {
  return std::make_unique<BatchNormalizationKernel>(node);
}

}  // namespace

const OpSpec& batch_normalization_op() {
  static const OpSpec spec{"", "BatchNormalization", infer_batch_normalization, make_batch_normalization_kernel};
  return spec;
}

}  // namespace qtune::ops
