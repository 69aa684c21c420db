#include "bench/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qtune::bench {

LatencySummary summarize_latencies(std::vector<double> ms) {
  LatencySummary s;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  s.count = static_cast<int64_t>(ms.size());
  s.mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  auto rank = [&](double p) {
    size_t r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(r, 1, ms.size()) - 1];
  };
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  s.min = ms.front();
  s.max = ms.back();
  return s;
}

}  // namespace qtune::bench
