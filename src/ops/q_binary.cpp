// com.qtune QBinary: an Add or Mul (attribute `operation`) whose inputs and output may be
// quantized: Y = Q(op(DQ(A), DQ(B))) with numpy broadcasting, in one pass over the data.
// Operation ScaledResidual is Y = Q(DQ(A) + DQ(A) * DQ(B)): a residual squeeze-excitation,
// fused by passes/fuse_scaled_residual.h.
// Each of A, B and Y carries its own per-tensor parameters as a_/b_/y_ attributes
// (ops/q_linear.h; absent = float32). The QDQ lowering pass creates it from
// DQ -> Add/Mul -> Q (residual adds, squeeze-excitation scaling): the INT8 data is read
// once and written once instead of dequantized to float, combined and quantized again.
#include <algorithm>
#include <numeric>

#include "ops/elementwise.h"
#include "ops/q_linear.h"
#include "ops/q_loops.h"
#include "util/parallel_for.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_q_binary(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const std::string op = node.attr_string("operation", "");
  if (op != "Add" && op != "Mul" && op != "ScaledResidual")
    fail(node, "operation '" + op + "': expected Add, Mul or ScaledResidual");
  const ActivationQuant a = read_activation_quant(node, "a"), b = read_activation_quant(node, "b");
  expect_type(node, inputs, 0, {a.type});
  expect_type(node, inputs, 1, {b.type});
  const ir::Shape shapes[] = {inputs[0].shape, inputs[1].shape};
  return single_output(read_activation_quant(node, "y").type, broadcast_shapes(node, shapes));
}

