// exec::Session: refusing unsupported ops up front, input checks, the two backends with and
// without optimization agreeing, threads, the value observer, the buffer plan, and the
// kernel / optimization reports.
#include <omp.h>

#include <cmath>
#include <set>

#include "../passes/pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

// Same names and dims; values within `tolerance` of the range (max - min) of each expected output.
void expect_close(const Outputs& got, const Outputs& want, double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) {
    ASSERT_EQ(got[k].first, want[k].first);
    const Tensor& g = got[k].second;
    const Tensor& w = want[k].second;
    ASSERT_EQ(g.dims(), w.dims()) << w.describe();
    double lo = INFINITY, hi = -INFINITY, worst = 0;
    for (int64_t e = 0; e < w.numel(); ++e) {
      lo = std::min(lo, w.value_as_double(e));
      hi = std::max(hi, w.value_as_double(e));
      worst = std::max(worst, std::fabs(g.value_as_double(e) - w.value_as_double(e)));
    }
    EXPECT_LE(worst, tolerance * std::max(hi - lo, 1e-30))
        << want[k].first << ": largest difference " << worst << ", range " << hi - lo;
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

exec::SessionOptions options(exec::Backend backend, bool optimize = true, int threads = 1) {
  exec::SessionOptions o;
  o.backend = backend;
  o.optimize = optimize;
  o.threads = threads;
  return o;
}

// Conv+BN+Relu, 1x1 conv + decomposed HardSwish, depthwise conv, residual add, global
// pooling, MatMul+bias and Gemm head, Softmax. Outputs the residual sum and the softmax, so
// a wrong feature map is not hidden by the pooling.
ir::Model small_cnn() {
  ir::GraphBuilder b(17, 3);
  auto* x = b.input("x", DataType::Float32, {-1, 3, 16, 16});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {8, 3, 3, 3}), b.weight("b1", {8})}, {pads1(), ints("strides", {2, 2})});
  auto* bn = b.node("BatchNormalization", {c1, b.weight("gamma", {8}, 1.5f), b.weight("beta", {8}),
                                           b.weight("mean", {8}), b.constant("var", random_tensor({8}, 5, 0.3f, 1.2f))});
  auto* r1 = b.node("Relu", {bn});
  auto* c2 = b.node("Conv", {r1, b.weight("w2", {8, 8, 1, 1})});
  auto* hs = b.node("Mul", {c2, b.node("HardSigmoid", {c2}, {f("alpha", 1.0f / 6), f("beta", 0.5f)})});
  auto* dw = b.node("Conv", {hs, b.weight("dw", {8, 1, 3, 3}), b.weight("dw_b", {8})}, {i("group", 8), pads1()});
  auto* res = b.node("Add", {b.node("Relu", {dw}), r1}, {}, "residual");
  auto* pooled = b.node("Flatten", {b.node("GlobalAveragePool", {res})});
  auto* fc1 = b.node("Relu", {b.node("Add", {b.node("MatMul", {pooled, b.weight("fc1", {8, 12})}), b.weight("fc1_b", {12})})});
  auto* logits = b.node("Gemm", {fc1, b.weight("fc2", {10, 12}, 2.0f), b.weight("fc2_b", {10})}, {i("transB", 1)});
  b.output(res);
  b.output(b.node("Softmax", {logits}, {i("axis", -1)}, "prob"));
  return b.build();
}

// x[2,3] -> Relu -> Neg
ir::Model relu_neg() {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3});
  b.output(b.node("Neg", {b.node("Relu", {x}, {}, "relu")}, {}, "neg"));
  return b.build();
}

// ---- unsupported ops ----

