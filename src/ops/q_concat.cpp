// com.qtune QConcat: Concat of quantized (or float) inputs into a quantized (or float)
// output. Each input's parameters are the attributes input_types / input_scales /
// input_zero_points (one entry per input; type 1 = float32 ignores the other two), the
// output's are y_*. An input quantized exactly like the output is copied as bytes; the
// others are requantized on the way. The QDQ lowering pass creates it from
// DQ -> Concat -> Q (feature-pyramid merges).
#include <algorithm>
#include <cstring>
#include <vector>

#include "ops/elementwise.h"
#include "ops/q_linear.h"
#include "ops/q_loops.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<ActivationQuant> input_params(const ir::Node& node) {
  const std::vector<int64_t> types = node.attr_ints("input_types", {});
  const std::vector<float> scales = node.attr_floats("input_scales", {});
  const std::vector<int64_t> zps = node.attr_ints("input_zero_points", {});
  if (types.size() != static_cast<size_t>(node.num_inputs()) || scales.size() != types.size() || zps.size() != types.size())
    fail(node, "input_types, input_scales and input_zero_points need one entry per input");
  std::vector<ActivationQuant> out;
  for (size_t i = 0; i < types.size(); ++i) {
    const auto type = static_cast<DataType>(types[i]);
    if (type != DataType::UInt8 && type != DataType::Int8 && type != DataType::Float32)
      fail(node, "input_types[" + std::to_string(i) + "] must be uint8, int8 or float32");
    if (type != DataType::Float32 && !(scales[i] > 0)) fail(node, "input_scales[" + std::to_string(i) + "] must be positive");
    out.push_back({type, scales[i], static_cast<int32_t>(zps[i])});
  }
  return out;
}

std::vector<TensorInfo> infer_q_concat(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, -1);
  const std::vector<ActivationQuant> params = input_params(node);
  std::vector<TensorInfo> as_float;
  for (size_t i = 0; i < inputs.size(); ++i) {
    expect_type(node, inputs, static_cast<int>(i), {params[i].type});
    as_float.push_back(TensorInfo::typed(DataType::Float32, inputs[i].shape));
  }
  std::vector<TensorInfo> out = find_op("", "Concat")->infer(node, as_float);
  out[0].dtype = read_activation_quant(node, "y").type;
  out[0].value.reset();
  return out;
}

class QConcatKernel final : public Kernel {
  // uint8 (or int8) rows of `row` elements into the output's rows (out_row apart),
  // requantized from `from` to y_. Rows are short (channels of one pixel): each block of
  // them is requantized as one contiguous run, which vectorizes, into a scratch buffer, then
  // copied into place.
  template <class T>
  void requantize_rows(const T* src, int64_t row, T* dst, int64_t out_row, int64_t outer, const ActivationQuant& from,
                       int threads) const {
    const RequantLoop p{static_cast<float>(from.zero_point), from.scale / y_.scale, static_cast<float>(y_.zero_point)};
    const int64_t block = std::max<int64_t>(1, 16384 / std::max<int64_t>(row, 1));
    const int64_t blocks = (outer + block - 1) / block;
#pragma omp parallel num_threads(threads) if (blocks > 1 && outer * row > 65536)
    {
      std::vector<T> scratch(static_cast<size_t>(block * row));
#pragma omp for schedule(static)
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t start = b * block, rows = std::min(block, outer - start);
        requantize_q(src + start * row, scratch.data(), rows * row, p);
        for (int64_t r = 0; r < rows; ++r)
          std::memcpy(dst + (start + r) * out_row, scratch.data() + r * row, static_cast<size_t>(row) * sizeof(T));
      }
    }
  }

  // Elements [start, start + count) of x, requantized from `from` to y_, into dst (mixed
  // or float types; same-type 8-bit inputs take requantize_rows).
  void requantize_row(const Tensor& x, int64_t start, int64_t count, const ActivationQuant& from,
                      unsigned char* dst) const {
    dispatch_activation(node_, x.dtype(), [&]<class X>() {
      dispatch_activation(node_, y_.type, [&]<class Y>() {
        const ValueLoad<X> load{from.scale, static_cast<float>(from.zero_point)};
        const ValueStore<Y> store{y_.scale, static_cast<float>(y_.zero_point)};
        const X* s = x.data<X>() + start;
        Y* d = reinterpret_cast<Y*>(dst);
        for (int64_t k = 0; k < count; ++k) d[k] = store(load(s[k]));
      });
    });
  }

 public:
  explicit QConcatKernel(const ir::Node& node)
      : node_(node), inputs_(input_params(node)), y_(read_activation_quant(node, "y")) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const int rank = in[0].rank();
    const int axis = normalize_axis(node_, node_.attr_int("axis", 0), rank);
    std::vector<int64_t> dims = in[0].dims();
    dims[static_cast<size_t>(axis)] = 0;
    for (const Tensor& t : in) dims[static_cast<size_t>(axis)] += t.dim(axis);
    out[0] = ctx.allocate(0, y_.type, dims);
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
    const int64_t out_row = out[0].numel() / std::max<int64_t>(outer, 1);
    const size_t y_size = dtype_size(y_.type);
    int64_t offset = 0;  // elements into each output row
    for (size_t i = 0; i < in.size(); ++i) {
      const int64_t row = in[i].numel() / std::max<int64_t>(outer, 1);
      const bool same = inputs_[i] == y_ || (inputs_[i].type == DataType::Float32 && !y_.quantized());
      auto* dst = static_cast<unsigned char*>(out[0].raw()) + static_cast<size_t>(offset) * y_size;
      const auto* src = static_cast<const unsigned char*>(in[i].raw());
      if (!same && in[i].dtype() == DataType::UInt8 && y_.type == DataType::UInt8) {
        requantize_rows(in[i].data<uint8_t>(), row, out[0].data<uint8_t>() + offset, out_row, outer, inputs_[i],
                        ctx.threads);
      } else if (!same && in[i].dtype() == DataType::Int8 && y_.type == DataType::Int8) {
        requantize_rows(in[i].data<int8_t>(), row, out[0].data<int8_t>() + offset, out_row, outer, inputs_[i],
                        ctx.threads);
      } else {
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (outer > 1 && in[i].numel() > 65536)
        for (int64_t o = 0; o < outer; ++o) {
          unsigned char* d = dst + static_cast<size_t>(o * out_row) * y_size;
          if (same) {
            std::memcpy(d, src + static_cast<size_t>(o * row) * y_size, static_cast<size_t>(row) * y_size);
          } else {
            requantize_row(in[i], o * row, row, inputs_[i], d);
          }
        }
      }
      offset += row;
    }
  }

 private:
  const ir::Node& node_;
  std::vector<ActivationQuant> inputs_;
  ActivationQuant y_;
};

std::unique_ptr<Kernel> make_q_concat_kernel(const ir::Node& node) { return std::make_unique<QConcatKernel>(node); }

}  // namespace

const OpSpec& q_concat_op() {
  static const OpSpec spec{"com.qtune", "QConcat", infer_q_concat, make_q_concat_kernel};
  return spec;
}

}  // namespace qtune::ops
