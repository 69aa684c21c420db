#include "exec/session.h"

#include <malloc.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "exec/buffer_pool.h"
#include "ir/model_io.h"
#include "ir/shape_inference.h"
#include "ops/op.h"
#include "passes/channels_last.h"
#include "passes/fold_constants.h"
#include "passes/optimize.h"

namespace qtune::exec {
namespace {

// Kernels allocate their outputs from the session's pool.
class PoolContext final : public ops::KernelContext {
 public:
  explicit PoolContext(BufferPool& pool) : pool_(pool) {}
  Tensor allocate(int, DataType type, const std::vector<int64_t>& dims) override { return pool_.allocate(type, dims); }

 private:
  BufferPool& pool_;
};

struct Step {
  const ir::Node* node = nullptr;
  std::unique_ptr<ops::Kernel> kernel;
  std::string kernel_name;
  std::vector<int> inputs;         // slot per node input, -1 when absent
  // Per input: where its slot first appears among the inputs (run() moves a slot's tensor
  // into the argument list once and copies it for the later positions).
  std::vector<int> first_use;
  std::vector<int> outputs;        // slot per node output, -1 when absent
  std::vector<int> release_after;  // slots whose last reader is this step
};

// What run() reads of a step, in one compact record, with the steps' slot lists laid end to
// end in one array (Session::Impl::run_io): the per-step vectors of Step sit in scattered
// heap blocks, and run() missed the cache on them at every step of a small model (PP-OCR
// cls: the loads of the input lists were the hottest instructions of Session::run).
struct RunStep {
  ops::Kernel* kernel = nullptr;
  int32_t inputs = 0, num_inputs = 0;    // run_io[inputs + i]: slot; run_io[inputs + num_inputs + i]: first use
  int32_t outputs = 0, num_outputs = 0;  // run_io[outputs + i]: slot
  int32_t releases = 0, num_releases = 0;
};

// Kernels allocate large temporaries (im2col columns, transposed copies). glibc serves
// those with fresh mmaps and returns them on free, so every run paid a page fault per
// 4 KiB touched: 10-20% of the detector's time. Keeping freed memory mapped makes the
// second run of a session as fast as the steady state. Process-wide, set once.
void keep_freed_memory_mapped() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum on 64-bit
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
}

std::string op_label(const ir::Node& n) { return n.domain().empty() ? n.op_type() : n.domain() + "." + n.op_type(); }

// One error listing every op type the model uses that qtune cannot run.
void check_supported(const ir::Graph& g, const std::string& source) {
  std::map<std::string, int> missing;
  for (const ir::Node* n : g.nodes())
    if (!ops::find_op(n->domain(), n->op_type())) ++missing[op_label(*n)];
  if (missing.empty()) return;
  std::string list;
  for (const auto& [op, count] : missing)
    list += (list.empty() ? "" : ", ") + op + " (" + std::to_string(count) + (count == 1 ? " node)" : " nodes)");
  throw Error(source + ": unsupported ops: " + list);
}

std::string expected_text(const ir::Value& v) {
  return std::string(dtype_name(v.dtype)) + " " + v.shape.to_string();
}

}  // namespace

Backend parse_backend(const std::string& name) {
  if (name == "ref") return Backend::Reference;
  if (name == "dnnl") return Backend::Dnnl;
  throw Error("--backend '" + name + "': expected 'ref' or 'dnnl'");
}

const char* backend_name(Backend backend) { return backend == Backend::Reference ? "ref" : "dnnl"; }

struct Session::Impl {
  ir::Model model;
  std::string source;
  std::vector<const ir::Value*> slot_values;
  std::unordered_map<const ir::Value*, int> slot_of;
  std::vector<Tensor> constants;  // per slot; defined for initializers
  // The slots of run(), kept between runs so that the constants (several per quantized
  // convolution) are not copied in on every run; run() resets the others (runtime_slots)
  // at its start and end.
  std::vector<Tensor> slots;
  std::vector<int> runtime_slots;  // no initializer, or a graph input (a feed may replace it)
  std::vector<Step> steps;
  std::vector<RunStep> run_steps;  // steps[i] as run() reads it
  std::vector<int32_t> run_io;
  std::vector<int> output_slots;
  BufferPool pool;
  // Per input-shape signature: the first kProbeRuns runs time the session with all its
  // threads; then it keeps them, or one thread for a model faster than
  // kSingleThreadBelowMs (see SessionOptions::threads).
  struct ThreadChoice {
    int runs = 0;
    double best_ms = 1e300;
    int threads = 0;  // 0 while probing
  };
  static constexpr int kProbeRuns = 3;
  std::map<std::vector<int64_t>, ThreadChoice> thread_choice;
  Backend backend = Backend::Dnnl;
  double single_thread_below_ms = kSingleThreadBelowMs;

