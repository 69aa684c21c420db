// qtune run MODEL --input [NAME=]FILE.npy ... [--output-dir DIR] [--backend ref|dnnl] [--threads N]
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "analysis/profile_report.h"
#include "cli/commands.h"
#include "data/npy.h"
#include "data/npy_feeds.h"
#include "exec/session.h"
#include "ir/model_io.h"

namespace qtune::cli {
namespace {

// Output names become file names: anything outside [A-Za-z0-9._-] turns into '_'.
std::string file_safe(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  return out;
}

std::string stats_text(const Tensor& t) {
  if (t.dtype() == DataType::String || t.numel() == 0) return "";
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v = t.value_as_double(i);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  return fmt::format("  min {:.6g}  max {:.6g}  mean {:.6g}", lo, hi, sum / static_cast<double>(t.numel()));
}

}  // namespace

void add_run_command(CLI::App& app) {
  struct Options {
    std::string model;
    std::vector<std::string> inputs;
    std::string output_dir;
    std::string backend = "dnnl";
    int threads = 0;
    bool profile = false;
    int repeat = 1;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("run", "Run a model on .npy inputs and write its outputs as .npy files");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--input", opts->inputs, "NAME=FILE.npy (or FILE.npy for a single-input model); repeatable")->required();
  cmd->add_option("--output-dir", opts->output_dir, "Write each output to DIR/<output name>.npy");
  cmd->add_option("--backend", opts->backend, "Kernels: dnnl (fast, default) or ref (portable reference)");
  cmd->add_option("--threads", opts->threads, "Threads (default: all cores)");
  cmd->add_flag("--profile", opts->profile, "Print time per op type and the slowest nodes");
  cmd->add_option("--repeat", opts->repeat, "Run this many times (the profile averages all but the first)");
  cmd->callback([opts] {
    exec::SessionOptions so;
    so.backend = exec::parse_backend(opts->backend);
    so.threads = opts->threads;
    so.profile = opts->profile;
    if (opts->repeat < 1) throw Error("--repeat must be >= 1");
    if (opts->threads < 0) throw Error("--threads must be >= 0");
    ir::Model model = ir::load_model(opts->model);
    std::map<std::string, Tensor> feeds = data::read_npy_feeds(opts->inputs, exec::fed_inputs(*model.graph));
    so.input_shapes = exec::shapes_of(feeds);
    exec::Session session(model, so, opts->model);
    auto outputs = session.run(feeds);
    std::vector<double> node_ms = session.last_run_stats().node_ms;
    for (int r = 1; r < opts->repeat; ++r) {
      // Freed first, as a serving loop would: held through the next run, the outputs' buffers
      // make it allocate fresh memory, whose first touch costs page faults (PP-OCR det: 30-80
      // a run) that the profile would charge to whichever node allocates.
      outputs.clear();
      outputs = session.run(feeds);
      const auto& latest = session.last_run_stats().node_ms;
      if (r == 1) node_ms.assign(latest.size(), 0.0);  // the first run (warm-up) is left out
      for (size_t i = 0; i < latest.size(); ++i) node_ms[i] += latest[i] / (opts->repeat - 1);
    }
    if (opts->profile) std::fputs(analysis::format_profile(session, node_ms, session.last_run_stats().node_outputs).c_str(), stdout);
    if (!opts->output_dir.empty()) std::filesystem::create_directories(opts->output_dir);
    for (const auto& [name, tensor] : outputs) {
      std::string line = fmt::format("{}: {}{}", name, tensor.describe(), stats_text(tensor));
      if (!opts->output_dir.empty()) {
        std::string path = (std::filesystem::path(opts->output_dir) / (file_safe(name) + ".npy")).string();
        data::write_npy(path, tensor);
        line += "  -> " + path;
      }
      std::printf("%s\n", line.c_str());
    }
    std::printf("peak activation memory: %.1f MB\n",
                static_cast<double>(session.last_run_stats().peak_activation_bytes) / 1e6);
  });
}

}  // namespace qtune::cli
