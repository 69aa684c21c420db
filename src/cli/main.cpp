// qtune command-line entry point: parse arguments, dispatch, map errors to exit codes.
// Exit status: 0 success, 1 a check failed (e.g. accuracy target missed), 2 bad input/usage.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "qtune/error.h"

int main(int argc, char** argv) {
  CLI::App app{"qtune: accuracy-driven INT8 quantization and inference for CPUs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "qtune 0.1.0");
  qtune::cli::add_summarize_command(app);
  qtune::cli::add_run_command(app);
  qtune::cli::add_metric_command(app);
  qtune::cli::add_render_text_command(app);
  qtune::cli::add_benchmark_command(app);
  qtune::cli::add_bench_worker_command(app);
  qtune::cli::add_eval_command(app);
  qtune::cli::add_quantize_command(app);
  qtune::cli::add_tune_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a check failed (exit 1); the command already said why
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "qtune: error: %s\n", e.what());
    return 2;
  } catch (const qtune::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "qtune: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "qtune: error: internal: %s\n", e.what());
    return 3;
  }
  return 0;
}
