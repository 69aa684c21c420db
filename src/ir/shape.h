// Static shapes as the model declares them: each dim is a known size, a named
// symbol ("batch", "N"), or unknown. A shape of unknown rank has no dims at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qtune::ir {

struct Dim {
  int64_t value = -1;  // >= 0 when known
  std::string symbol;  // set when the model names the dim

  static Dim known(int64_t v) { return Dim{v, {}}; }
  static Dim symbolic(std::string s) { return Dim{-1, std::move(s)}; }
  bool is_known() const { return value >= 0; }
  bool operator==(const Dim&) const = default;
};

struct Shape {
  std::optional<std::vector<Dim>> dims;  // nullopt: rank unknown

  static Shape unknown() { return {}; }
  static Shape of(const std::vector<int64_t>& sizes);
  bool has_rank() const { return dims.has_value(); }
  int rank() const { return dims ? static_cast<int>(dims->size()) : -1; }
  bool is_fully_known() const;
  // Concrete sizes; only valid when is_fully_known().
  std::vector<int64_t> sizes() const;
  // "[1,3,?,N]" or "[?]" style; "unknown" when the rank is unknown.
  std::string to_string() const;
  bool operator==(const Shape&) const = default;
};

}  // namespace qtune::ir
