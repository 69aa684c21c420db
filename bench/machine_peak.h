// The machine's measured single-core peaks: an FMA loop (AVX-512 where the CPU has it,
// else AVX2) and a u8 x s8 dot-product loop (VNNI, else AVX2's pair instructions), each
// with enough independent accumulators to hide latency. Kernel benchmarks report their
// rates as a fraction of these, which says more than a raw number on an unknown, shared
// machine.
#pragma once

namespace qtune::bench {

// GFLOPS of one core (an FMA counts as 2 flops); measured once, then cached.
double measured_peak_gflops_per_core();
// INT8 GOPS of one core (a multiply-add counts as 2 ops); measured once, then cached.
double measured_peak_int8_gops_per_core();

}  // namespace qtune::bench
