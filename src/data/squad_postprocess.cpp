#include "data/squad_postprocess.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "data/wordpiece.h"
#include "data/wordpiece_unicode.h"
#include "qtune/error.h"

namespace qtune::data {
namespace {

namespace uc = unicode;

// Indexes of the n largest logits, largest first; equal logits keep index order
// (Python's stable sorted(..., reverse=True)).
std::vector<size_t> best_indexes(const std::vector<float>& logits, size_t n) {
  std::vector<size_t> order(logits.size());
  std::iota(order.begin(), order.end(), size_t{0});
  const size_t keep = std::min(n, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](size_t a, size_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  order.resize(keep);
  return order;
}

struct Prelim {
  size_t feature = 0, start = 0, end = 0;
  double start_logit = 0, end_logit = 0;
};

// " ".join(tokens), then drop " ##" and "##", then collapse whitespace.
std::u32string join_pieces(const SquadFeature& feature, size_t start, size_t end) {
  std::string joined;
  for (size_t i = start; i <= end; ++i) {
    if (i > start) joined.push_back(' ');
    joined += feature.token(i);
  }
  std::string cleaned;
  for (size_t i = 0; i < joined.size();) {
    if (joined.compare(i, 3, " ##") == 0) {
      i += 3;
    } else {
      cleaned.push_back(joined[i]);
      ++i;
    }
  }
  std::string no_hashes;
  for (size_t i = 0; i < cleaned.size();) {
    if (cleaned.compare(i, 2, "##") == 0) {
      i += 2;
    } else {
      no_hashes.push_back(cleaned[i]);
      ++i;
    }
  }
  std::u32string text;
  for (const auto& word : uc::split_whitespace(uc::decode_utf8(no_hashes, "squad token text"))) {
    if (!text.empty()) text.push_back(U' ');
    text += word;
  }
  return text;
}

// Characters other than ' ' and, for each, its index in `text`.
void strip_spaces(std::u32string_view text, std::u32string& chars, std::vector<size_t>& positions) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U' ') continue;
    chars.push_back(text[i]);
    positions.push_back(i);
  }
}

}  // namespace

std::string squad_final_text(std::string_view pred_text_utf8, std::string_view orig_text_utf8, bool lower_case) {
  const std::u32string pred = uc::decode_utf8(pred_text_utf8, "squad prediction");
  const std::u32string orig = uc::decode_utf8(orig_text_utf8, "squad context");
  std::u32string tok;
  for (const auto& token : BasicTokenizer(lower_case).tokenize(orig)) {
    if (!tok.empty()) tok.push_back(U' ');
    tok += token;
  }
  const size_t start = tok.find(pred);
  if (start == std::u32string::npos) return std::string(orig_text_utf8);
  const size_t end = start + pred.size() - 1;  // pred is never empty here in practice

  std::u32string orig_chars, tok_chars;
  std::vector<size_t> orig_positions, tok_positions;
  strip_spaces(orig, orig_chars, orig_positions);
  strip_spaces(tok, tok_chars, tok_positions);
  if (orig_chars.size() != tok_chars.size()) return std::string(orig_text_utf8);

  // Position in `tok` -> index among its non-space characters (absent for spaces).
  auto to_stripped = [&](size_t position) -> std::ptrdiff_t {
    auto it = std::lower_bound(tok_positions.begin(), tok_positions.end(), position);
    if (it == tok_positions.end() || *it != position) return -1;
    return it - tok_positions.begin();
  };
  const std::ptrdiff_t ns_start = pred.empty() ? -1 : to_stripped(start);
  const std::ptrdiff_t ns_end = pred.empty() ? -1 : to_stripped(end);
  if (ns_start < 0 || ns_end < 0) return std::string(orig_text_utf8);
  const size_t orig_start = orig_positions[static_cast<size_t>(ns_start)];
  const size_t orig_end = orig_positions[static_cast<size_t>(ns_end)];
  if (orig_end < orig_start) return "";
  return uc::encode_utf8(std::u32string_view(orig).substr(orig_start, orig_end - orig_start + 1));
}

std::vector<SquadCandidate> squad_nbest(const std::vector<const SquadFeature*>& features,
                                        const std::vector<const SquadLogits*>& logits,
                                        const SquadPostprocessOptions& options) {
  if (features.size() != logits.size()) throw Error("squad: features and logits differ in count");
  std::vector<Prelim> prelims;
  for (size_t f = 0; f < features.size(); ++f) {
    const SquadFeature& feature = *features[f];
    const SquadLogits& result = *logits[f];
    const size_t num_tokens = feature.token_ids.size();
    for (size_t start : best_indexes(result.start, options.n_best_size)) {
      for (size_t end : best_indexes(result.end, options.n_best_size)) {
        if (start >= num_tokens || end >= num_tokens) continue;
        if (feature.token_to_orig[start] < 0 || feature.token_to_orig[end] < 0) continue;
        if (!feature.token_is_max_context[start]) continue;
        if (end < start || end - start + 1 > options.max_answer_length) continue;
        prelims.push_back({f, start, end, result.start[start], result.end[end]});
      }
    }
  }
  std::stable_sort(prelims.begin(), prelims.end(), [](const Prelim& a, const Prelim& b) {
    return a.start_logit + a.end_logit > b.start_logit + b.end_logit;
  });

  std::vector<SquadCandidate> nbest;
  std::unordered_set<std::string> seen;
  for (const Prelim& p : prelims) {
    if (nbest.size() >= options.n_best_size) break;
    const SquadFeature& feature = *features[p.feature];
    std::string text;
    if (p.start > 0) {
      const auto& words = feature.example->context->doc_tokens;
      std::string orig_text;
      for (auto w = static_cast<size_t>(feature.token_to_orig[p.start]);
           w <= static_cast<size_t>(feature.token_to_orig[p.end]); ++w) {
        if (!orig_text.empty()) orig_text.push_back(' ');
        orig_text += words[w];
      }
      text = squad_final_text(uc::encode_utf8(join_pieces(feature, p.start, p.end)), orig_text, feature.lower_case);
      if (!seen.insert(text).second) continue;
    } else {
      seen.insert(text);
    }
    nbest.push_back({text, p.start_logit, p.end_logit, 0});
  }
  if (nbest.empty()) nbest.push_back({"empty", 0, 0, 0});

  double max_score = nbest[0].start_logit + nbest[0].end_logit;
  for (const auto& c : nbest) max_score = std::max(max_score, c.start_logit + c.end_logit);
  double total = 0;
  for (auto& c : nbest) total += (c.probability = std::exp(c.start_logit + c.end_logit - max_score));
  for (auto& c : nbest) c.probability /= total;
  return nbest;
}

}  // namespace qtune::data
