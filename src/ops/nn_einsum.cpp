#include "ops/nn_einsum.h"

#include <algorithm>
#include <map>

namespace qtune::ops {
namespace {

int letter_id(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' : c - 'a' + 26; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// One side of the equation: letters with at most one "..." (ellipsis_at = its position
// among the letters, -1 when absent).
struct Term {
  std::vector<int> letters;
  int ellipsis_at = -1;
};

Term parse_term(const ir::Node& node, const std::string& text) {
  Term t;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "...") == 0) {
      if (t.ellipsis_at >= 0) fail(node, "equation term '" + text + "' has more than one '...'");
      t.ellipsis_at = static_cast<int>(t.letters.size());
      i += 2;
    } else if (is_letter(text[i])) {
      t.letters.push_back(letter_id(text[i]));
    } else {
      fail(node, "equation term '" + text + "' has the invalid character '" + std::string(1, text[i]) +
                     "', expected letters and '...'");
    }
  }
  return t;
}

}  // namespace

std::string einsum_label_name(int label) {
  if (label >= kEinsumEllipsisBase) return "'...' dimension " + std::to_string(label - kEinsumEllipsisBase);
  return std::string("'") + static_cast<char>(label < 26 ? 'A' + label : 'a' + label - 26) + "'";
}

EinsumSpec parse_einsum(const ir::Node& node, const std::vector<int>& ranks) {
  if (!node.has_attr("equation")) fail(node, "attribute 'equation' is required");
  std::string eq;
  for (char c : node.attr_string("equation", "")) if (c != ' ') eq += c;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(parse_term(node, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ranks.size())
    fail(node, "equation '" + eq + "' has " + std::to_string(terms.size()) + " operands, the node has " +
                   std::to_string(ranks.size()) + " inputs");
  // Each operand's ellipsis covers rank - letters dims; they broadcast right-aligned.
  int ellipsis_rank = 0;
  EinsumSpec spec;
  for (size_t k = 0; k < terms.size(); ++k) {
    const Term& t = terms[k];
    const int letters = static_cast<int>(t.letters.size());
    const int covered = ranks[k] - letters;
    if (t.ellipsis_at < 0 ? covered != 0 : covered < 0)
      fail(node, "equation term " + std::to_string(k) + " names " + std::to_string(letters) + " axes but input #" +
                     std::to_string(k) + " has rank " + std::to_string(ranks[k]));
    if (t.ellipsis_at >= 0) ellipsis_rank = std::max(ellipsis_rank, covered);
  }
  for (size_t k = 0; k < terms.size(); ++k) {
    const Term& t = terms[k];
    std::vector<int> labels(t.letters.begin(), t.letters.end());
    if (t.ellipsis_at >= 0) {
      const int covered = ranks[k] - static_cast<int>(t.letters.size());
      std::vector<int> dots;
      for (int j = 0; j < covered; ++j) dots.push_back(kEinsumEllipsisBase + ellipsis_rank - covered + j);
      labels.insert(labels.begin() + t.ellipsis_at, dots.begin(), dots.end());
    }
    spec.inputs.push_back(labels);
  }
  std::map<int, int> uses;
  for (const auto& labels : spec.inputs)
    for (int l : labels) ++uses[l];
  if (arrow == std::string::npos) {
    // Implicit output: the ellipsis dims, then the letters used exactly once, sorted.
    for (const auto& [label, count] : uses)
      if (label >= kEinsumEllipsisBase || count == 1) spec.output.push_back(label);
    std::stable_partition(spec.output.begin(), spec.output.end(), [](int l) { return l >= kEinsumEllipsisBase; });
    return spec;
  }
  Term out = parse_term(node, eq.substr(arrow + 2));
  spec.output = out.letters;
  if (out.ellipsis_at >= 0) {
    std::vector<int> dots;
    for (int j = 0; j < ellipsis_rank; ++j) dots.push_back(kEinsumEllipsisBase + j);
    spec.output.insert(spec.output.begin() + out.ellipsis_at, dots.begin(), dots.end());
  } else if (ellipsis_rank > 0) {
    fail(node, "equation '" + eq + "' uses '...' in the inputs but not in the output");
  }
  for (size_t i = 0; i < spec.output.size(); ++i) {
    const int l = spec.output[i];
    if (!uses.count(l)) fail(node, "equation output label " + einsum_label_name(l) + " appears in no input");
    if (std::count(spec.output.begin(), spec.output.end(), l) > 1)
      fail(node, "equation output label " + einsum_label_name(l) + " appears twice");
  }
  return spec;
}

}  // namespace qtune::ops
