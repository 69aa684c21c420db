// The tensor-manipulation and elementwise ops: one line per op.
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

std::vector<const OpSpec*> tensor_ops() {
  return {
  };
}

}  // namespace qtune::ops