  // The step keeps its kernel if making the new one throws.
  void make_kernel(Step& step, Backend b) {
    const ir::Node* n = step.node;
    std::unique_ptr<ops::Kernel> kernel = b == Backend::Dnnl ? backends::dnnl_backend::make_dnnl_kernel(*n) : nullptr;
    const char* name = kernel ? "dnnl" : "ref";
    if (!kernel) kernel = ops::find_op(n->domain(), n->op_type())->make_ref_kernel(*n);
    step.kernel = std::move(kernel);
    step.kernel_name = name;
  }

  // Lays the steps out for run(); again whenever their kernels are remade.
  void plan_run() {
    run_steps.clear();
    run_io.clear();
    auto append = [&](const std::vector<int>& list) {
      const auto begin = static_cast<int32_t>(run_io.size());
      run_io.insert(run_io.end(), list.begin(), list.end());
      return begin;
    };
    for (const Step& st : steps) {
      RunStep r;
      r.kernel = st.kernel.get();
      r.inputs = append(st.inputs);
      append(st.first_use);
      r.num_inputs = static_cast<int32_t>(st.inputs.size());
      r.outputs = append(st.outputs);
      r.num_outputs = static_cast<int32_t>(st.outputs.size());
      r.releases = append(st.release_after);
      r.num_releases = static_cast<int32_t>(st.release_after.size());
      run_steps.push_back(r);
    }
  }

  int slot(const ir::Value* v) {
    auto [it, fresh] = slot_of.emplace(v, static_cast<int>(slot_values.size()));
    if (fresh) {
      slot_values.push_back(v);
      constants.emplace_back(v->has_initializer() ? v->initializer() : Tensor());
    }
    return it->second;
  }
};

Session::Session(const ir::Model& model, const SessionOptions& options, const std::string& source)
    : impl_(std::make_unique<Impl>()) {
  keep_freed_memory_mapped();
  Impl& s = *impl_;
  s.model = ir::clone_model(model);
  s.source = source;
  threads_ = options.threads > 0 ? options.threads : omp_get_num_procs();
  s.backend = options.backend;
  s.single_thread_below_ms = options.single_thread_below_ms;
  profile_ = options.profile;
  ir::Graph& g = *s.model.graph;
  check_supported(g, source);
  if (!options.input_shapes.empty()) {
    try {
      ir::apply_input_shapes(g, options.input_shapes);
    } catch (const Error& e) {
      rethrow_with_context(source, e);
    }
  }
  if (options.optimize) {
    try {
      const bool lower = options.lower_int8 && passes::has_qdq(g);
      passes::FoldOptions fold;
      fold.keep_dequantized_weights = lower;
      passes::fold_constants(g, fold);
      optimize_stats_ = passes::optimize_graph(g);
      if (lower) {
        passes::LowerQdqOptions lowering;
        if (options.backend == Backend::Dnnl && !backends::dnnl_backend::int8_kernels_have_vnni())
          lowering.max_weight_magnitude = 64;
        lower_stats_ = passes::lower_qdq(g, lowering);
        passes::fold_constants(g);  // the weights of units that stayed float
      }
      // oneDNN convolutions run on NHWC activations without reorders; the reference
      // kernels gain nothing from it.
      if (options.backend == Backend::Dnnl) channels_last_nodes_ = passes::convert_to_channels_last(g);
    } catch (const Error& e) {
      rethrow_with_context(source, e);
    }
  }
  for (const ir::Value* v : g.inputs()) s.slot(v);
  for (const ir::Value* v : g.initializers()) s.slot(v);
  std::vector<ir::Node*> order = g.topological_order();
  std::unordered_map<int, size_t> last_reader;
  for (const ir::Node* n : order) {
    Step step;
    step.node = n;
    s.make_kernel(step, options.backend);
    for (const ir::Value* in : n->inputs()) {
      int slot = in ? s.slot(in) : -1;
      step.first_use.push_back(static_cast<int>(std::find(step.inputs.begin(), step.inputs.end(), slot) -
                                                step.inputs.begin()));
      step.inputs.push_back(slot);
      if (slot >= 0) last_reader[slot] = s.steps.size();
    }
    for (const ir::Value* out : n->outputs()) step.outputs.push_back(out ? s.slot(out) : -1);
    s.steps.push_back(std::move(step));
  }
  std::set<int> keep;
  for (const ir::Value* v : g.outputs()) {
    s.output_slots.push_back(s.slot(v));
    keep.insert(s.slot(v));
  }
  for (const auto& [slot, step_index] : last_reader)
    if (!keep.count(slot) && !s.constants[static_cast<size_t>(slot)].defined())
      s.steps[step_index].release_after.push_back(slot);
  // Outputs nobody reads (e.g. BatchNorm's optional extras) die right after their step.
  for (size_t i = 0; i < s.steps.size(); ++i)
    for (int slot : s.steps[i].outputs)
      if (slot >= 0 && !last_reader.count(slot) && !keep.count(slot)) s.steps[i].release_after.push_back(slot);
  s.plan_run();
}

