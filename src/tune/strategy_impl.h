// The strategies, one file each (strategy_<name>.cpp), and what they share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tune/strategy.h"

namespace qtune::tune {

std::unique_ptr<Strategy> make_basic_strategy(TuningContext& context);
std::unique_ptr<Strategy> make_mse_strategy(TuningContext& context);
std::unique_ptr<Strategy> make_conservative_strategy(TuningContext& context);
std::unique_ptr<Strategy> make_exhaustive_strategy(TuningContext& context);
std::unique_ptr<Strategy> make_random_strategy(TuningContext& context);
std::unique_ptr<Strategy> make_bayesian_strategy(TuningContext& context);

// "a, b, c (+4 more)"
std::string join_units(const std::vector<std::string>& units, size_t max_shown = 4);

}  // namespace qtune::tune
