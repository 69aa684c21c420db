// Microbenchmarks of the kernels that dominate CNN and transformer inference, on the
// oneDNN backend and the reference backend: FP32 and INT8 convolutions of PP-OCR's shapes
// (3x3 stem, depthwise 3x3/5x5, pointwise 1x1) in NHWC, and FP32 and INT8 matmuls of a
// transformer's linear layers. Each reports GFLOPS (FP32) or GOPS (INT8, a multiply-add
// counting 2) and its ratio to the measured single-core peak of that type (times threads).
//   build/bench/qtune_kernels_bench [--benchmark_filter=Conv]
#include <benchmark/benchmark.h>
#include <omp.h>

#include <random>

#include "backends/dnnl/dnnl_kernels.h"
#include "ir/graph.h"
#include "machine_peak.h"
#include "ops/op.h"
#include "ops/q_linear.h"

namespace qtune {
namespace {

Tensor random_tensor(std::vector<int64_t> dims, uint32_t seed) {
  Tensor t(DataType::Float32, std::move(dims));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// One node in its own graph, its inputs, and a kernel of the chosen backend.
struct NodeRun {
  ir::Graph graph;
  ir::Node* node = nullptr;
  std::vector<Tensor> inputs;
  std::unique_ptr<ops::Kernel> kernel;

  void make_kernel(bool dnnl) {
    kernel = dnnl ? backends::dnnl_backend::make_dnnl_kernel(*node) : nullptr;
    if (!kernel) kernel = ops::find_op(node->domain(), node->op_type())->make_ref_kernel(*node);
  }
};

// Hands the kernel the same output buffer every iteration, as the session's buffer pool
// does: fresh allocations would time page faults, not the kernel.
class ReusingContext final : public ops::KernelContext {
 public:
  explicit ReusingContext(int thread_count) { threads = thread_count; }
  Tensor allocate(int, DataType type, const std::vector<int64_t>& dims) override {
    if (!cached_.defined() || cached_.dims() != dims || cached_.dtype() != type) cached_ = Tensor(type, dims);
    return cached_;
  }

 private:
  Tensor cached_;
};

// GFLOP per second achieved, and the same as a fraction of the measured peak of the threads
// used (Google Benchmark prints both rates with a "/s" suffix).
void report(benchmark::State& state, double flops_per_run, int threads) {
  const double gflop = flops_per_run / 1e9;
  state.counters["GFLOP"] = benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(
      gflop / (bench::measured_peak_gflops_per_core() * threads), benchmark::Counter::kIsIterationInvariantRate);
}

// args: channels in, channels out, group, height, width, kernel size, stride, dnnl (0/1), threads
void BM_NhwcConv(benchmark::State& state) {
  const int64_t c = state.range(0), m = state.range(1), group = state.range(2), h = state.range(3),
                w = state.range(4), k = state.range(5), stride = state.range(6);
  const bool dnnl = state.range(7) != 0;
  const int threads = static_cast<int>(state.range(8));
  NodeRun r;
  ir::Value* x = r.graph.add_value("x");
  ir::Value* wv = r.graph.add_value("w");
  ir::Value* b = r.graph.add_value("b");
  r.graph.set_initializer(wv, random_tensor({m, c / group, k, k}, 2));
  r.graph.set_initializer(b, random_tensor({m}, 3));
  r.node = r.graph.add_node("NhwcConv", {x, wv, b}, {r.graph.add_value("y")}, "conv", "com.qtune");
  r.node->set_attr(ir::Attribute::make_int("group", group));
  r.node->set_attr(ir::Attribute::make_ints("strides", {stride, stride}));
  r.node->set_attr(ir::Attribute::make_ints("pads", {k / 2, k / 2, k / 2, k / 2}));
  r.node->set_attr(ir::Attribute::make_string("activation", "Relu"));
  r.inputs = {random_tensor({1, h, w, c}, 1), r.graph.value("w")->initializer(), r.graph.value("b")->initializer()};
  r.make_kernel(dnnl);
  ReusingContext ctx(threads);
  omp_set_num_threads(threads);
  std::vector<Tensor> out(1);
  for (auto _ : state) r.kernel->run(r.inputs, out, ctx);
  const int64_t oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
  report(state, 2.0 * static_cast<double>(m * (c / group) * k * k * oh * ow), threads);
}

Tensor random_bytes(DataType type, std::vector<int64_t> dims, uint32_t seed) {
  Tensor t(type, std::move(dims));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(type == DataType::UInt8 ? 0 : -63, type == DataType::UInt8 ? 255 : 63);
  for (int64_t i = 0; i < t.numel(); ++i) static_cast<uint8_t*>(t.raw())[i] = static_cast<uint8_t>(dist(rng));
  return t;
}

void report_int8(benchmark::State& state, double ops_per_run, int threads) {
  const double gops = ops_per_run / 1e9;
  state.counters["GOP"] = benchmark::Counter(gops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(
      gops / (bench::measured_peak_int8_gops_per_core() * threads), benchmark::Counter::kIsIterationInvariantRate);
}

// The INT8 form of BM_NhwcConv: com.qtune QConv, uint8 NHWC activations with a zero point,
// int8 per-channel weights, int32 bias, fused ReLU, uint8 output (what the lowering makes).
void BM_QConv(benchmark::State& state) {
  const int64_t c = state.range(0), m = state.range(1), group = state.range(2), h = state.range(3),
                w = state.range(4), k = state.range(5), stride = state.range(6);
  const bool dnnl = state.range(7) != 0;
  const int threads = static_cast<int>(state.range(8));
  NodeRun r;
  ir::Value* x = r.graph.add_value("x");
  ir::Value* wv = r.graph.add_value("w");
  ir::Value* ws = r.graph.add_value("w_scale");
  ir::Value* b = r.graph.add_value("b");
  r.graph.set_initializer(wv, random_bytes(DataType::Int8, {m, c / group, k, k}, 2));
  r.graph.set_initializer(ws, Tensor::from_vector<float>({m}, std::vector<float>(static_cast<size_t>(m), 0.002f)));
  r.graph.set_initializer(b, Tensor(DataType::Int32, {m}));
  r.node = r.graph.add_node("QConv", {x, wv, ws, b}, {r.graph.add_value("y")}, "qconv", "com.qtune");
  r.node->set_attr(ir::Attribute::make_int("group", group));
  r.node->set_attr(ir::Attribute::make_ints("strides", {stride, stride}));
  r.node->set_attr(ir::Attribute::make_ints("pads", {k / 2, k / 2, k / 2, k / 2}));
  r.node->set_attr(ir::Attribute::make_string("activation", "Relu"));
  r.node->set_attr(ir::Attribute::make_int("channels_last", 1));
  for (auto& a : ops::activation_quant_attributes("x", {DataType::UInt8, 0.02f, 120})) r.node->set_attr(a);
  for (auto& a : ops::activation_quant_attributes("y", {DataType::UInt8, 0.05f, 0})) r.node->set_attr(a);
  r.inputs = {random_bytes(DataType::UInt8, {1, h, w, c}, 1), r.graph.value("w")->initializer(),
              r.graph.value("w_scale")->initializer(), r.graph.value("b")->initializer()};
  r.make_kernel(dnnl);
  ReusingContext ctx(threads);
  omp_set_num_threads(threads);
  std::vector<Tensor> out(1);
  for (auto _ : state) r.kernel->run(r.inputs, out, ctx);
  const int64_t oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
  report_int8(state, 2.0 * static_cast<double>(m * (c / group) * k * k * oh * ow), threads);
}

// The INT8 form of BM_MatMul: com.qtune QMatMul, uint8 A with a zero point, int8 B per
// column, float output.
void BM_QMatMul(benchmark::State& state) {
  const int64_t rows = state.range(0), inner = state.range(1), cols = state.range(2);
  const bool dnnl = state.range(3) != 0;
  const int threads = static_cast<int>(state.range(4));
  NodeRun r;
  ir::Value* a = r.graph.add_value("a");
  ir::Value* bv = r.graph.add_value("b");
  ir::Value* bs = r.graph.add_value("b_scale");
  r.graph.set_initializer(bv, random_bytes(DataType::Int8, {inner, cols}, 5));
  r.graph.set_initializer(bs, Tensor::from_vector<float>({1}, {0.01f}));
  r.node = r.graph.add_node("QMatMul", {a, bv, bs}, {r.graph.add_value("y")}, "qmm", "com.qtune");
  for (auto& at : ops::activation_quant_attributes("x", {DataType::UInt8, 0.02f, 128})) r.node->set_attr(at);
  r.inputs = {random_bytes(DataType::UInt8, {rows, inner}, 4), r.graph.value("b")->initializer(),
              r.graph.value("b_scale")->initializer()};
  r.make_kernel(dnnl);
  ReusingContext ctx(threads);
  omp_set_num_threads(threads);
  std::vector<Tensor> out(1);
  for (auto _ : state) r.kernel->run(r.inputs, out, ctx);
  report_int8(state, 2.0 * static_cast<double>(rows * inner * cols), threads);
}

// args: rows, inner, cols, dnnl (0/1), threads
void BM_MatMul(benchmark::State& state) {
  const int64_t rows = state.range(0), inner = state.range(1), cols = state.range(2);
  const bool dnnl = state.range(3) != 0;
  const int threads = static_cast<int>(state.range(4));
  NodeRun r;
  ir::Value* a = r.graph.add_value("a");
  ir::Value* bv = r.graph.add_value("b");
  r.graph.set_initializer(bv, random_tensor({inner, cols}, 5));
  r.node = r.graph.add_node("MatMul", {a, bv}, {r.graph.add_value("y")}, "mm");
  r.inputs = {random_tensor({rows, inner}, 4), r.graph.value("b")->initializer()};
  r.make_kernel(dnnl);
  ReusingContext ctx(threads);
  omp_set_num_threads(threads);
  std::vector<Tensor> out(1);
  for (auto _ : state) r.kernel->run(r.inputs, out, ctx);
  report(state, 2.0 * static_cast<double>(rows * inner * cols), threads);
}

void conv_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"c", "m", "g", "h", "w", "k", "s", "dnnl", "thr"});
  const std::vector<std::vector<int64_t>> shapes = {
      {3, 16, 1, 320, 320, 3, 2},    // det stem
      {96, 96, 96, 160, 160, 3, 1},  // det depthwise 3x3
      {240, 240, 240, 12, 80, 5, 1}, // rec depthwise 5x5
      {24, 96, 1, 160, 160, 1, 1},   // det pointwise
      {240, 480, 1, 6, 80, 1, 1},    // rec pointwise
      {96, 24, 1, 160, 160, 3, 1},   // det FPN 3x3
  };
  for (const auto& s : shapes)
    for (int64_t dnnl : {1, 0}) {
      std::vector<int64_t> args = s;
      args.push_back(dnnl);
      args.push_back(1);
      b->Args(args);
    }
}

void matmul_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"rows", "inner", "cols", "dnnl", "thr"});
  for (const auto& s : std::vector<std::vector<int64_t>>{{40, 120, 360}, {128, 768, 768}, {128, 768, 3072}})
    for (int64_t dnnl : {1, 0}) b->Args({s[0], s[1], s[2], dnnl, 1});
}

BENCHMARK(BM_NhwcConv)->Apply(conv_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MatMul)->Apply(matmul_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_QConv)->Apply(conv_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_QMatMul)->Apply(matmul_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace qtune

BENCHMARK_MAIN();
