// qtune benchmark MODEL [MODEL2 ...] [--batch B] [--shape NAME=DIMS] [--input NAME=FILE.npy]
//   [--warmup W] [--iters I | --seconds S] [--threads T] [--instances N] [--backend B]
//   [--peer CMD] [--json OUT]
// and the hidden worker it starts per model: qtune bench-worker MODEL [--input ...] ...
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "bench/benchmark.h"
#include "bench/worker_process.h"
#include "cli/commands.h"
#include "data/npy.h"
#include "data/npy_feeds.h"
#include "exec/session.h"
#include "ir/model_io.h"
#include "ir/shape_inference.h"
#include "util/atomic_file.h"

namespace qtune::cli {
namespace {

std::string self_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("qtune") : path.string();
}

}  // namespace

void add_benchmark_command(CLI::App& app) {
  struct Options {
    bench::BenchmarkOptions bench;
    std::vector<std::string> shapes, inputs;
    std::string json, data;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("benchmark", "Measure latency and throughput of models side by side");
  cmd->add_option("models", o->bench.models, "ONNX models (FP32 or qtune INT8); the first is the speedup baseline")
      ->required();
  cmd->add_option("--batch", o->bench.inputs.batch, "Batch size for a symbolic first input dim (default 1)");
  cmd->add_option("--shape", o->shapes, "NAME=DIMS for inputs with other symbolic dims, e.g. x=1,3,48,320");
  cmd->add_option("--input", o->inputs, "NAME=FILE.npy real input data instead of random data");
  cmd->add_option("--data", o->data,
                  "CONFIG.yaml: run on the first batch of its evaluation (else calibration) dataloader");
  cmd->add_option("--warmup", o->bench.warmup, "Untimed runs per model (default 3)");
  auto* iters = cmd->add_option("--iters", o->bench.iters, "Timed runs per model (and per instance)");
  cmd->add_option("--seconds", o->bench.seconds, "Seconds per model when --iters is not given (default 10)")
      ->excludes(iters);
  cmd->add_option("--threads", o->bench.threads, "Threads per instance (default: cores / instances)");
  cmd->add_option("--instances", o->bench.instances, "Concurrent instances, each pinned to its own cores");
  cmd->add_option("--backend", o->bench.backend, "qtune kernels: dnnl (default) or ref");
  cmd->add_option("--turn-ms", o->bench.turn_ms,
                  "Milliseconds each model runs before the next takes its turn (default 300)");
  cmd->add_option("--peer", o->bench.peers,
                  "Also run each model in another runtime through a worker command, e.g. "
                  "'node tools/ort/worker.mjs' for ONNX Runtime");
  cmd->add_option("--json", o->json, "Write the results as JSON to this file");
  cmd->add_flag("--quiet", o->bench.quiet, "No progress output");
  cmd->callback([o] {
    exec::parse_backend(o->bench.backend);  // validate before starting workers
    if (o->bench.inputs.batch < 1) throw Error("--batch must be >= 1");
    for (const auto& s : o->shapes) o->bench.inputs.shapes.insert(ir::parse_shape_arg(s));
    if (!o->data.empty() && !o->inputs.empty()) throw Error("--data and --input both give the inputs; use one");
    for (const auto& arg : o->inputs) {
      auto eq = arg.find('=');
      if (eq == std::string::npos) throw Error("--input " + arg + ": expected NAME=FILE.npy");
      o->bench.inputs.given[arg.substr(0, eq)] = data::read_npy(arg.substr(eq + 1));
    }
    if (!o->data.empty()) {
      o->bench.inputs.given = bench::inputs_from_config(o->data, ir::load_model(o->bench.models.front()));
      const Tensor& first = o->bench.inputs.given.begin()->second;
      if (first.rank() > 0) o->bench.inputs.batch = first.dim(0);  // items per run, for throughput
    }
    o->bench.self_exe = self_executable();
    auto results = bench::run_benchmark(o->bench);
    std::fputs(bench::format_benchmark_table(results).c_str(), stdout);
    if (!o->json.empty()) write_file_atomic(o->json, bench::benchmark_json(results).dump(2) + "\n");
  });
}

void add_bench_worker_command(CLI::App& app) {
  struct Options {
    std::string model, backend = "dnnl";
    std::vector<std::string> inputs;
    int threads = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("bench-worker", "");  // empty description: hidden, started by benchmark
  cmd->group("");
  cmd->add_option("model", o->model)->required();
  cmd->add_option("--backend", o->backend);
  cmd->add_option("--threads", o->threads);
  cmd->add_option("--input", o->inputs);
  cmd->callback([o] {
    int status = 0;
    try {
      exec::SessionOptions so;
      so.backend = exec::parse_backend(o->backend);
      so.threads = o->threads;
      ir::Model model = ir::load_model(o->model);
      auto feeds = data::read_npy_feeds(o->inputs, exec::fed_inputs(*model.graph));
      so.input_shapes = exec::shapes_of(feeds);
      exec::Session session(model, so, o->model);
      status = bench::serve_worker(std::string("qtune ") + o->backend, [&] { session.run(feeds); });
    } catch (const std::exception& e) {
      std::printf("error %s\n", e.what());
      status = 1;
    }
    std::fflush(stdout);
    if (status != 0) std::exit(status);
  });
}

}  // namespace qtune::cli
