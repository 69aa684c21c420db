#include "bench/benchmark.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "bench/worker_process.h"
#include "data/npy.h"
#include "ir/model_io.h"
#include "qtune/error.h"
#include "util/progress.h"

namespace qtune::bench {
namespace {

namespace fs = std::filesystem;

// One model in one runtime, with its concurrent instances.
struct Entry {
  std::string model;
  std::string runtime;
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  std::vector<double> times;
  double busy_seconds = 0;  // time of the recorded runs (instances overlap)
  int64_t runs = 0;          // recorded runs per instance
  double warmup_ms = 0;      // latency of the last warm-up run
};

std::vector<std::string> split_words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) throw Error("--peer: empty command");
  return words;
}

// Writes the model's benchmark inputs where every worker can read them.
std::vector<std::string> write_inputs(const std::string& model_path, const InputSpec& spec, const fs::path& dir) {
  ir::Model model = ir::load_model(model_path);
  std::map<std::string, Tensor> feeds = make_bench_inputs(*model.graph, spec, model_path);
  fs::create_directories(dir);
  std::vector<std::string> args;
  int i = 0;
  for (const auto& [name, tensor] : feeds) {
    fs::path file = dir / ("input" + std::to_string(i++) + ".npy");
    data::write_npy(file.string(), tensor);
    args.push_back(name + "=" + file.string());
  }
  return args;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "qtune-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw Error("benchmark: cannot create a temporary directory");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One turn of an entry: 1 + k runs on every instance. The first run re-warms caches and
// thread pools after the other runtimes' turns (a spinning or sleeping pool left by the
// previous runtime otherwise skews whoever comes next) and is not recorded.
void run_turn(Entry& e, int k, bool record) {
  for (auto& w : e.workers) w->send("run " + std::to_string(k + 1));
  double turn_seconds = 0;
  for (auto& w : e.workers) {
    std::vector<double> times = w->parse_times(w->receive());
    if (!record || times.empty()) continue;
    e.times.insert(e.times.end(), times.begin() + 1, times.end());
    double sum = 0;
    for (size_t i = 1; i < times.size(); ++i) sum += times[i];
    turn_seconds = std::max(turn_seconds, sum / 1000.0);  // instances run concurrently
  }
  if (!record) return;
  e.busy_seconds += turn_seconds;
  e.runs += k;
}

// Runs per turn so that a turn lasts about `turn_ms` (from the warm-up latency).
int runs_per_turn(const Entry& e, double turn_ms) {
  double latency = e.warmup_ms > 0 ? e.warmup_ms : 1.0;
  return static_cast<int>(std::clamp(turn_ms / latency, 1.0, 1000.0));
}

}  // namespace

