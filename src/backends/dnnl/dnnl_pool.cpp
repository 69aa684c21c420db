// MaxPool, AveragePool and GlobalAveragePool on oneDNN pooling, on plain layouts. MaxPool
// also takes uint8/int8 tensors (the INT8 graph's pass-through pooling: a maximum of
// quantized values is the quantized maximum).
// Cases the primitive does not express exactly use the reference kernel: MaxPool's
// Indices output, dilations, column-major storage_order, and ceil_mode together with
// count_include_pad (ONNX does not count the extra ceil-mode cells as padding).
#include <map>
#include <optional>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "backends/dnnl/int8_max_pool.h"
#include "ops/nn_window.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;

struct PoolPlan {
  dnnl::pooling_forward prim;
  memory::desc src, dst;
  std::vector<int64_t> out_dims;  // as the op's shape rule gives them (NHWC for NhwcPool)
  // 8-bit NHWC max pooling runs the own loop (int8_max_pool.h) instead of the primitive.
  bool own_max = false;
  MaxPoolGeometry max_geometry;
};

class DnnlPoolKernel final : public ops::Kernel {
 public:
  explicit DnnlPoolKernel(const ir::Node& node) : node_(node), fallback_(node) {
    nhwc_ = node.op_type() == "NhwcPool";
    const std::string op = nhwc_ ? node.attr_string("pool", "") : node.op_type();
    global_ = op == "GlobalAveragePool";
    if (op == "MaxPool") {
      algorithm_ = dnnl::algorithm::pooling_max;
    } else {
      algorithm_ = node.attr_int("count_include_pad", 0) ? dnnl::algorithm::pooling_avg_include_padding
                                                          : dnnl::algorithm::pooling_avg_exclude_padding;
    }
    supported_ = node.num_outputs() == 1 || !node.output(1);
    supported_ = supported_ && node.attr_int("storage_order", 0) == 0;
    for (int64_t d : node.attr_ints("dilations", {})) supported_ = supported_ && d == 1;
  }

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    const Tensor& x = in[0];
    const bool integer = x.dtype() == DataType::UInt8 || x.dtype() == DataType::Int8;
    const bool type_ok = x.dtype() == DataType::Float32 || (integer && algorithm_ == dnnl::algorithm::pooling_max);
    if (!supported_ || !type_ok || x.rank() < 3 || (nhwc_ && x.rank() != 4)) return fallback_.run(in, out, ctx);
    std::vector<int64_t> key = x.dims();
    key.push_back(static_cast<int64_t>(x.dtype()));
    auto it = plans_.find(key);
    if (it == plans_.end()) it = plans_.emplace(key, build(x)).first;
    if (!it->second) return fallback_.run(in, out, ctx);
    PoolPlan& plan = *it->second;
    out[0] = ctx.allocate(0, x.dtype(), plan.out_dims);
    if (plan.own_max) {
      const std::vector<int64_t>& d = x.dims();
      int8_max_pool_nhwc(x.raw(), out[0].raw(), d[0], d[1], d[2], d[3], plan.out_dims[1], plan.out_dims[2],
                         plan.max_geometry, x.dtype() == DataType::Int8, ctx.threads);
      return;
    }
    dnnl::stream& stream = cpu_stream();
    dnnl::memory src(plan.src, cpu_engine(), const_cast<void*>(x.raw()));
    dnnl::memory dst(plan.dst, cpu_engine(), out[0].raw());
    plan.prim.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    stream.wait();
  }

 private:
  std::unique_ptr<PoolPlan> build(const Tensor& x) {
    auto plan = std::make_unique<PoolPlan>();
    const Tensor inputs[] = {x};
    plan->out_dims = output_dims(node_, inputs);
    // oneDNN describes activations by their logical NCHW dims; NHWC is a layout tag.
    std::vector<int64_t> x_dims = x.dims(), y_dims = plan->out_dims;
    if (nhwc_) {
      x_dims = {x_dims[0], x_dims[3], x_dims[1], x_dims[2]};
      y_dims = {y_dims[0], y_dims[3], y_dims[1], y_dims[2]};
      plan->src = memory::desc(to_dims(x_dims), dnnl_type(x.dtype()), memory::format_tag::nhwc);
      plan->dst = memory::desc(to_dims(y_dims), dnnl_type(x.dtype()), memory::format_tag::nhwc);
    } else {
      plan->src = memory::desc(to_dims(x_dims), dnnl_type(x.dtype()), plain_tag(static_cast<int>(x_dims.size())));
      plan->dst = memory::desc(to_dims(y_dims), dnnl_type(x.dtype()), plain_tag(static_cast<int>(y_dims.size())));
    }
    const int spatial = x.rank() - 2;
    memory::dims kernel, strides, pad_l, pad_r;
    if (global_) {
      for (int i = 0; i < spatial; ++i) {
        kernel.push_back(x_dims[static_cast<size_t>(2 + i)]);
        strides.push_back(1);
        pad_l.push_back(0);
        pad_r.push_back(0);
      }
    } else {
      ops::WindowAttrs attrs = ops::read_window_attrs(node_, spatial, {});
      if (attrs.ceil_mode && algorithm_ == dnnl::algorithm::pooling_avg_include_padding) return nullptr;
      const bool eight_bit = x.dtype() == DataType::UInt8 || x.dtype() == DataType::Int8;
      if (nhwc_ && eight_bit && algorithm_ == dnnl::algorithm::pooling_max) {
        MaxPoolGeometry& g = plan->max_geometry;
        g.kh = attrs.kernel[0];
        g.kw = attrs.kernel[1];
        g.stride_h = attrs.strides[0];
        g.stride_w = attrs.strides[1];
        g.pad_top = ops::window_axis(node_, attrs, 0, x_dims[2]).pad_begin;
        g.pad_left = ops::window_axis(node_, attrs, 1, x_dims[3]).pad_begin;
        plan->own_max = int8_max_pool_usable(g, x_dims[2], x_dims[3], y_dims[2], y_dims[3]);
        if (plan->own_max) return plan;
      }
      for (int i = 0; i < spatial; ++i) {
        const size_t s = static_cast<size_t>(i);
        ops::AxisWindow a = ops::window_axis(node_, attrs, i, x_dims[static_cast<size_t>(2 + i)]);
        kernel.push_back(attrs.kernel[s]);
        strides.push_back(attrs.strides[s]);
        pad_l.push_back(a.pad_begin);
        // Ceil mode adds output cells past the end: widen the end padding to cover them.
        pad_r.push_back((y_dims[2 + s] - 1) * attrs.strides[s] + attrs.kernel[s] - x_dims[static_cast<size_t>(2 + i)] - a.pad_begin);
      }
    }
    try {
      dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, algorithm_, plan->src, plan->dst, strides,
                                    kernel, pad_l, pad_r);
      plan->prim = dnnl::pooling_forward(dnnl::pooling_forward::primitive_desc(d, cpu_engine()));
    } catch (const dnnl::error&) {
      return nullptr;
    }
    return plan;
  }

  const ir::Node& node_;
  bool global_ = false;
  bool nhwc_ = false;
  bool supported_ = true;
  dnnl::algorithm algorithm_ = dnnl::algorithm::pooling_max;
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<PoolPlan>> plans_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_pool(const ir::Node& node) { return std::make_unique<DnnlPoolKernel>(node); }

}  // namespace qtune::backends::dnnl_backend
