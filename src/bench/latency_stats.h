// Latency statistics of a benchmark: mean and nearest-rank percentiles in milliseconds.
#pragma once

#include <cstdint>
#include <vector>

namespace qtune::bench {

struct LatencySummary {
  int64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, min = 0, max = 0;
};

LatencySummary summarize_latencies(std::vector<double> milliseconds);

}  // namespace qtune::bench
