// Text and JSON renderings of a ModelSummary.
#include <fmt/format.h>

#include "analysis/summary.h"

namespace qtune::ir {
namespace {

std::string human(double v, const char* unit) {
  const char* prefixes[] = {"", "K", "M", "G", "T"};
  int p = 0;
  while (v >= 1000.0 && p < 4) {
    v /= 1000.0;
    ++p;
  }
  return p == 0 ? fmt::format("{:.0f} {}", v, unit) : fmt::format("{:.2f} {}{}", v, prefixes[p], unit);
}

std::string human_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 3) {
    v /= 1024.0;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", v, units[u]);
}

std::string opset_text(const std::vector<OpsetImport>& opsets) {
  std::string s;
  for (const auto& op : opsets) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", op.domain.empty() ? "ai.onnx" : op.domain, op.version);
  return s;
}

std::string shapes_text(const InputShapes& shapes) {
  std::string s;
  for (const auto& [name, dims] : shapes) s += fmt::format("{}{}=[{}]", s.empty() ? "" : " ", name, format_dims(dims));
  return s;
}

nlohmann::json shape_json(const Shape& shape) {
  if (!shape.has_rank()) return nullptr;
  auto arr = nlohmann::json::array();
  for (const Dim& d : *shape.dims) {
    if (d.is_known()) {
      arr.push_back(d.value);
    } else if (!d.symbol.empty()) {
      arr.push_back(d.symbol);
    } else {
      arr.push_back(nullptr);
    }
  }
  return arr;
}

nlohmann::json values_json(const std::vector<ValueSummary>& values) {
  auto arr = nlohmann::json::array();
  for (const auto& v : values)
    arr.push_back({{"name", v.name}, {"dtype", std::string(dtype_name(v.dtype))}, {"shape", shape_json(v.shape)}});
  return arr;
}

}  // namespace

std::string format_summary_text(const ModelSummary& s) {
  std::string out;
  auto line = [&](const std::string& l) { out += l + "\n"; };
  line(fmt::format("Model: {}", s.path));
  line(fmt::format("  producer: {} {}   ir_version: {}   opsets: {}", s.producer_name.empty() ? "(none)" : s.producer_name,
                   s.producer_version, s.ir_version, opset_text(s.opsets)));
  size_t width = 4;
  for (const auto& v : s.inputs) width = std::max(width, v.name.size());
  for (const auto& v : s.outputs) width = std::max(width, v.name.size());
  line(fmt::format("Inputs ({}):", s.inputs.size()));
  for (const auto& v : s.inputs) line(fmt::format("  {:<{}}  {:<8} {}", v.name, width, dtype_name(v.dtype), v.shape.to_string()));
  line(fmt::format("Outputs ({}):", s.outputs.size()));
  for (const auto& v : s.outputs) line(fmt::format("  {:<{}}  {:<8} {}", v.name, width, dtype_name(v.dtype), v.shape.to_string()));
  line(fmt::format("Likely inputs:  {}", fmt::join(s.likely_inputs, ", ")));
  line(fmt::format("Likely outputs: {}", fmt::join(s.likely_outputs, ", ")));
  std::string sub = s.num_subgraph_nodes ? fmt::format(", {} more in subgraphs", s.num_subgraph_nodes) : "";
  line(fmt::format("Ops ({} nodes, {} types{}):", s.num_nodes, s.op_types.size(), sub));
  size_t op_width = 8;
  for (const auto& ot : s.op_types) op_width = std::max(op_width, ot.op_type.size());
  for (const auto& ot : s.op_types) {
    std::string macs;
    if (s.total_macs && ot.macs > 0)
      macs = fmt::format("  {:>12}  {:5.1f}%", human(static_cast<double>(ot.macs), "MACs"),
                         *s.total_macs ? 100.0 * static_cast<double>(ot.macs) / static_cast<double>(*s.total_macs) : 0.0);
    line(fmt::format("  {:<{}} {:>6}{}", ot.op_type, op_width, ot.count, macs));
  }
  line(fmt::format("Parameters: {} ({})", s.param_count, human_bytes(s.param_bytes)));
  for (const auto& [dtype, cb] : s.params_by_dtype)
    line(fmt::format("  {:<8} {:>12} ({})", dtype, cb.first, human_bytes(cb.second)));
  if (s.total_macs) {
    line(fmt::format("MACs: {} ({}) for {}", *s.total_macs, human(static_cast<double>(*s.total_macs), "MACs"),
                     shapes_text(s.macs_input_shapes)));
    if (!s.macs_unknown_nodes.empty())
      line(fmt::format("  not counted ({} nodes with unknown shapes): {}", s.macs_unknown_nodes.size(),
                       fmt::join(s.macs_unknown_nodes, ", ")));
  } else {
    line("MACs: unknown (inputs have symbolic dims; give --shape NAME=DIMS)");
  }
  for (const auto& problem : s.shape_problems) line("Warning: " + problem);
  if (!s.unsupported_ops.empty())
    line(fmt::format("Ops qtune cannot run yet: {}", fmt::join(s.unsupported_ops, ", ")));
  return out;
}

nlohmann::json summary_to_json(const ModelSummary& s) {
  nlohmann::json j;
  j["model"] = s.path;
  j["ir_version"] = s.ir_version;
  j["producer"] = {{"name", s.producer_name}, {"version", s.producer_version}};
  auto opsets = nlohmann::json::array();
  for (const auto& op : s.opsets) opsets.push_back({{"domain", op.domain}, {"version", op.version}});
  j["opsets"] = opsets;
  j["inputs"] = values_json(s.inputs);
  j["outputs"] = values_json(s.outputs);
  j["likely_inputs"] = s.likely_inputs;
  j["likely_outputs"] = s.likely_outputs;
  j["num_nodes"] = s.num_nodes;
  j["num_subgraph_nodes"] = s.num_subgraph_nodes;
  auto ops = nlohmann::json::object();
  auto op_macs = nlohmann::json::object();
  for (const auto& ot : s.op_types) {
    ops[ot.op_type] = ot.count;
    if (ot.macs) op_macs[ot.op_type] = ot.macs;
  }
  j["op_types"] = ops;
  auto by_dtype = nlohmann::json::object();
  for (const auto& [dtype, cb] : s.params_by_dtype) by_dtype[dtype] = {{"count", cb.first}, {"bytes", cb.second}};
  j["parameters"] = {{"count", s.param_count}, {"bytes", s.param_bytes}, {"by_dtype", by_dtype}};
  if (s.total_macs) {
    auto shapes = nlohmann::json::object();
    for (const auto& [name, dims] : s.macs_input_shapes) shapes[name] = dims;
    j["macs"] = {{"total", *s.total_macs}, {"by_op_type", op_macs}, {"input_shapes", shapes},
                 {"unknown_nodes", s.macs_unknown_nodes}};
  } else {
    j["macs"] = nullptr;
  }
  j["unsupported_ops"] = s.unsupported_ops;
  j["shape_problems"] = s.shape_problems;
  return j;
}

}  // namespace qtune::ir
