// ONNX GlobalMaxPool: the maximum of each (image, channel) plane, kept as [N, C, 1, ...].
#include <limits>

#include "ops/nn_window.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

class GlobalMaxPoolKernel final : public Kernel {
 public:
  explicit GlobalMaxPoolKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    out[0] = ctx.allocate(0, x.dtype(), infer_global_pool(node_, infos)[0].shape.sizes());
    const int64_t planes = x.dim(0) * x.dim(1), size = planes ? x.numel() / planes : 0;
    if (size == 0 && planes > 0) fail(node_, "input " + x.describe() + " has empty planes, which have no maximum");
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* py = out[0].data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t p = 0; p < planes; ++p) {
        T best = px[p * size];
        for (int64_t i = 1; i < size; ++i) best = std::max(best, px[p * size + i]);
        py[p] = best;
      }
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_global_max_pool_kernel(const ir::Node& node) {
  return std::make_unique<GlobalMaxPoolKernel>(node);
}

}  // namespace

const OpSpec& global_max_pool_op() {
  static const OpSpec spec{"", "GlobalMaxPool", infer_global_pool, make_global_max_pool_kernel};
  return spec;
}

}  // namespace qtune::ops
