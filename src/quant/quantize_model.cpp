#include "quant/quantize_model.h"

#include <chrono>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "ir/model_io.h"
#include "quant/prepare.h"
#include "qtune/error.h"

namespace qtune::quant {

QuantizeJobResult run_quantize_job(const QuantizeJob& job) {
  const ir::Model model = ir::load_model(job.model_path);
  const ir::Model prepared = prepare_for_quantization(model, job.model_path);
  QuantizeJobResult out;
  CalibrationStats stats;
  if (job.plan.dynamic) {
    // Activation ranges come at run time: nothing to calibrate.
  } else if (!job.stats_path.empty() && std::filesystem::exists(job.stats_path)) {
    stats = CalibrationStats::load(job.stats_path);
    stats.check_model(prepared, job.model_path);
    out.statistics_reused = true;
  } else {
    if (!job.samples) throw Error(job.model_path + ": no calibration data given");
    std::unique_ptr<SampleSource> samples = job.samples(prepared);
    CalibrationOptions options;
    options.sampling_size = job.sampling_size;
    options.threads = job.threads;
    options.quiet = job.quiet;
    options.model_source = job.model_path;
    const auto started = std::chrono::steady_clock::now();
    stats = calibrate(prepared, *samples, options);
    out.calibration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!job.stats_path.empty()) stats.save(job.stats_path);
  }
  out.calibration_samples = stats.samples;
  Quantizer quantizer(prepared, job.model_path);
  out.result = quantizer.quantize(stats, job.plan);
  ir::save_model(out.result.model, job.output_path);
  if (job.sensitivity_samples > 0) {
    if (!job.samples) throw Error(job.model_path + ": --sensitivity needs calibration data");
    std::unique_ptr<SampleSource> source = job.samples(prepared);
    std::vector<Feeds> samples;
    while (static_cast<int>(samples.size()) < job.sensitivity_samples)
      if (std::optional<Feeds> f = source->next())
        samples.push_back(std::move(*f));
      else
        break;
    SensitivityOptions options;
    options.threads = job.threads;
    options.quiet = job.quiet;
    out.sensitivity = unit_sensitivity(quantizer, stats, job.plan, samples, options);
  }
  return out;
}

std::string format_sensitivity(const std::vector<UnitSensitivity>& sensitivity, size_t count) {
  std::string text = "Most sensitive units (output SQNR with only that unit INT8; lower is worse):\n";
  for (size_t i = 0; i < std::min(count, sensitivity.size()); ++i)
    text += fmt::format("  {:>7.2f} dB  {:<28} {}\n", sensitivity[i].sqnr_db, sensitivity[i].name, sensitivity[i].label);
  return text;
}

std::string format_decisions(const QuantizeResult& result, bool verbose) {
  std::map<std::string, int> int8_by_op, fp32_by_op;
  for (const UnitDecision& d : result.decisions) {
    const std::string op = d.label.substr(0, d.label.find('+'));
    if (d.kind == UnitKind::Other) continue;
    (d.precision == Precision::INT8 ? int8_by_op : fp32_by_op)[op]++;
  }
  auto histogram = [](const std::map<std::string, int>& m) {
    std::string s;
    for (const auto& [op, n] : m) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", op, n);
    return s.empty() ? std::string("none") : s;
  };
  std::string text = fmt::format("INT8: {} ({} tensors quantized, {} weights)\n", histogram(int8_by_op),
                                 result.quantized_tensors, result.quantized_weights);
  text += fmt::format("FP32: {}\n", histogram(fp32_by_op));
  if (!verbose) return text;
  for (const UnitDecision& d : result.decisions) {
    if (d.kind == UnitKind::Other) continue;
    if (d.precision == Precision::INT8)
      text += fmt::format("  int8  {:<28} {}{}\n", d.name, d.label, d.note.empty() ? "" : "  (" + d.note + ")");
    else
      text += fmt::format("  fp32  {:<28} {}  ({})\n", d.name, d.label, d.reason);
  }
  std::map<std::string, int> other;
  for (const UnitDecision& d : result.decisions)
    if (d.kind == UnitKind::Other) other[d.label]++;
  if (!other.empty()) text += "  fp32  (no INT8 form): " + histogram(other) + "\n";
  return text;
}

}  // namespace qtune::quant