TEST(SessionUnsupported, OneErrorListsEveryOpTypeWithItsCount) {
  ir::Model m;
  m.opset_imports() = {{"", 17}, {"com.example", 1}};
  ir::Graph& g = *m.graph;
  ir::Value* x = g.add_value("x");
  x->dtype = DataType::Float32;
  x->shape = ir::Shape::of({4});
  g.add_input(x);
  ir::Value* prev = x;
  auto chain = [&](const std::string& op, const std::string& domain) {
    ir::Value* out = g.add_value(g.unique_name(op + "_out"));
    g.add_node(op, {prev}, {out}, "", domain);
    prev = out;
  };
  chain("Relu", "");
  chain("Foo", "");
  chain("Bar", "com.example");
  chain("Foo", "");
  g.add_output(prev);

  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    std::string msg = error_of([&] { exec::Session s(m, options(backend), "net.onnx"); });
    EXPECT_EQ(msg, "net.onnx: unsupported ops: Foo (2 nodes), com.example.Bar (1 node)");
  }
}

// ---- input checks ----

// x[batch,3,4,4] + y[1,3,4,4]
ir::Model two_inputs() {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {-1, 3, 4, 4});
  auto* y = b.input("y", DataType::Float32, {1, 3, 4, 4});
  b.output(b.node("Add", {x, y}));
  return b.build();
}

std::string run_error(const std::map<std::string, Tensor>& feeds) {
  ir::Model m = two_inputs();
  exec::Session s(m, exec::SessionOptions{}, "m.onnx");
  return error_of([&] { s.run(feeds); });
}

TEST(SessionInputs, ValidFeedsRun) {
  ir::Model m = two_inputs();
  exec::Session s(m, exec::SessionOptions{});
  auto out = s.run({{"x", random_tensor({2, 3, 4, 4}, 1)}, {"y", random_tensor({1, 3, 4, 4}, 2)}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].second.dims(), (std::vector<int64_t>{2, 3, 4, 4}));
}

// A model under the threshold probes with its threads for three runs, then runs on one
// (kernels rebuilt, so oneDNN primitives are made for one thread); the outputs stay the
// same across the switch, and a new input shape probes again. The thresholds are set so
// that no timing decides: everything is "fast" (1e9 ms) or nothing is (0).
TEST(SessionThreads, TinyModelsSettleOnOneThread) {
  ir::GraphBuilder b(13, 3);
  auto* x = b.input("x", DataType::Float32, {-1, 3, 8, 8});
  b.output(b.node("Relu", {b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {})}));
  const ir::Model m = b.build();
  exec::SessionOptions o;
  o.threads = 2;
  o.single_thread_below_ms = 1e9;
  exec::Session s(m, o);
  const Tensor in = random_tensor({1, 3, 8, 8}, 5);
  const Tensor first = s.run({{"x", in}})[0].second;
  EXPECT_EQ(s.last_run_stats().threads, 2);
  for (int i = 0; i < 3; ++i) s.run({{"x", in}});
  EXPECT_EQ(s.last_run_stats().threads, 1);
  const Tensor later = s.run({{"x", in}})[0].second;
  for (int64_t i = 0; i < first.numel(); ++i) EXPECT_NEAR(later.data<float>()[i], first.data<float>()[i], 1e-5f);
  s.run({{"x", random_tensor({2, 3, 8, 8}, 6)}});
  EXPECT_EQ(s.last_run_stats().threads, 2);
  o.single_thread_below_ms = 0;
  exec::Session never(m, o);
  for (int i = 0; i < 5; ++i) never.run({{"x", in}});
  EXPECT_EQ(never.last_run_stats().threads, 2);
}

TEST(SessionInputs, UnknownNameListsModelInputs) {
  std::string msg = run_error({{"x", random_tensor({1, 3, 4, 4}, 1)},
                               {"y", random_tensor({1, 3, 4, 4}, 2)},
                               {"z", random_tensor({1, 3, 4, 4}, 3)}});
  EXPECT_EQ(msg, "m.onnx: the model has no input 'z' (inputs: x, y)");
}

