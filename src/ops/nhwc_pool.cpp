// com.qtune NhwcPool: MaxPool, AveragePool or GlobalAveragePool (attribute `pool`) on channels-last 4-D
// activations, X [N, H, W, C] -> Y [N, OH, OW, C], with that op's own attributes. The
// channels-last pass uses it so pooling between convolutions needs no layout round trip.
// The reference kernel transposes to NCHW, runs the ONNX op's reference kernel, and back.
#include "ops/data_movement.h"
#include "ops/nhwc_layout.h"
#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

const OpSpec& pooled_op(const ir::Node& node) {
  const std::string pool = node.attr_string("pool", "");
  if (pool != "MaxPool" && pool != "AveragePool" && pool != "GlobalAveragePool")
    fail(node, "attribute 'pool' is '" + pool + "', expected MaxPool, AveragePool or GlobalAveragePool");
  return *find_op("", pool);
}

std::vector<TensorInfo> infer_nhwc_pool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  if (node.num_outputs() != 1) fail(node, "has " + std::to_string(node.num_outputs()) + " outputs, expected 1");
  if (inputs[0].shape.has_rank() && inputs[0].shape.rank() != 4)
    fail(node, "X has shape " + inputs[0].shape.to_string() + ", expected rank 4 [N, H, W, C]");
  std::vector<TensorInfo> nchw = {inputs[0]};
  nchw[0].shape = permuted_shape(inputs[0].shape, kNhwcToNchw);
  nchw[0].value.reset();
  std::vector<TensorInfo> out = pooled_op(node).infer(node, nchw);
  out.resize(1);
  out[0].shape = permuted_shape(out[0].shape, kNchwToNhwc);
  return out;
}

class NhwcPoolKernel final : public Kernel {
 public:
  explicit NhwcPoolKernel(const ir::Node& node) : node_(node), pool_(pooled_op(node).make_ref_kernel(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].rank() != 4) fail(node_, "X is " + in[0].describe() + ", expected rank 4 [N, H, W, C]");
    KernelContext scratch;  // the NCHW copies are not outputs of the node
    scratch.threads = ctx.threads;
    std::vector<Tensor> nchw_in = {transpose_tensor(node_, in[0], kNhwcToNchw, 0, scratch)};
    std::vector<Tensor> nchw_out(1);
    pool_->run(nchw_in, nchw_out, scratch);
    out[0] = transpose_tensor(node_, nchw_out[0], kNchwToNhwc, 0, ctx);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> pool_;
};

std::unique_ptr<Kernel> make_nhwc_pool_kernel(const ir::Node& node) { return std::make_unique<NhwcPoolKernel>(node); }

}  // namespace

const OpSpec& nhwc_pool_op() {
  static const OpSpec spec{"com.qtune", "NhwcPool", infer_nhwc_pool, make_nhwc_pool_kernel};
  return spec;
}

}  // namespace qtune::ops
