// Per-op-type and per-node time of a profiled Session, for `qtune run --profile`: where a
// model spends its time and which kernel (dnnl or ref) ran each node.
#pragma once

#include <string>
#include <vector>

#include "exec/session.h"

namespace qtune::analysis {

// `node_ms` holds one entry per step (as RunStats::node_ms), averaged over runs by the caller;
// `node_outputs` (RunStats::node_outputs, may be empty) names each slow node's output.
std::string format_profile(const exec::Session& session, const std::vector<double>& node_ms,
                           const std::vector<std::string>& node_outputs = {}, int top_nodes = 10);

}  // namespace qtune::analysis
