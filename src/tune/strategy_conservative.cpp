// conservative: start from FP32 (every fallback candidate of the default configuration)
// and quantize one op type at a time, in order of expected speed gain: Conv,
// ConvTranspose, MatMul, Gemm (where INT8 kernels win most), then the other op types of
// the candidates in the order they first appear in the graph. Each trial turns one more
// op type INT8 on top of those kept so far; the op type is kept if the trial meets the
// criterion, else it goes back to FP32. Done after the last op type. For models where
// accuracy matters more than speed: no kept step ever loses the criterion.
#include <algorithm>
#include <map>

#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

const std::vector<std::string> kFastestFirst = {"Conv", "ConvTranspose", "MatMul", "Gemm"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class ConservativeStrategy final : public Strategy {
 public:
  explicit ConservativeStrategy(TuningContext& context) : base_(context.default_trial()) {
    std::map<std::string, std::string> op_type_of;
    for (const quant::Unit& u : context.quantizer().units()) op_type_of[u.name] = u.op_type;
    std::vector<std::string> graph_order;  // op types by first appearance
    for (const std::string& name : context.fallback_candidates(base_)) {
      const std::string& op = op_type_of.at(name);
      candidates_.emplace_back(name, op);
      if (!contains(graph_order, op)) graph_order.push_back(op);
    }
    for (const std::string& op : kFastestFirst)
      if (contains(graph_order, op)) op_order_.push_back(op);
    for (const std::string& op : graph_order)
      if (!contains(kFastestFirst, op)) op_order_.push_back(op);
  }

  bool stops_at_first_pass() const override { return false; }

  std::optional<TrialSpec> next(const std::vector<TrialResult>& history) override {
    if (proposed_ > 0 && history.back().meets) kept_.push_back(op_order_[proposed_ - 1]);
    if (proposed_ == op_order_.size()) return std::nullopt;
    const std::string& op = op_order_[proposed_++];
    std::vector<std::string> fp32;
    size_t turned_on = 0;
    for (const auto& [name, unit_op] : candidates_) {
      if (unit_op == op)
        ++turned_on;
      else if (!contains(kept_, unit_op))
        fp32.push_back(name);
    }
    std::string description = "quantize ";
    description.append(op).append(" (").append(std::to_string(turned_on)).append(turned_on == 1 ? " unit)" : " units)");
    if (kept_.empty())
      description.append(", the rest FP32");
    else
      description.append(" on top of INT8 ").append(join_units(kept_, kept_.size()));
    return with_fallbacks(base_, fp32, description);
  }

 private:
  TrialSpec base_;
  std::vector<std::pair<std::string, std::string>> candidates_;  // (unit, op type), graph order
  std::vector<std::string> op_order_;  // the order op types are tried in
  std::vector<std::string> kept_;      // op types whose trial met the criterion: INT8 from then on
  size_t proposed_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_conservative_strategy(TuningContext& context) {
  return std::make_unique<ConservativeStrategy>(context);
}

}  // namespace qtune::tune
