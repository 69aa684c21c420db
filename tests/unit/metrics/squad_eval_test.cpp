// The official SQuAD v1.1 normalization, EM and F1 on hand examples, and Python's float
// repr for the printed scores.
#include "metrics/squad_eval.h"

#include <gtest/gtest.h>

#include "metrics/float_repr.h"

namespace qtune::metrics::squad {
namespace {

TEST(MetricSquadEval, NormalizationFollowsTheOfficialScript) {
  EXPECT_EQ(normalize_answer("The Cat!"), "cat");                                  // lower, drop "!", drop "the"
  EXPECT_EQ(normalize_answer("an apple a day"), "apple day");                      // articles as whole words only
  EXPECT_EQ(normalize_answer("the theater"), "theater");                           // "the" inside a word stays
  EXPECT_EQ(normalize_answer("A-B  c"), "ab c");                                   // '-' is ASCII punctuation
  EXPECT_EQ(normalize_answer("\xC3\x89l  caf\xC3\xA9"), "\xC3\xA9l caf\xC3\xA9");  // Unicode lower-case, accents kept
  EXPECT_EQ(normalize_answer("\xC2\xBFQu\xC3\xA9?"), "\xC2\xBFqu\xC3\xA9");        // only ASCII punctuation is removed
  // \b is Unicode-aware: "the" followed by "é" is one word, kept; "a" between spaces goes.
  EXPECT_EQ(normalize_answer("the\xC3\xA9 a x"), "the\xC3\xA9 x");
}

TEST(MetricSquadEval, ExactMatch) {
  EXPECT_TRUE(exact_match("The Cat!", "cat"));  // EM 100
  EXPECT_FALSE(exact_match("the cat sat", "cat"));
  EXPECT_EQ(best_exact_match("Denver", {"Broncos", "denver."}), 1);
  EXPECT_EQ(best_exact_match("Denver", {}), 0);
}

TEST(MetricSquadEval, F1CountsSharedTokens) {
  // "the cat sat" -> [cat, sat]; "cat sat on mat" -> [cat, sat, on, mat]:
  // 2 shared, P = 2/2, R = 2/4 -> F1 = 2 * 1 * .5 / 1.5 = 2/3.
  EXPECT_DOUBLE_EQ(f1_score("the cat sat", "cat sat on mat"), 2.0 / 3);
  // Repeated tokens count once per occurrence in both: "cat cat cat" vs "cat": 1 shared,
  // P = 1/3, R = 1 -> F1 = (2/3) / (4/3) = .5.
  EXPECT_DOUBLE_EQ(f1_score("cat cat cat", "cat"), 0.5);
  EXPECT_EQ(f1_score("dog", "cat"), 0);
  EXPECT_EQ(f1_score("the", "a"), 0);  // both normalize to nothing
  EXPECT_DOUBLE_EQ(best_f1("Santa Clara", {"Santa Clara, California", "Levi's Stadium"}), 0.8);
}

TEST(MetricSquadEval, PythonFloatRepr) {
  EXPECT_EQ(python_float_repr(90.0), "90.0");
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(81.2), "81.2");
  EXPECT_EQ(python_float_repr(80.88930936613056), "80.88930936613056");
  EXPECT_EQ(python_float_repr(100.0 * 2 / 3), "66.66666666666667");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1234567.0), "1234567.0");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(1.5e-07), "1.5e-07");
}

}  // namespace
}  // namespace qtune::metrics::squad
