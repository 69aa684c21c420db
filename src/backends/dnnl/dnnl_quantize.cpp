// Per-tensor QuantizeLinear and DequantizeLinear, fast: dequantize is a oneDNN reorder
// (u8/s8 -> f32 with output scale `scale` and a source zero point, exactly (q - zp) * s);
// quantize runs the vectorized loops of ops/q_loops.h on all threads (a reorder would
// multiply by 1 / scale, which differs from ONNX's division on ties). Per-axis parameters
// and other types run the reference kernel.
#include <algorithm>
#include <cstring>
#include <map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "ops/q_loops.h"
#include "util/parallel_for.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;

class DnnlQuantizeKernel final : public ops::Kernel {
 public:
  DnnlQuantizeKernel(const ir::Node& node, bool quantize) : node_(node), quantize_(quantize), fallback_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    const Tensor& x = in[0];
    const Tensor& scale = in[1];
    const bool has_zp = in.size() > 2 && in[2].defined();
    const DataType q_type = has_zp ? in[2].dtype() : DataType::UInt8;
    const DataType in_type = quantize_ ? DataType::Float32 : q_type;
    if (x.dtype() != in_type || scale.numel() != 1 || (has_zp && in[2].numel() != 1) ||
        (q_type != DataType::UInt8 && q_type != DataType::Int8) || x.numel() == 0)
      return fallback_.run(in, out, ctx);
    const float s = scale.data<float>()[0];
    const int32_t zp = !has_zp ? 0 : q_type == DataType::UInt8 ? in[2].data<uint8_t>()[0] : in[2].data<int8_t>()[0];
    if (!(s > 0)) return fallback_.run(in, out, ctx);
    const DataType out_type = quantize_ ? q_type : DataType::Float32;
    out[0] = ctx.allocate(0, out_type, x.dims());
    if (quantize_) return quantize(x, s, zp, out[0], ctx.threads);
    Key key{x.numel(), s, zp, q_type};
    auto it = prims_.find(key);
    if (it == prims_.end()) it = prims_.emplace(key, build(key)).first;
    const memory::desc src_md({x.numel()}, dnnl_type(x.dtype()), memory::format_tag::a);
    const memory::desc dst_md({x.numel()}, dnnl_type(out_type), memory::format_tag::a);
    dnnl::stream& stream = cpu_stream();
    memory src(src_md, cpu_engine(), const_cast<void*>(x.raw()));
    memory dst(dst_md, cpu_engine(), out[0].raw());
    it->second.execute(stream, src, dst);
    stream.wait();
  }

 private:
  static void quantize(const Tensor& x, float scale, int32_t zero_point, Tensor& y, int threads) {
    const int64_t n = x.numel();
    const int64_t chunk = 1 << 16;
    const int64_t chunks = (n + chunk - 1) / chunk;
    util::parallel_for(chunks, threads, chunks > 1, [&](int64_t c) {
      const int64_t start = c * chunk, count = std::min(chunk, n - start);
      if (y.dtype() == DataType::UInt8)
        ops::quantize_f32(x.data<float>() + start, y.data<uint8_t>() + start, count, scale,
                             static_cast<float>(zero_point));
      else
        ops::quantize_f32(x.data<float>() + start, y.data<int8_t>() + start, count, scale,
                             static_cast<float>(zero_point));
    });
  }

  struct Key {
    int64_t n;
    float scale;
    int32_t zero_point;
    DataType type;
    bool operator<(const Key& o) const {
      return std::tie(n, scale, zero_point, type) < std::tie(o.n, o.scale, o.zero_point, o.type);
    }
  };

  dnnl::reorder build(const Key& k) const {
    const memory::desc f32({k.n}, memory::data_type::f32, memory::format_tag::a);
    const memory::desc q({k.n}, dnnl_type(k.type), memory::format_tag::a);
    dnnl::primitive_attr attr;
    attr.set_output_scales(0, {k.scale});
    if (k.zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {k.zero_point});
    return dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), q, cpu_engine(), f32, attr));
  }

  const ir::Node& node_;
  bool quantize_;
  RefFallback fallback_;
  std::map<Key, dnnl::reorder> prims_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_quantize(const ir::Node& node, bool quantize) {
  return std::make_unique<DnnlQuantizeKernel>(node, quantize);
}

}  // namespace qtune::backends::dnnl_backend
