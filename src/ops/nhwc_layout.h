// What the channels-last (NHWC) com.qtune ops share: the two permutations and the shape
// of a 4-D value seen in the other layout.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/shape.h"

namespace qtune::ops {

inline const std::vector<int64_t> kNhwcToNchw = {0, 3, 1, 2};
inline const std::vector<int64_t> kNchwToNhwc = {0, 2, 3, 1};

// `s` with its dims permuted (s unchanged when its rank is not 4).
inline ir::Shape permuted_shape(const ir::Shape& s, const std::vector<int64_t>& perm) {
  if (!s.has_rank() || s.rank() != 4) return s;
  ir::Shape out;
  out.dims.emplace();
  for (int64_t p : perm) out.dims->push_back((*s.dims)[static_cast<size_t>(p)]);
  return out;
}

}  // namespace qtune::ops
