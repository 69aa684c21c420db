#include "quant/plan.h"

#include <oneapi/dnnl/dnnl.hpp>

#include "qtune/error.h"

namespace qtune::quant {

const char* precision_name(Precision p) { return p == Precision::INT8 ? "int8" : "fp32"; }

Precision parse_precision(const std::string& name) {
  if (name == "int8") return Precision::INT8;
  if (name == "fp32") return Precision::FP32;
  throw Error("precision '" + name + "': expected int8 or fp32");
}

bool cpu_has_vnni() {
  // What oneDNN will use (it honours DNNL_MAX_CPU_ISA), not merely what the CPU has.
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  auto has = [isa](dnnl::cpu_isa feature) {
    const auto bits = static_cast<unsigned>(feature);
    return (isa & bits) == bits;
  };
  return has(dnnl::cpu_isa::avx512_core_vnni) || has(dnnl::cpu_isa::avx2_vnni);
}

QuantPlan default_plan() {
  QuantPlan plan;
  plan.reduce_range = !cpu_has_vnni();
  return plan;
}

}  // namespace qtune::quant
