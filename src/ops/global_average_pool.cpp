// ONNX GlobalAveragePool: the mean of each (image, channel) plane, kept as [N, C, 1, ...].
#include <limits>

#include "ops/nn_window.h"
#include "ops/type_dispatch.h"
#include "util/parallel_for.h"

namespace qtune::ops {
namespace {

class GlobalAveragePoolKernel final : public Kernel {
 public:
  explicit GlobalAveragePoolKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    out[0] = ctx.allocate(0, x.dtype(), infer_global_pool(node_, infos)[0].shape.sizes());
    const int64_t planes = x.dim(0) * x.dim(1), size = planes ? x.numel() / planes : 0;
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* py = out[0].data<T>();
      util::parallel_for(planes, ctx.threads, true, [&](int64_t p) {
        double sum = 0;  // double accumulation: planes can be large
        for (int64_t i = 0; i < size; ++i) sum += px[p * size + i];
        py[p] = static_cast<T>(size ? sum / static_cast<double>(size) : std::numeric_limits<double>::quiet_NaN());
      });
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_global_average_pool_kernel(const ir::Node& node) {
  return std::make_unique<GlobalAveragePoolKernel>(node);
}

}  // namespace

const OpSpec& global_average_pool_op() {
  static const OpSpec spec{"", "GlobalAveragePool", infer_global_pool, make_global_average_pool_kernel};
  return spec;
}

}  // namespace qtune::ops