TEST(SessionInputs, WrongDtypeNamesGotAndExpected) {
  std::string msg = run_error({{"x", Tensor(DataType::Float64, {1, 3, 4, 4})}, {"y", random_tensor({1, 3, 4, 4}, 2)}});
  EXPECT_EQ(msg, "m.onnx: input 'x' is float64[1,3,4,4], the model expects float32 [x_d0,3,4,4]");
}

TEST(SessionInputs, WrongRankNamesExpectedShape) {
  std::string msg = run_error({{"x", random_tensor({3, 4, 4}, 1)}, {"y", random_tensor({1, 3, 4, 4}, 2)}});
  EXPECT_EQ(msg, "m.onnx: input 'x' has shape [3,4,4], the model expects float32 [x_d0,3,4,4]");
}

TEST(SessionInputs, WrongFixedDimNamesExpectedShape) {
  std::string msg = run_error({{"x", random_tensor({1, 3, 4, 4}, 1)}, {"y", random_tensor({1, 3, 4, 5}, 2)}});
  EXPECT_EQ(msg, "m.onnx: input 'y' has shape [1,3,4,5], the model expects float32 [1,3,4,4]");
}

TEST(SessionInputs, MissingInputIsNamed) {
  std::string msg = run_error({{"x", random_tensor({1, 3, 4, 4}, 1)}});
  EXPECT_EQ(msg, "m.onnx: input 'y' is missing (float32 [1,3,4,4])");
}

// ---- backends ----

TEST(SessionBackends, AgreeWithAndWithoutOptimizationAtBatchOneAndThree) {
  ir::Model m = small_cnn();
  Tensor x1 = random_tensor({1, 3, 16, 16}, 11);
  Tensor x3 = random_tensor({3, 3, 16, 16}, 12);
  std::copy_n(x1.data<float>(), x1.numel(), x3.data<float>());  // sample 0 of x3 is x1
  exec::Session baseline(m, options(exec::Backend::Reference, false));
  const Outputs want1 = baseline.run({{"x", x1}});
  const Outputs want3 = baseline.run({{"x", x3}});
  // The baseline itself: sample 0 of the batch-3 run is the batch-1 run.
  const float* prob3 = want3[1].second.data<float>();
  expect_close({{"prob_out", Tensor::from_vector<float>({1, 10}, std::vector<float>(prob3, prob3 + 10))}}, {want1[1]},
               1e-6);

  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl})
    for (bool optimize : {false, true}) {
      SCOPED_TRACE(std::string(exec::backend_name(backend)) + (optimize ? " optimized" : " unoptimized"));
      exec::Session s(m, options(backend, optimize));
      if (optimize) {
        EXPECT_GE(s.optimize_stats().activations_fused, 2u) << s.optimize_stats().summary();
        for (const ir::Node* n : s.graph().nodes()) EXPECT_NE(n->op_type(), "HardSigmoid") << "HardSwish not fused";
      }
      expect_close(s.run({{"x", x1}}), want1, 1e-4);
      expect_close(s.run({{"x", x3}}), want3, 1e-4);
      expect_close(s.run({{"x", x1}}), want1, 1e-4);  // back to a shape seen before
    }
}

// One row: the [N] bias has as many elements as the output, which must not make it a full C.
TEST(SessionBackends, GemmWithRowBiasAtBatchOne) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {-1, 8});
  b.output(b.node("Gemm", {x, b.weight("w", {10, 8}), b.weight("c", {10})}, {i("transB", 1)}));
  ir::Model m = b.build();
  const std::map<std::string, Tensor> feeds = {{"x", random_tensor({1, 8}, 13)}};
  const Outputs want = exec::Session(m, options(exec::Backend::Reference, false)).run(feeds);
  for (bool optimize : {false, true}) {
    SCOPED_TRACE(optimize ? "optimized" : "unoptimized");
    expect_close(exec::Session(m, options(exec::Backend::Dnnl, optimize)).run(feeds), want, 1e-5);
  }
}