class QBinaryKernel final : public Kernel {
 public:
  explicit QBinaryKernel(const ir::Node& node)
      : node_(node),
        mul_(node.attr_string("operation", "") == "Mul"),
        residual_(node.attr_string("operation", "") == "ScaledResidual"),
        a_(read_activation_quant(node, "a")),
        b_(read_activation_quant(node, "b")),
        y_(read_activation_quant(node, "y")) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    // The output dims and broadcast plan of the last input dims, reused while they repeat
    // (planning allocated about as long as a small squeeze-excitation multiply ran).
    if (!planned_ || in[0].dims() != planned_dims_[0] || in[1].dims() != planned_dims_[1]) {
      planned_dims_[0] = in[0].dims();
      planned_dims_[1] = in[1].dims();
      out_dims_ = broadcast_dims(node_, planned_dims_);
      plan_ = plan_broadcast(planned_dims_, out_dims_);
      planned_ = true;
    }
    const BroadcastPlan& plan = plan_;
    out[0] = ctx.allocate(0, y_.type, out_dims_);
    // All uint8 or all int8: the vectorized loops of ops/q_loops.h.
    const DataType t = y_.type;
    if ((t == DataType::UInt8 || t == DataType::Int8) && in[0].dtype() == t && in[1].dtype() == t) {
      const bool done = t == DataType::UInt8 ? run_integer<uint8_t>(plan, in[0], in[1], out[0], ctx.threads)
                                             : run_integer<int8_t>(plan, in[0], in[1], out[0], ctx.threads);
      if (done) return;
    }
    dispatch_activation(node_, in[0].dtype(), [&]<class A>() {
      dispatch_activation(node_, in[1].dtype(), [&]<class B>() {
        dispatch_activation(node_, y_.type, [&]<class Y>() {
          const ValueLoad<A> la{a_.scale, static_cast<float>(a_.zero_point)};
          const ValueLoad<B> lb{b_.scale, static_cast<float>(b_.zero_point)};
          const ValueStore<Y> st{y_.scale, static_cast<float>(y_.zero_point)};
          if (residual_)
            broadcast_binary(plan, in[0].data<A>(), in[1].data<B>(), out[0].data<Y>(),
                             [=](A a, B b) { return st(la(a) + la(a) * lb(b)); }, ctx.threads);
          else if (mul_)
            broadcast_binary(plan, in[0].data<A>(), in[1].data<B>(), out[0].data<Y>(),
                             [=](A a, B b) { return st(la(a) * lb(b)); }, ctx.threads);
          else
            broadcast_binary(plan, in[0].data<A>(), in[1].data<B>(), out[0].data<Y>(),
                             [=](A a, B b) { return st(la(a) + lb(b)); }, ctx.threads);
        });
      });
    });
  }

 private:
  // A, B and Y all of type T (uint8 or int8). False when this case has no loop here (a
  // residual not broadcast per channel).
  template <class T>
  bool run_integer(const BroadcastPlan& plan, const Tensor& a, const Tensor& b, Tensor& y, int threads) {
    if (run_column_broadcast<T>(plan, a, b, y, threads)) return true;
    if (residual_) return false;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* py = y.data<T>();
    const auto za = static_cast<float>(a_.zero_point), zb = static_cast<float>(b_.zero_point);
    const auto zy = static_cast<float>(y_.zero_point);
    if (mul_) {
      const MulLoop p{za, zb, a_.scale * b_.scale / y_.scale, zy};
      for_each_broadcast_row(
          plan, [&](int64_t o, int64_t oa, int64_t ob, int64_t n, int64_t sa, int64_t sb) {
            mul_q(pa + oa, sa, pb + ob, sb, py + o, n, p);
          },
          threads);
    } else {
      const float ka = a_.scale / y_.scale, kb = b_.scale / y_.scale;
      const AddLoop p{ka, kb, -(za * ka + zb * kb), zy};
      for_each_broadcast_row(
          plan, [&](int64_t o, int64_t oa, int64_t ob, int64_t n, int64_t sa, int64_t sb) {
            add_q(pa + oa, sa, pb + ob, sb, py + o, n, p);
          },
          threads);
    }
    return true;
  }

  // [rows, cols] (x) [1, cols], or [batches, rows, cols] (x) [batches, 1, cols]: one operand
  // is a row of per-column values repeated over every row of its batch (NHWC
  // squeeze-excitation). Per-column factors are computed once per batch.
  template <class T>
  bool run_column_broadcast(const BroadcastPlan& plan, const Tensor& a, const Tensor& b, Tensor& y, int threads) {
    const size_t rank = plan.dims.size();
    if (rank != 2 && rank != 3) return false;
    const int64_t batches = rank == 3 ? plan.dims[0] : 1, rows = plan.dims[rank - 2], cols = plan.dims[rank - 1];
    auto repeats_row = [&](const std::vector<int64_t>& full, const std::vector<int64_t>& row) {
      return full[rank - 2] == cols && full[rank - 1] == 1 && row[rank - 2] == 0 && row[rank - 1] == 1 &&
             (rank == 2 || (full[0] == rows * cols && row[0] == cols));
    };
    const bool b_row = repeats_row(plan.strides[0], plan.strides[1]);
    const bool a_row = repeats_row(plan.strides[1], plan.strides[0]);
    if (!a_row && !b_row) return false;
    if (residual_ && !b_row) return false;  // A must be the full tensor: y = a * (1 + b[c])
    // `full` runs over every element, `row` is the repeated operand.
    const ActivationQuant& fq = b_row ? a_ : b_;
    const ActivationQuant& rq = b_row ? b_ : a_;
    for (int64_t n = 0; n < batches; ++n)
      run_rows<T>((b_row ? a : b).data<T>() + n * rows * cols, fq, (b_row ? b : a).data<T>() + n * cols, rq,
                  y.data<T>() + n * rows * cols, rows, cols, threads);
    return true;
  }

  // One batch of run_column_broadcast: `full` has rows x cols elements, `row` cols.
  template <class T>
  void run_rows(const T* full, const ActivationQuant& fq, const T* row, const ActivationQuant& rq, T* y, int64_t rows,
                int64_t cols, int threads) {
    std::vector<float>& column = column_;
    column.resize(static_cast<size_t>(cols));
    const auto zy = static_cast<float>(y_.zero_point);
    const auto zr = static_cast<float>(rq.zero_point);
    if (residual_) {
      const float k = fq.scale / y_.scale;
      for (int64_t c = 0; c < cols; ++c) column[static_cast<size_t>(c)] = (1.0f + (static_cast<float>(row[c]) - zr) * rq.scale) * k;
    } else if (mul_) {
      const float k = fq.scale * rq.scale / y_.scale;
      for (int64_t c = 0; c < cols; ++c) column[static_cast<size_t>(c)] = (static_cast<float>(row[c]) - zr) * k;
    } else {
      const float kf = fq.scale / y_.scale, kr = rq.scale / y_.scale;
      const float shift = -static_cast<float>(fq.zero_point) * kf;
      for (int64_t c = 0; c < cols; ++c) column[static_cast<size_t>(c)] = (static_cast<float>(row[c]) - zr) * kr + shift;
    }
    // The vectorized loop takes 32 elements a step and ends in a scalar tail: `rep` rows at
    // a time run as one row of a multiple of 32 elements (at least 256), the column terms
    // repeated; the last rows % rep rows run on their own.
    const int64_t step = 32 / std::gcd(cols, int64_t{32});
    int64_t rep = step;
    while (cols * rep < 256) rep += step;
    column.resize(static_cast<size_t>(cols * rep));
    for (int64_t k = 1; k < rep; ++k) std::copy_n(column.begin(), cols, column.begin() + k * cols);
    const int64_t wide = cols * rep, wide_rows = rows / rep;
    auto run_block = [&](int64_t start, int64_t n, int64_t width) {  // start and n in rows of `width`
      if (mul_ || residual_)
        mul_rows_q(full + start * width, column.data(), y + start * width, n, width, static_cast<float>(fq.zero_point), zy);
      else
        add_rows_q(full + start * width, column.data(), y + start * width, n, width, fq.scale / y_.scale, zy);
    };
    const int64_t chunk = std::max<int64_t>(1, 16384 / std::max<int64_t>(wide, 1));
    const int64_t chunks = (wide_rows + chunk - 1) / chunk;
    util::parallel_for(chunks, threads, chunks > 1 && rows * cols > 65536,
                       [&](int64_t i) { run_block(i * chunk, std::min(chunk, wide_rows - i * chunk), wide); });
    if (rows % rep) run_block(wide_rows * rep, rows % rep, cols);
  }

  const ir::Node& node_;
  bool mul_, residual_;
  ActivationQuant a_, b_, y_;
  bool planned_ = false;
  std::vector<int64_t> planned_dims_[2], out_dims_;
  BroadcastPlan plan_;
  std::vector<float> column_;  // run_rows' per-column terms, kept between runs
};

std::unique_ptr<Kernel> make_q_binary_kernel(const ir::Node& node) { return std::make_unique<QBinaryKernel>(node); }

}  // namespace

const OpSpec& q_binary_op() {
  static const OpSpec spec{"com.qtune", "QBinary", infer_q_binary, make_q_binary_kernel};
  return spec;
}

}  // namespace qtune::ops
