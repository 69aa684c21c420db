// qtune summarize MODEL [--shape NAME=DIMS ...] [--json]
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "ir/model_io.h"
#include "analysis/summary.h"

namespace qtune::cli {

void add_summarize_command(CLI::App& app) {
  struct Options {
    std::string model;
    std::vector<std::string> shapes;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("summarize", "Print a model's inputs, outputs, op mix, parameters and MACs");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--shape", opts->shapes, "Concrete input shape NAME=DIMS (e.g. x=1,3,48,320); repeatable");
  cmd->add_flag("--json", opts->json, "Print one JSON document instead of text");
  cmd->callback([opts] {
    ir::Model model = ir::load_model(opts->model);
    ir::InputShapes shapes;
    for (const auto& arg : opts->shapes) {
      auto [name, dims] = ir::parse_shape_arg(arg);
      shapes[name] = dims;
    }
    ir::ModelSummary summary;
    try {
      summary = ir::summarize_model(model, opts->model, shapes);
    } catch (const Error& e) {
      rethrow_with_context(opts->model, e);
    }
    std::string text = opts->json ? ir::summary_to_json(summary).dump(2) + "\n" : ir::format_summary_text(summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
  });
}

}  // namespace qtune::cli
