#include "analysis/profile_report.h"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

namespace qtune::analysis {

std::string format_profile(const exec::Session& session, const std::vector<double>& node_ms,
                           const std::vector<std::string>& node_outputs, int top_nodes) {
  auto report = session.kernel_report();
  std::vector<const ir::Node*> nodes = session.step_nodes();
  const double total = std::accumulate(node_ms.begin(), node_ms.end(), 0.0);
  struct Row {
    double ms = 0;
    int count = 0;
  };
  std::map<std::string, Row> by_type;  // "op_type [kernel]"
  for (size_t i = 0; i < node_ms.size() && i < nodes.size(); ++i) {
    Row& r = by_type[nodes[i]->op_type() + " [" + report[i].second + "]"];
    r.ms += node_ms[i];
    ++r.count;
  }
  std::vector<std::pair<std::string, Row>> rows(by_type.begin(), by_type.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
  std::string out = fmt::format("Profile: {:.3f} ms in {} nodes\n{:<34} {:>6} {:>10} {:>7}\n", total, node_ms.size(),
                                "op type [kernel]", "nodes", "ms", "share");
  for (const auto& [name, r] : rows)
    out += fmt::format("{:<34} {:>6} {:>10.3f} {:>6.1f}%\n", name, r.count, r.ms, total > 0 ? 100.0 * r.ms / total : 0.0);
  std::vector<size_t> order(node_ms.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return node_ms[a] > node_ms[b]; });
  out += fmt::format("Slowest nodes:\n");
  for (size_t k = 0; k < order.size() && k < static_cast<size_t>(top_nodes); ++k) {
    size_t i = order[k];
    out += fmt::format("  {:<40} {:<14} {:>9.3f} ms  {}\n", report[i].first, nodes[i]->op_type(), node_ms[i],
                       i < node_outputs.size() ? node_outputs[i] : "");
  }
  return out;
}

}  // namespace qtune::analysis