// ---- threads ----

// The session keeps its constants in place between runs and moves each node's inputs out
// for the call: a kernel that fails must leave them for the next run. Here the Reshape of a
// constant fails on a bad shape fed at run time; the runs before and after see the constant.
TEST(SessionRuns, AFailedRunLeavesTheConstantsForTheNext) {
  ir::GraphBuilder b;
  auto* shape = b.input("shape", DataType::Int64, {2});
  const Tensor c = random_tensor({2, 6}, 7);
  b.output(b.node("Reshape", {b.constant("c", c), shape}, {}, "reshaped"));
  ir::Model m = b.build();
  exec::Session s(m, options(exec::Backend::Dnnl));
  for (int run = 0; run < 3; ++run) {
    const std::vector<int64_t> dims = run == 0 ? std::vector<int64_t>{3, 4} : std::vector<int64_t>{4, 3};
    auto out = s.run({{"shape", Tensor::from_vector<int64_t>({2}, dims)}});
    ASSERT_EQ(out[0].second.dims(), dims);
    for (int64_t e = 0; e < 12; ++e) ASSERT_EQ(out[0].second.data<float>()[e], c.data<float>()[e]) << "run " << run;
    EXPECT_NE(error_of([&] { s.run({{"shape", Tensor::from_vector<int64_t>({2}, {5, 5})}}); }), "(no error)");
  }
}

TEST(SessionThreads, OneAndTwoThreadsAgree) {
  ir::Model m = small_cnn();
  const std::map<std::string, Tensor> feeds = {{"x", random_tensor({3, 3, 16, 16}, 21)}};
  exec::Session one(m, options(exec::Backend::Dnnl, true, 1));
  exec::Session two(m, options(exec::Backend::Dnnl, true, 2));
  EXPECT_EQ(one.threads(), 1);
  EXPECT_EQ(two.threads(), 2);
  expect_close(two.run(feeds), one.run(feeds), 1e-5);
}

TEST(SessionThreads, ZeroMeansAllCores) {
  ir::Model m = relu_neg();
  exec::Session s(m, options(exec::Backend::Dnnl, true, 0));
  EXPECT_EQ(s.threads(), omp_get_num_procs());
}

// ---- observer ----

TEST(SessionObserver, SeesEveryInputAndNodeOutputOnce) {
  ir::Model m = small_cnn();
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    SCOPED_TRACE(exec::backend_name(backend));
    exec::Session s(m, options(backend, false));
    std::map<std::string, int> seen;
    s.run({{"x", random_tensor({2, 3, 16, 16}, 31)}},
          [&](const ir::Value& v, const Tensor& t) {
            ++seen[v.name()];
            EXPECT_TRUE(t.defined()) << v.name();
          });
    std::map<std::string, int> want;
    for (const ir::Value* v : s.graph().inputs()) want[v->name()] = 1;
    for (const ir::Node* n : s.graph().nodes())
      for (const ir::Value* v : n->outputs()) want[v->name()] = 1;
    EXPECT_EQ(want.size(), 1 + m.graph->num_nodes());
    EXPECT_EQ(seen, want);
  }
}

TEST(SessionObserver, ChainTensorsAreCorrect) {
  ir::Model m = relu_neg();
  exec::Session s(m, options(exec::Backend::Reference, false));
  const Tensor x = Tensor::from_vector<float>({2, 3}, {-2, -0.5f, 0, 0.5f, 1, 3});
  std::map<std::string, std::vector<float>> seen;
  auto out = s.run({{"x", x}}, [&](const ir::Value& v, const Tensor& t) {
    seen[v.name()].assign(t.data<float>(), t.data<float>() + t.numel());  // copy: the buffer is recycled
  });
  EXPECT_EQ(seen["x"], (std::vector<float>{-2, -0.5f, 0, 0.5f, 1, 3}));
  EXPECT_EQ(seen["relu_out"], (std::vector<float>{0, 0, 0, 0.5f, 1, 3}));
  EXPECT_EQ(seen["neg_out"], (std::vector<float>{-0.0f, -0.0f, -0.0f, -0.5f, -1, -3}));
  EXPECT_EQ(seen.size(), 3u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::vector<float>(out[0].second.values<float>().begin(), out[0].second.values<float>().end()),
            seen["neg_out"]);
}

