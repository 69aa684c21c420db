#include "metrics/compare.h"

#include <fmt/format.h>

#include <cmath>

#include "qtune/error.h"

namespace qtune::metrics {

std::string OutputComparison::name() const {
  switch (kind_) {
    case Kind::MSE:
      return "MSE";
    case Kind::RMSE:
      return "RMSE";
    case Kind::MAE:
      return "MAE";
    case Kind::NMSE:
      return "NMSE";
    case Kind::SQNR:
      return "SQNR";
    case Kind::Cosine:
      return "CosineSimilarity";
    case Kind::Top1Agreement:
      return "Top1Agreement";
  }
  return "comparison";
}

bool OutputComparison::higher_is_better() const {
  return kind_ == Kind::SQNR || kind_ == Kind::Cosine || kind_ == Kind::Top1Agreement;
}

void OutputComparison::update(const std::vector<Tensor>&, const std::vector<data::Annotation>&) {
  throw Error(name() + ": compares a model's outputs with a reference model's outputs; it has no ground truth to use");
}

void OutputComparison::update_with_reference(const std::vector<Tensor>& outputs, const std::vector<Tensor>& reference) {
  if (outputs.size() != reference.size())
    throw Error(fmt::format("{}: the model gave {} outputs but the reference gave {}", name(), outputs.size(),
                            reference.size()));
  const size_t first = output_ ? *output_ : 0, last = output_ ? *output_ + 1 : outputs.size();
  if (last > outputs.size())
    throw Error(fmt::format("{}: output {} does not exist ({} outputs)", name(), first, outputs.size()));
  for (size_t o = first; o < last; ++o) {
    const Tensor& c = outputs[o];
    const Tensor& r = reference[o];
    if (c.dims() != r.dims() || c.dtype() == DataType::String || r.dtype() == DataType::String)
      throw Error(fmt::format("{}: output {} is {} but the reference's is {}", name(), o, c.describe(), r.describe()));
    const int64_t n = c.numel();
    for (int64_t i = 0; i < n; ++i) {
      const double cv = element(c, i), rv = element(r, i), diff = cv - rv;
      sums_.squared_error += diff * diff;
      sums_.absolute_error += std::fabs(diff);
      sums_.reference_power += rv * rv;
      sums_.candidate_power += cv * cv;
      sums_.dot += cv * rv;
    }
    sums_.elements += n;
    const int64_t width = c.rank() ? c.dim(-1) : 1;
    for (int64_t row = 0; width > 0 && row < n / width; ++row) {
      int64_t best_c = 0, best_r = 0;
      for (int64_t j = 1; j < width; ++j) {
        if (element(c, row * width + j) > element(c, row * width + best_c)) best_c = j;
        if (element(r, row * width + j) > element(r, row * width + best_r)) best_r = j;
      }
      sums_.agreeing_rows += best_c == best_r;
      ++sums_.rows;
    }
  }
}

double OutputComparison::value(Kind kind) const {
  if (sums_.elements == 0) throw Error(name() + ": no outputs were compared");
  const auto n = static_cast<double>(sums_.elements);
  switch (kind) {
    case Kind::MSE:
      return sums_.squared_error / n;
    case Kind::RMSE:
      return std::sqrt(sums_.squared_error / n);
    case Kind::MAE:
      return sums_.absolute_error / n;
    case Kind::NMSE:
      return sums_.reference_power > 0 ? sums_.squared_error / sums_.reference_power
                                       : (sums_.squared_error > 0 ? INFINITY : 0);
    case Kind::SQNR:
      if (sums_.squared_error == 0) return INFINITY;  // identical outputs
      return 10 * std::log10(sums_.reference_power / sums_.squared_error);
    case Kind::Cosine: {
      const double norms = std::sqrt(sums_.candidate_power) * std::sqrt(sums_.reference_power);
      if (norms == 0) return sums_.candidate_power == sums_.reference_power ? 1 : 0;  // both zero: identical
      return sums_.dot / norms;
    }
    case Kind::Top1Agreement:
      return sums_.rows ? static_cast<double>(sums_.agreeing_rows) / static_cast<double>(sums_.rows) : 0;
  }
  return 0;
}

std::string OutputComparison::summary() const {
  return fmt::format(
      "{} = {:.6g} (MSE {:.6g}, MAE {:.6g}, SQNR {:.2f} dB, cosine {:.6f}, top-1 agreement {:.4f}, {} elements)",
      name(), result(), value(Kind::MSE), value(Kind::MAE), value(Kind::SQNR), value(Kind::Cosine),
      value(Kind::Top1Agreement), sums_.elements);
}

nlohmann::json OutputComparison::to_json() const {
  auto finite = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"metric", name()}, {"value", finite(result())}, {"higher_is_better", higher_is_better()}};
  j["mse"] = value(Kind::MSE);
  j["rmse"] = value(Kind::RMSE);
  j["mae"] = value(Kind::MAE);
  j["nmse"] = finite(value(Kind::NMSE));
  j["sqnr_db"] = finite(value(Kind::SQNR));  // null = identical outputs (infinite SQNR)
  j["cosine_similarity"] = value(Kind::Cosine);
  j["top1_agreement"] = value(Kind::Top1Agreement);
  j["elements"] = sums_.elements;
  j["rows"] = sums_.rows;
  return j;
}

}  // namespace qtune::metrics
