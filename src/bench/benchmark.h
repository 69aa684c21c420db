// qtune benchmark: every model (and every peer runtime on every model) runs in its own
// worker process; the parent lets them take short turns (~0.3 s each, the first run of a
// turn discarded as re-warm-up) so that their ratios hold on a shared, noisy machine,
// then reports latency percentiles, throughput and peak memory per model with a speedup
// column against the first one.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_inputs.h"
#include "bench/latency_stats.h"

namespace qtune::bench {

struct BenchmarkOptions {
  std::vector<std::string> models;
  InputSpec inputs;
  int warmup = 3;        // untimed runs per worker
  int iters = 0;         // timed runs per worker; 0 = run for `seconds`
  double seconds = 10;   // per model, when iters == 0
  int threads = 0;       // per instance; 0 = the cores divided among instances
  int instances = 1;     // concurrent copies of each model, pinned to their own cores
  std::string backend = "dnnl";
  double turn_ms = 300;  // how long each entry runs before the next one takes its turn
  std::vector<std::string> peers;  // peer runtime commands, e.g. "node tools/ort/worker.mjs"
  std::string self_exe;            // the qtune executable (workers are `qtune bench-worker`)
  bool quiet = false;
};

struct BenchmarkResult {
  std::string model;
  std::string runtime;  // "qtune dnnl", "onnxruntime 1.30.0", ...
  int64_t batch = 1;
  int threads = 1;
  int instances = 1;
  LatencySummary latency;  // per run, milliseconds, over all instances
  double throughput = 0;   // items per second, all instances together
  int64_t peak_rss_bytes = 0;  // largest worker peak RSS
};

std::vector<BenchmarkResult> run_benchmark(const BenchmarkOptions& options);

// The side-by-side table (speedup against the first result).
std::string format_benchmark_table(const std::vector<BenchmarkResult>& results);
// {"models": [{model, runtime, batch, threads, instances, latency_ms{mean,p50,p90,p99},
//   throughput, peak_rss_bytes, speedup}, ...]} in command-line order.
nlohmann::json benchmark_json(const std::vector<BenchmarkResult>& results);

}  // namespace qtune::bench
