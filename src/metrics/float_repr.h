// Python's repr() of a float: the shortest text that reads back to the same double,
// "100.0" for integral values, exponent form below 1e-4 or from 1e16 ("1e-05", "1e+16").
// Used where we print what a Python tool prints (the SQuAD evaluation's JSON line).
#pragma once

#include <string>

namespace qtune::metrics {

std::string python_float_repr(double value);

}  // namespace qtune::metrics
