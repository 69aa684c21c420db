// BERT's tokenizer, reimplemented to match Google's tokenization.py token for token:
// BasicTokenizer (text cleanup, CJK character split, optional lower-casing with accent
// stripping, punctuation split) followed by WordPiece (greedy longest-match-first with
// "##" continuation pieces) over a vocab.txt.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qtune::data {

// vocab.txt: one token per line, id = line number (0-based); each line is stripped of
// surrounding whitespace as the reference loader does; a repeated token keeps its last id.
class Vocab {
 public:
  static std::shared_ptr<const Vocab> load(const std::string& path);
  static std::shared_ptr<const Vocab> from_tokens(const std::vector<std::string>& tokens, std::string source = "vocab");

  std::optional<int64_t> find(std::string_view token) const;
  // Throws qtune::Error "<vocab file>: token '<t>' is not in the vocabulary".
  int64_t id(std::string_view token) const;
  const std::string& token(int64_t id) const;  // id must be < size()
  size_t size() const { return tokens_.size(); }
  const std::string& source() const { return source_; }
  // Longest token in bytes: WordPiece never needs to look up anything longer.
  size_t max_token_bytes() const { return max_token_bytes_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> ids_;
  std::string source_;
  size_t max_token_bytes_ = 0;
};

// Cleans, splits CJK characters and punctuation, lower-cases and strips accents when
// `lower_case`; returns the basic tokens (code points).
class BasicTokenizer {
 public:
  explicit BasicTokenizer(bool lower_case) : lower_case_(lower_case) {}
  std::vector<std::u32string> tokenize(std::u32string_view text) const;

 private:
  bool lower_case_;
};

bool is_cjk_character(char32_t c);     // the CJK ideograph blocks BERT splits on
bool is_bert_punctuation(char32_t c);  // ASCII non-alphanumerics and Unicode P*
bool is_bert_whitespace(char32_t c);   // ' ', \t, \n, \r, Zs
bool is_bert_control(char32_t c);      // Cc/Cf except \t \n \r

class WordpieceTokenizer {
 public:
  // Google's tokenization.py uses 200 as the longest word it tries to split;
  // longer words become `unknown` whole.
  static constexpr size_t kDefaultMaxCharsPerWord = 200;
  WordpieceTokenizer(std::shared_ptr<const Vocab> vocab, std::string unknown = "[UNK]",
                     size_t max_chars_per_word = kDefaultMaxCharsPerWord);
  // Appends the pieces of every whitespace-separated word of `text`.
  void tokenize(std::u32string_view text, std::vector<std::string>& out) const;

 private:
  std::shared_ptr<const Vocab> vocab_;
  std::string unknown_;
  size_t max_chars_per_word_;
};

// BasicTokenizer then WordpieceTokenizer, on UTF-8 text.
class FullTokenizer {
 public:
  FullTokenizer(std::shared_ptr<const Vocab> vocab, bool lower_case,
                size_t max_chars_per_word = WordpieceTokenizer::kDefaultMaxCharsPerWord);
  std::vector<std::string> tokenize(std::string_view utf8_text) const;
  std::vector<int64_t> to_ids(const std::vector<std::string>& tokens) const;
  const Vocab& vocab() const { return *vocab_; }
  std::shared_ptr<const Vocab> shared_vocab() const { return vocab_; }
  bool lower_case() const { return lower_case_; }

 private:
  std::shared_ptr<const Vocab> vocab_;
  bool lower_case_;
  BasicTokenizer basic_;
  WordpieceTokenizer wordpiece_;
};

}  // namespace qtune::data
