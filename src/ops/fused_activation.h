// The activation a fusion pass folds into a compute op (Conv, ConvTranspose, MatMul, Gemm).
// Fused nodes live in the "com.qtune" domain (FusedConv, FusedConvTranspose, FusedMatMul,
// FusedGemm) and carry it as two attributes:
//   activation        string: "" (none) | Relu | LeakyRelu | Clip | Sigmoid | HardSigmoid |
//                     HardSwish | Tanh | GeluErf | GeluTanh | Swish
//   activation_params floats: LeakyRelu {alpha}; Clip {min, max}; HardSigmoid {alpha, beta}
//   activation_affine floats {scale, shift}, optional: y = scale * act(x) + shift, the
//                     learnable affine PP-LCNet puts after its activations
// The reference kernels apply it with apply(); the oneDNN kernels map it to post-ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qtune::ops {

struct FusedActivation {
  enum class Kind { None, Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, GeluErf, GeluTanh, Swish };
  Kind kind = Kind::None;
  float alpha = 0.0f;  // LeakyRelu slope, Clip min, HardSigmoid alpha
  float beta = 0.0f;   // Clip max, HardSigmoid beta
  bool has_affine = false;
  float scale = 1.0f, shift = 0.0f;  // applied after the activation when has_affine

  // Reads the two attributes; throws qtune::Error naming the node on an unknown name or a
  // wrong parameter count.
  static FusedActivation of(const ir::Node& node);
  // The attributes that describe this activation (empty list for None).
  std::vector<ir::Attribute> attributes() const;
  std::string name() const;

  float apply(float x) const;  // the activation, then the affine when present
  void apply(float* data, int64_t n) const;

 private:
  float activate(float x) const;
};

}  // namespace qtune::ops