Session::~Session() = default;

const ir::Graph& Session::graph() const { return *impl_->model.graph; }

std::vector<const ir::Value*> fed_inputs(const ir::Graph& graph) {
  std::vector<const ir::Value*> out;
  for (const ir::Value* v : graph.inputs())
    if (!v->has_initializer()) out.push_back(v);
  return out;
}

std::map<std::string, std::vector<int64_t>> shapes_of(const std::map<std::string, Tensor>& feeds) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& [name, t] : feeds) shapes[name] = t.dims();
  return shapes;
}

std::vector<const ir::Value*> Session::inputs() const { return fed_inputs(*impl_->model.graph); }

std::vector<std::pair<std::string, std::string>> Session::kernel_report() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Step& st : impl_->steps)
    out.emplace_back(st.node->name().empty() ? op_label(*st.node) : st.node->name(), st.kernel_name);
  return out;
}

std::vector<const ir::Node*> Session::step_nodes() const {
  std::vector<const ir::Node*> out;
  for (const Step& st : impl_->steps) out.push_back(st.node);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Session::run(const std::map<std::string, Tensor>& feeds,
                                                         const ValueObserver& observer) {
  Impl& s = *impl_;
  const ir::Graph& g = *s.model.graph;
  if (s.slots.size() != s.constants.size()) {
    s.slots = s.constants;
    s.runtime_slots.clear();
    for (size_t i = 0; i < s.constants.size(); ++i)
      if (!s.constants[i].defined() || s.slot_values[i]->is_graph_input())
        s.runtime_slots.push_back(static_cast<int>(i));
  }
  std::vector<Tensor>& slots = s.slots;
  for (int i : s.runtime_slots) slots[static_cast<size_t>(i)] = s.constants[static_cast<size_t>(i)];

  for (const auto& [name, tensor] : feeds) {
    const ir::Value* v = g.find_value(name);
    if (!v || !v->is_graph_input())
      throw Error(s.source + ": the model has no input '" + name + "' (inputs: " + ir::graph_input_names(g) + ")");
    if (v->dtype != DataType::Undefined && tensor.dtype() != v->dtype)
      throw Error(s.source + ": input '" + name + "' is " + tensor.describe() + ", the model expects " + expected_text(*v));
    if (v->shape.has_rank()) {
      bool ok = v->shape.rank() == tensor.rank();
      for (int i = 0; ok && i < tensor.rank(); ++i) {
        const ir::Dim& d = (*v->shape.dims)[static_cast<size_t>(i)];
        ok = !d.is_known() || d.value == tensor.dims()[static_cast<size_t>(i)];
      }
      if (!ok)
        throw Error(s.source + ": input '" + name + "' has shape [" + format_dims(tensor.dims()) +
                    "], the model expects " + expected_text(*v));
    }
    slots[static_cast<size_t>(s.slot_of.at(v))] = tensor;
  }
  for (const ir::Value* v : g.inputs())
    if (!slots[static_cast<size_t>(s.slot_of.at(v))].defined())
      throw Error(s.source + ": input '" + v->name() + "' is missing (" + expected_text(*v) + ")");
  if (observer)
    for (const ir::Value* v : g.inputs()) observer(*v, slots[static_cast<size_t>(s.slot_of.at(v))]);

  // One thread has nothing to choose: no signature, no timing.
  Impl::ThreadChoice single{0, 0, 1};
  Impl::ThreadChoice* choice = &single;
  if (threads_ > 1) {
    std::vector<int64_t> signature;
    for (const auto& [name, tensor] : feeds) {
      signature.insert(signature.end(), tensor.dims().begin(), tensor.dims().end());
      signature.push_back(-1);
    }
    if (s.thread_choice.size() > 4096) s.thread_choice.clear();  // a bound for ever-changing shapes
    choice = &s.thread_choice[signature];
  }
  const int threads = choice->threads > 0 ? choice->threads : threads_;
  const auto run_started = std::chrono::steady_clock::now();
  omp_set_num_threads(threads);
  PoolContext ctx(s.pool);
  ctx.threads = threads;
  stats_.threads = threads;
  s.pool.begin_run();
  std::vector<Tensor> in_buf, out_buf;
  stats_.node_ms.assign(profile_ ? s.steps.size() : 0, 0.0);
  stats_.node_outputs.assign(profile_ ? s.steps.size() : 0, std::string());
  const int32_t* io = s.run_io.data();
  for (size_t step_index = 0; step_index < s.run_steps.size(); ++step_index) {
    const RunStep& st = s.run_steps[step_index];
    const int32_t* inputs = io + st.inputs;
    const int32_t* first_use = inputs + st.num_inputs;
    const int32_t* outputs = io + st.outputs;
    const auto started = profile_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    // The inputs are moved out of their slots for the call and back after it: a copy would
    // allocate each tensor's dims and count references, ~300 times per run of a small model
    // (PP-OCR cls: malloc and free were 6% of its run time). A slot read twice is moved
    // once and copied for the later reads.
    in_buf.clear();
    for (int32_t i = 0; i < st.num_inputs; ++i) {
      const int slot = inputs[i];
      const int32_t first = first_use[i];
      if (slot < 0) {
        in_buf.emplace_back();
      } else if (first < i) {
        Tensor copy = in_buf[static_cast<size_t>(first)];
        in_buf.push_back(std::move(copy));
      } else {
        in_buf.push_back(std::move(slots[static_cast<size_t>(slot)]));
      }
    }
    out_buf.assign(static_cast<size_t>(st.num_outputs), Tensor());
    // Back into their slots whatever happens: the constants' slots live on to the next run.
    auto restore_inputs = [&] {
      for (int32_t i = 0; i < st.num_inputs; ++i)
        if (inputs[i] >= 0 && first_use[i] == i)
          slots[static_cast<size_t>(inputs[i])] = std::move(in_buf[static_cast<size_t>(i)]);
    };
    try {
      st.kernel->run(in_buf, out_buf, ctx);
    } catch (const Error& e) {
      restore_inputs();
      rethrow_with_context(s.source, e);
    } catch (...) {
      restore_inputs();
      throw;
    }
    restore_inputs();
    if (profile_) {
      stats_.node_ms[step_index] =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      if (!out_buf.empty() && out_buf[0].defined()) stats_.node_outputs[step_index] = out_buf[0].describe();
    }
    in_buf.clear();
    for (int32_t i = 0; i < st.num_outputs; ++i) {
      if (outputs[i] < 0) continue;
      slots[static_cast<size_t>(outputs[i])] = std::move(out_buf[static_cast<size_t>(i)]);
      if (observer)
        observer(*s.steps[step_index].node->output(i), slots[static_cast<size_t>(outputs[i])]);
    }
    for (int32_t i = 0; i < st.num_releases; ++i)
      s.pool.release(std::move(slots[static_cast<size_t>(io[st.releases + i])]));
  }
  stats_.peak_activation_bytes = s.pool.peak_bytes();
  std::vector<std::pair<std::string, Tensor>> outputs;
  for (size_t i = 0; i < s.output_slots.size(); ++i)
    outputs.emplace_back(g.outputs()[i]->name(), slots[static_cast<size_t>(s.output_slots[i])]);
  // The outputs are the caller's now; left in the pool's books they would count as live
  // activations in every later run.
  for (const auto& [name, tensor] : outputs) s.pool.forget(tensor);
  for (int i : s.runtime_slots) slots[static_cast<size_t>(i)] = Tensor();
  if (choice->threads == 0 && !observer && !profile_) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - run_started).count();
    choice->best_ms = std::min(choice->best_ms, ms);
    if (++choice->runs == Impl::kProbeRuns) {
      choice->threads = choice->best_ms < s.single_thread_below_ms ? 1 : threads_;
      // oneDNN fixes a primitive's thread count when it is created: fresh kernels build
      // theirs anew, on one thread.
      if (choice->threads == 1) {
        // run_steps point at the kernels: relaid whatever happens, so none points at a freed one.
        try {
          for (Step& st : s.steps) s.make_kernel(st, s.backend);
        } catch (...) {
          s.plan_run();
          throw;
        }
        s.plan_run();
      }
    }
  }
  return outputs;
}

}  // namespace qtune::exec
