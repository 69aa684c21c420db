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
#include "qtune/tensor.h"

namespace qtune::exec {

enum class Backend { Reference, Dnnl };

Backend parse_backend(const std::string& name);  // "ref" | "dnnl"; throws qtune::Error
const char* backend_name(Backend backend);

struct SessionOptions {
  Backend backend = Backend::Dnnl;
  int threads = 0;        // 0 = all cores
  bool optimize = true;   // constant folding, dead-node elimination, fusions
};

// Called for every value as soon as it is computed (calibration observers, debugging).
// The tensor may be recycled after the callback returns: copy what you keep.
using ValueObserver = std::function<void(const ir::Value& value, const Tensor& tensor)>;

struct RunStats {
  int64_t peak_activation_bytes = 0;
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
  // How each node runs: "dnnl", "ref", ... (for --verbose and tests).
  std::vector<std::pair<std::string, std::string>> kernel_report() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RunStats stats_;
  int threads_ = 1;
};

}  // namespace qtune::exec
