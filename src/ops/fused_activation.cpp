#include "ops/fused_activation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace qtune::ops {
namespace {

using Kind = FusedActivation::Kind;

struct KindName {
  Kind kind;
  const char* name;
  size_t params;  // how many activation_params it takes
};

constexpr std::array<KindName, 11> kKinds = {{
    {Kind::None, "", 0},
    {Kind::Relu, "Relu", 0},
    {Kind::LeakyRelu, "LeakyRelu", 1},
    {Kind::Clip, "Clip", 2},
    {Kind::Sigmoid, "Sigmoid", 0},
    {Kind::HardSigmoid, "HardSigmoid", 2},
    {Kind::HardSwish, "HardSwish", 0},
    {Kind::Tanh, "Tanh", 0},
    {Kind::GeluErf, "GeluErf", 0},
    {Kind::GeluTanh, "GeluTanh", 0},
    {Kind::Swish, "Swish", 0},
}};

const KindName& entry(Kind kind) {
  for (const KindName& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

FusedActivation FusedActivation::of(const ir::Node& node) {
  const std::string name = node.attr_string("activation", "");
  const std::vector<float> params = node.attr_floats("activation_params", {});
  for (const KindName& k : kKinds) {
    if (name != k.name) continue;
    if (params.size() != k.params)
      throw Error(node.describe() + ": activation '" + name + "' takes " + std::to_string(k.params) +
                  " activation_params, got " + std::to_string(params.size()));
    FusedActivation a;
    a.kind = k.kind;
    if (!params.empty()) a.alpha = params[0];
    if (params.size() > 1) a.beta = params[1];
    if (node.has_attr("activation_affine")) {
      const std::vector<float> affine = node.attr_floats("activation_affine", {});
      if (affine.size() != 2)
        throw Error(node.describe() + ": activation_affine takes {scale, shift}, got " + std::to_string(affine.size()) +
                    " values");
      a.has_affine = true;
      a.scale = affine[0];
      a.shift = affine[1];
    }
    return a;
  }
  throw Error(node.describe() + ": unknown activation '" + name +
              "' (expected Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, GeluErf, GeluTanh or Swish)");
}

std::string FusedActivation::name() const { return entry(kind).name; }

std::vector<ir::Attribute> FusedActivation::attributes() const {
  std::vector<ir::Attribute> attrs;
  const KindName& k = entry(kind);
  if (kind == Kind::None) return attrs;
  attrs.push_back(ir::Attribute::make_string("activation", k.name));
  if (k.params == 1) attrs.push_back(ir::Attribute::make_floats("activation_params", {alpha}));
  if (k.params == 2) attrs.push_back(ir::Attribute::make_floats("activation_params", {alpha, beta}));
  if (has_affine) attrs.push_back(ir::Attribute::make_floats("activation_affine", {scale, shift}));
  return attrs;
}

float FusedActivation::apply(float x) const {
  const float y = activate(x);
  return has_affine ? scale * y + shift : y;
}

float FusedActivation::activate(float x) const {
  switch (kind) {
    case Kind::None: return x;
    case Kind::Relu: return x > 0.0f ? x : 0.0f;
    case Kind::LeakyRelu: return x >= 0.0f ? x : alpha * x;
    case Kind::Clip: return std::min(std::max(x, alpha), beta);
    case Kind::Sigmoid: return sigmoid(x);
    case Kind::HardSigmoid: return std::min(std::max(alpha * x + beta, 0.0f), 1.0f);
    case Kind::HardSwish: return x * std::min(std::max(x / 6.0f + 0.5f, 0.0f), 1.0f);
    case Kind::Tanh: return std::tanh(x);
    case Kind::GeluErf: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Kind::GeluTanh: {
      const float inner = 0.79788456080286536f * (x + 0.044715f * x * x * x);
      return 0.5f * x * (1.0f + std::tanh(inner));
    }
    case Kind::Swish: return x * sigmoid(x);
  }
  return x;
}

void FusedActivation::apply(float* data, int64_t n) const {
  if (kind == Kind::None && !has_affine) return;
  for (int64_t i = 0; i < n; ++i) data[i] = apply(data[i]);
}

}  // namespace qtune::ops
