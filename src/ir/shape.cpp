#include "ir/shape.h"

#include "qtune/error.h"

namespace qtune::ir {

Shape Shape::of(const std::vector<int64_t>& sizes) {
  Shape s;
  s.dims.emplace();
  for (int64_t v : sizes) s.dims->push_back(Dim::known(v));
  return s;
}

bool Shape::is_fully_known() const {
  if (!dims) return false;
  for (const auto& d : *dims)
    if (!d.is_known()) return false;
  return true;
}

std::vector<int64_t> Shape::sizes() const {
  if (!is_fully_known()) throw Error("shape " + to_string() + " is not fully known");
  std::vector<int64_t> out;
  for (const auto& d : *dims) out.push_back(d.value);
  return out;
}

std::string Shape::to_string() const {
  if (!dims) return "unknown";
  std::string s = "[";
  for (size_t i = 0; i < dims->size(); ++i) {
    if (i) s += ',';
    const Dim& d = (*dims)[i];
    s += d.is_known() ? std::to_string(d.value) : (d.symbol.empty() ? "?" : d.symbol);
  }
  return s + "]";
}

}  // namespace qtune::ir