std::vector<BenchmarkResult> run_benchmark(const BenchmarkOptions& o) {
  if (o.models.empty()) throw Error("benchmark: no model given");
  if (o.instances < 1) throw Error("--instances must be >= 1");
  if (o.threads < 0) throw Error("--threads must be >= 0");
  if (o.iters < 0 || o.seconds <= 0) throw Error("--iters must be >= 0 and --seconds > 0");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = o.threads > 0 ? o.threads : std::max(1, cores / o.instances);
  TempDir tmp;
  std::vector<Entry> entries;
  for (size_t m = 0; m < o.models.size(); ++m) {
    std::vector<std::string> inputs = write_inputs(o.models[m], o.inputs, tmp.path() / std::to_string(m));
    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> own = {o.self_exe, "bench-worker", o.models[m], "--backend", o.backend, "--threads",
                                    std::to_string(threads)};
    for (const auto& in : inputs) own.insert(own.end(), {"--input", in});
    commands.push_back(own);
    for (const std::string& peer : o.peers) {
      std::vector<std::string> cmd = split_words(peer);
      cmd.insert(cmd.end(), {o.models[m], std::to_string(threads)});
      cmd.insert(cmd.end(), inputs.begin(), inputs.end());
      commands.push_back(cmd);
    }
    for (const auto& cmd : commands) {
      Entry e;
      e.model = o.models[m];
      for (int i = 0; i < o.instances; ++i) {
        std::vector<int> cpus;
        if (o.instances > 1)
          for (int t = 0; t < threads; ++t) cpus.push_back((i * threads + t) % cores);
        e.workers.push_back(std::make_unique<WorkerProcess>(cmd, cpus));
      }
      for (auto& w : e.workers) e.runtime = w->wait_ready();
      entries.push_back(std::move(e));
    }
  }
  for (Entry& e : entries)
    for (int i = 0; i < std::max(1, o.warmup); ++i) {
      e.workers.front()->send("run 1");
      for (size_t w = 1; w < e.workers.size(); ++w) e.workers[w]->send("run 1");
      for (auto& w : e.workers) {
        std::vector<double> t = w->parse_times(w->receive());
        if (!t.empty()) e.warmup_ms = t.back();
      }
    }

  // Entries take turns of ~turn_ms each until every one has its runs or its time, so a
  // change in machine load hits all of them alike.
  const int64_t target = o.iters;
  Progress progress("benchmark", target > 0 ? target * static_cast<int64_t>(entries.size()) : 0, o.quiet);
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    bool any = false;
    for (Entry& e : entries) {
      int k = runs_per_turn(e, o.turn_ms);
      if (target > 0) k = static_cast<int>(std::min<int64_t>(k, target - e.runs));
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (k <= 0 || (target == 0 && elapsed >= o.seconds * static_cast<double>(entries.size()))) continue;
      run_turn(e, k, true);
      progress.advance(k);
      any = true;
    }
    if (!any) break;
  }
  progress.finish();

  std::vector<BenchmarkResult> results;
  for (Entry& e : entries) {
    BenchmarkResult r;
    r.model = e.model;
    r.runtime = e.runtime;
    r.batch = o.inputs.batch;
    r.threads = threads;
    r.instances = o.instances;
    r.latency = summarize_latencies(e.times);
    r.throughput = e.busy_seconds > 0 ? static_cast<double>(e.runs * o.instances * r.batch) / e.busy_seconds : 0;
    for (auto& w : e.workers) {
      w->send("rss");
      std::string reply = w->receive();
      if (reply.rfind("rss ", 0) == 0) r.peak_rss_bytes = std::max<int64_t>(r.peak_rss_bytes, std::stoll(reply.substr(4)));
    }
    results.push_back(r);
  }
  return results;
}

std::string format_benchmark_table(const std::vector<BenchmarkResult>& results) {
  std::string out = fmt::format("{:<36} {:<22} {:>5} {:>3} {:>4} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>8}\n", "model",
                                "runtime", "batch", "thr", "inst", "mean ms", "p50 ms", "p90 ms", "p99 ms", "items/s",
                                "peak MB", "speedup");
  const double base = results.empty() ? 0 : results.front().throughput;
  for (const auto& r : results) {
    std::string name = fs::path(r.model).filename().string();
    out += fmt::format("{:<36} {:<22} {:>5} {:>3} {:>4} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>10.1f} {:>9.1f} {:>7.2f}x\n",
                       name, r.runtime, r.batch, r.threads, r.instances, r.latency.mean, r.latency.p50, r.latency.p90,
                       r.latency.p99, r.throughput, static_cast<double>(r.peak_rss_bytes) / 1e6,
                       base > 0 ? r.throughput / base : 0.0);
  }
  return out;
}

nlohmann::json benchmark_json(const std::vector<BenchmarkResult>& results) {
  nlohmann::json models = nlohmann::json::array();
  const double base = results.empty() ? 0 : results.front().throughput;
  for (const auto& r : results) {
    models.push_back({{"model", r.model},
                      {"runtime", r.runtime},
                      {"batch", r.batch},
                      {"threads", r.threads},
                      {"instances", r.instances},
                      {"latency_ms", {{"mean", r.latency.mean}, {"p50", r.latency.p50}, {"p90", r.latency.p90}, {"p99", r.latency.p99}}},
                      {"runs", r.latency.count},
                      {"throughput", r.throughput},
                      {"peak_rss_bytes", r.peak_rss_bytes},
                      {"speedup", base > 0 ? r.throughput / base : 0.0}});
  }
  return {{"models", models}};
}

}  // namespace qtune::bench
