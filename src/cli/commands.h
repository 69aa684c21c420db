// Each qtune subcommand lives in its own cmd_*.cpp: it declares its options on a
// CLI11 subcommand and calls the library. No algorithm code belongs here.
#pragma once

#include <CLI/CLI.hpp>

namespace qtune::cli {

void add_summarize_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_metric_command(CLI::App& app);
void add_render_text_command(CLI::App& app);
void add_benchmark_command(CLI::App& app);
void add_bench_worker_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_quantize_command(CLI::App& app);
void add_tune_command(CLI::App& app);

}  // namespace qtune::cli
