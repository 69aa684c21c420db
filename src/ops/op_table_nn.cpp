// The neural-network ops (convolution, matmul, pooling, normalization, quantization): one line per op.
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

std::vector<const OpSpec*> nn_ops() {
  return {
  };
}

}  // namespace qtune::ops
