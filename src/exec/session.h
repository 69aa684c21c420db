// Session: a model prepared for repeated execution. Construction optimizes a private copy
// of the graph, checks every op is supported (one error listing all that are not), builds
// one kernel per node, and plans when each activation can be freed. run() then executes
// nodes in order, recycling buffers as soon as their last consumer ran.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/lower_qdq.h"
#include "passes/optimize.h"
#include "qtune/tensor.h"

namespace qtune::exec {

enum class Backend { Reference, Dnnl };

Backend parse_backend(const std::string& name);  // "ref" | "dnnl"; throws qtune::Error
const char* backend_name(Backend backend);

inline constexpr double kSingleThreadBelowMs = 1.5;

struct SessionOptions {
  Backend backend = Backend::Dnnl;
  // At most this many threads (0 = all cores). A model whose run takes under
  // kSingleThreadBelowMs with them runs on one thread from its fourth run on (per input
  // shape): there, waking and joining threads for every op costs more than it saves.
  int threads = 0;
  double single_thread_below_ms = kSingleThreadBelowMs;  // 0: never
  bool optimize = true;   // constant folding, dead-node elimination, fusions
  bool profile = false;   // time every node (RunStats::node_ms)
  // QDQ models: run quantized units on INT8 kernels (passes::lower_qdq). Off, the QDQ
  // graph runs as written: float ops on dequantized values (fake quantization).
  bool lower_int8 = true;
  // Fixes these inputs' shapes before optimizing: more fusions apply when shapes are known
  // (residual adds need both operands' shapes). Runs with other shapes are then refused.
  std::map<std::string, std::vector<int64_t>> input_shapes;
};

// The graph inputs a caller must feed (those without an initializer), in order.
std::vector<const ir::Value*> fed_inputs(const ir::Graph& graph);
// Shapes of the given feeds, for SessionOptions::input_shapes.
std::map<std::string, std::vector<int64_t>> shapes_of(const std::map<std::string, Tensor>& feeds);

// Called for every value as soon as it is computed (calibration observers, debugging).
// The tensor may be recycled after the callback returns: copy what you keep.
using ValueObserver = std::function<void(const ir::Value& value, const Tensor& tensor)>;

struct RunStats {
  int64_t peak_activation_bytes = 0;
  int threads = 0;  // threads the last run used
  // With SessionOptions::profile: milliseconds per step of the last run, in kernel_report() order.
  std::vector<double> node_ms;
  // With SessionOptions::profile: each step's first output, as Tensor::describe() prints it.
  std::vector<std::string> node_outputs;
};

class Session {
 public:
  // `source` names the model in error messages (usually its path).
  Session(const ir::Model& model, const SessionOptions& options, const std::string& source = "model");
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Inputs by graph-input name. Outputs by graph-output name, in graph order.
  std::vector<std::pair<std::string, Tensor>> run(const std::map<std::string, Tensor>& inputs,
                                                  const ValueObserver& observer = nullptr);

  const ir::Graph& graph() const;  // the optimized graph that runs
  // Graph inputs the caller must feed (not initializers), in order.
  std::vector<const ir::Value*> inputs() const;
  const RunStats& last_run_stats() const { return stats_; }
  int threads() const { return threads_; }
  // What the graph optimizations did (zeros with SessionOptions::optimize off).
  const passes::OptimizeStats& optimize_stats() const { return optimize_stats_; }
  size_t channels_last_nodes() const { return channels_last_nodes_; }
  // What the INT8 lowering did (empty for float models or with lower_int8 off).
  const passes::LowerQdqStats& lower_stats() const { return lower_stats_; }
  // How each node runs: "dnnl", "ref", ... (for --verbose and tests).
  std::vector<std::pair<std::string, std::string>> kernel_report() const;
  // The nodes in the order they run (the order of kernel_report() and RunStats::node_ms).
  std::vector<const ir::Node*> step_nodes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RunStats stats_;
  int threads_ = 1;
  bool profile_ = false;
  passes::OptimizeStats optimize_stats_;
  size_t channels_last_nodes_ = 0;
  passes::LowerQdqStats lower_stats_;
};

}  // namespace qtune::exec