// ---- memory plan ----

// 20 elementwise ops on a [1,64,64,64] float tensor (1 MiB each).
ir::Model long_chain() {
  ir::GraphBuilder b;
  ir::Value* v = b.input("x", DataType::Float32, {1, 64, 64, 64});
  const char* ops[] = {"Neg", "Abs", "Relu", "Sigmoid"};
  for (int k = 0; k < 20; ++k) v = b.node(ops[k % 4], {v});
  b.output(v);
  return b.build();
}

float long_chain_reference(float v) {
  for (int k = 0; k < 20; ++k) {
    switch (k % 4) {
      case 0: v = -v; break;
      case 1: v = std::fabs(v); break;
      case 2: v = std::max(v, 0.0f); break;
      default: v = 1.0f / (1.0f + std::exp(-v));
    }
  }
  return v;
}

constexpr int64_t kMiB = 1 << 20;

TEST(SessionMemory, LongChainReusesBuffers) {
  ir::Model m = long_chain();
  const Tensor x = random_tensor({1, 64, 64, 64}, 41, -4, 4);
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    SCOPED_TRACE(exec::backend_name(backend));
    exec::Session s(m, options(backend, false));
    auto out = s.run({{"x", x}});
    // One input and one output buffer alive per step; 20 if nothing were reused.
    EXPECT_GE(s.last_run_stats().peak_activation_bytes, kMiB);
    EXPECT_LE(s.last_run_stats().peak_activation_bytes, 3 * kMiB);
    ASSERT_EQ(out.size(), 1u);
    const Tensor& y = out[0].second;
    ASSERT_EQ(y.dims(), x.dims());
    double worst = 0;
    for (int64_t e = 0; e < x.numel(); ++e)
      worst = std::max(worst, double(std::fabs(y.data<float>()[e] - long_chain_reference(x.data<float>()[e]))));
    EXPECT_LE(worst, 1e-6);
  }
}

// The outputs handed to the caller belong to the caller: they must not count as live
// activations in the next run.
TEST(SessionMemory, PeakIsTheSameOnEveryRun) {
  ir::Model m = long_chain();
  const Tensor x = random_tensor({1, 64, 64, 64}, 42);
  exec::Session s(m, options(exec::Backend::Reference, false));
  s.run({{"x", x}});
  const int64_t first = s.last_run_stats().peak_activation_bytes;
  for (int r = 0; r < 3; ++r) {
    auto kept = s.run({{"x", x}});  // held while the next run happens
    EXPECT_EQ(s.last_run_stats().peak_activation_bytes, first) << "run " << r + 2;
  }
}

// ---- reports ----

const std::set<std::string> kDnnlOps = {"Conv",        "FusedConv", "NhwcConv",  "MatMul",  "FusedMatMul",
                                        "Gemm",        "FusedGemm", "MaxPool",   "AveragePool",
                                        "GlobalAveragePool",       "NhwcPool"};

