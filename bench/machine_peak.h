// The machine's measured single-core float32 peak: an FMA loop with enough independent
// accumulators to hide FMA latency. Kernel benchmarks report their GFLOPS as a fraction of
// it, which says more than a raw number on an unknown, shared machine.
#pragma once

namespace qtune::bench {

// GFLOPS of one core (an FMA counts as 2 flops); measured once, then cached.
double measured_peak_gflops_per_core();

}  // namespace qtune::bench
