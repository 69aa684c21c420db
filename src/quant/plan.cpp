#include "quant/plan.h"

#include "backends/dnnl/dnnl_common.h"

#include "qtune/error.h"

namespace qtune::quant {

const char* precision_name(Precision p) { return p == Precision::INT8 ? "int8" : "fp32"; }

Precision parse_precision(const std::string& name) {
  if (name == "int8") return Precision::INT8;
  if (name == "fp32") return Precision::FP32;
  throw Error("precision '" + name + "': expected int8 or fp32");
}

bool cpu_has_vnni() { return backends::dnnl_backend::int8_kernels_have_vnni(); }

QuantPlan default_plan() {
  QuantPlan plan;
  plan.reduce_range = !cpu_has_vnni();
  plan.activation = default_activation();
  return plan;
}

ActivationConfig default_activation() {
  ActivationConfig a;
  a.scheme = cpu_has_vnni() ? Scheme::Int8Symmetric : Scheme::UInt8Asymmetric;
  return a;
}

}  // namespace qtune::quant