TEST(SessionKernels, DnnlRunsConvAndMatMulRefTheRest) {
  ir::Model m = small_cnn();
  for (bool optimize : {false, true}) {
    SCOPED_TRACE(optimize ? "optimized" : "unoptimized");
    exec::Session s(m, options(exec::Backend::Dnnl, optimize));
    auto report = s.kernel_report();
    auto nodes = s.step_nodes();
    ASSERT_EQ(report.size(), nodes.size());
    ASSERT_EQ(nodes.size(), s.graph().num_nodes());
    std::set<std::string> dnnl_ops;
    for (size_t k = 0; k < nodes.size(); ++k) {
      const std::string& op = nodes[k]->op_type();
      EXPECT_EQ(report[k].second, kDnnlOps.count(op) ? "dnnl" : "ref") << op << " " << report[k].first;
      if (report[k].second == "dnnl") dnnl_ops.insert(op);
    }
    // Convolutions and the matmul are there in some form.
    EXPECT_TRUE(dnnl_ops.count("Conv") || dnnl_ops.count("FusedConv") || dnnl_ops.count("NhwcConv"));
    EXPECT_TRUE(dnnl_ops.count("MatMul") || dnnl_ops.count("FusedMatMul"));
  }
}

TEST(SessionKernels, ReferenceBackendOnlyRef) {
  ir::Model m = small_cnn();
  exec::Session s(m, options(exec::Backend::Reference));
  ASSERT_FALSE(s.kernel_report().empty());
  for (const auto& [name, kernel] : s.kernel_report()) EXPECT_EQ(kernel, "ref") << name;
}

TEST(SessionOptimize, FusesConvReluAndGoesChannelsLastOnlyOnDnnl) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 8, 8});
  auto* y = b.node("Conv", {x, b.weight("w", {8, 4, 3, 3}), b.weight("b", {8})}, {pads1()});
  b.output(b.node("Conv", {b.node("Relu", {y}), b.weight("w2", {8, 8, 3, 3})}, {pads1()}));
  ir::Model m = b.build();

  exec::Session dnnl(m, options(exec::Backend::Dnnl));
  EXPECT_GT(dnnl.optimize_stats().total(), 0u) << dnnl.optimize_stats().summary();
  EXPECT_GE(dnnl.optimize_stats().activations_fused, 1u);
  EXPECT_GT(dnnl.channels_last_nodes(), 0u);

  exec::Session ref(m, options(exec::Backend::Reference));
  EXPECT_GT(ref.optimize_stats().total(), 0u);
  EXPECT_EQ(ref.channels_last_nodes(), 0u);

  exec::Session plain(m, options(exec::Backend::Dnnl, false));
  EXPECT_EQ(plain.optimize_stats().total(), 0u);
  EXPECT_EQ(plain.channels_last_nodes(), 0u);

  const std::map<std::string, Tensor> feeds = {{"x", random_tensor({1, 4, 8, 8}, 51)}};
  expect_close(dnnl.run(feeds), plain.run(feeds), 1e-4);
  expect_close(ref.run(feeds), plain.run(feeds), 1e-4);
}

// ---- SessionOptions::input_shapes ----

TEST(SessionInputShapes, SpecializedBatchRefusesAnotherBatch) {
  ir::Model m = small_cnn();
  exec::SessionOptions o = options(exec::Backend::Dnnl);
  o.input_shapes = {{"x", {2, 3, 16, 16}}};
  exec::Session s(m, o, "cnn.onnx");
  auto out = s.run({{"x", random_tensor({2, 3, 16, 16}, 61)}});
  EXPECT_EQ(out[1].second.dims(), (std::vector<int64_t>{2, 10}));
  std::string msg = error_of([&] { s.run({{"x", random_tensor({3, 3, 16, 16}, 62)}}); });
  EXPECT_EQ(msg, "cnn.onnx: input 'x' has shape [3,3,16,16], the model expects float32 [2,3,16,16]");
}

TEST(SessionInputShapes, UnknownInputIsNamed) {
  ir::Model m = small_cnn();
  exec::SessionOptions o;
  o.input_shapes = {{"image", {2, 3, 16, 16}}};
  std::string msg = error_of([&] { exec::Session s(m, o, "cnn.onnx"); });
  EXPECT_EQ(msg, "cnn.onnx: input 'image': the model has no such input (inputs: x)");
}

}  // namespace
}  // namespace qtune
