// ONNX Tile: repeats the input `repeats[i]` times along each axis i (repeats: int64, one
// non-negative entry per axis). Output dim i = dim i * repeats[i].
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

void check_repeats(const ir::Node& node, const std::vector<int64_t>& repeats, int rank) {
  if (static_cast<int>(repeats.size()) != rank)
    fail(node, "repeats has " + std::to_string(repeats.size()) + " entries, expected the input's rank " + std::to_string(rank));
  for (int64_t r : repeats)
    if (r < 0) fail(node, "repeats [" + format_dims(repeats) + "] has a negative entry");
}

std::vector<TensorInfo> infer_tile(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 1, std::array{DataType::Int64});
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  if (!s.has_rank()) return single_output(type, ir::Shape::unknown());
  auto repeats = known_ints(node, inputs, 1, "repeats");
  if (!repeats) return single_output(type, unknown_shape(s.rank()));
  check_repeats(node, *repeats, s.rank());
  ir::Shape out = s;
  for (size_t i = 0; i < repeats->size(); ++i) {
    ir::Dim& d = (*out.dims)[i];
    const int64_t r = (*repeats)[i];
    if (d.is_known()) d = ir::Dim::known(checked_mul(node, d.value, r, "tiled size"));
    else if (r == 0) d = ir::Dim::known(0);
    else if (r != 1) d = ir::Dim{};  // a symbolic dim keeps its name only when not repeated
  }
  return single_output(type, out);
}

class TileKernel final : public Kernel {
 public:
  explicit TileKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const std::vector<int64_t> repeats = to_int64s(node_, in[1], "repeats");
    check_repeats(node_, repeats, x.rank());
    std::vector<int64_t> dims = x.dims();
    for (size_t i = 0; i < dims.size(); ++i) dims[i] = checked_mul(node_, dims[i], repeats[i], "tiled size");
    out[0] = ctx.allocate(0, x.dtype(), dims);
    const int64_t total = out[0].numel();
    if (total == 0) return;
    if (x.rank() == 0) {
      dispatch_movable(node_, x.dtype(), [&]<class T>() { elements<T>(out[0])[0] = elements<T>(x)[0]; });
      return;
    }
    // Each output row (innermost axis) is the matching input row repeated; the input row
    // of output row r comes from taking every outer coordinate modulo the input's dim.
    const std::vector<int64_t> in_strides = strides_of(x.dims());
    const size_t last = dims.size() - 1;
    const int64_t in_row = x.dims()[last], out_row = dims[last], rows = total / out_row;
    dispatch_movable(node_, x.dtype(), [&]<class T>() {
      const T* src = elements<T>(x);
      T* dst = elements<T>(out[0]);
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (rows > 1 && total > 32768)
      for (int64_t r = 0; r < rows; ++r) {
        int64_t rem = r, offset = 0;
        for (size_t a = last; a-- > 0;) {
          offset += (rem % dims[a]) % x.dims()[a] * in_strides[a];
          rem /= dims[a];
        }
        T* row = dst + r * out_row;
        for (int64_t k = 0; k < repeats[last]; ++k) std::copy_n(src + offset, in_row, row + k * in_row);
      }
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_tile_kernel(const ir::Node& node) { return std::make_unique<TileKernel>(node); }

}  // namespace

const OpSpec& tile_op() {
  static const OpSpec spec{"", "Tile", infer_tile, make_tile_kernel};
  return spec;
}

}  // namespace qtune::ops
