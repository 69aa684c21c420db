#include "data/wordpiece.h"

#include <algorithm>

#include "data/wordpiece_unicode.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::data {

namespace uc = unicode;

std::shared_ptr<const Vocab> Vocab::load(const std::string& path) {
  std::string bytes = read_file_bytes(path);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    lines.emplace_back(bytes, start, end - start);
    start = end + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    // Same strip() as the Python loader, so "[UNK]\r" and " ##a " are found.
    std::u32string text = uc::decode_utf8(lines[i], path + ": line " + std::to_string(i + 1));
    lines[i] = uc::encode_utf8(uc::strip_whitespace(text));
  }
  if (lines.empty()) throw Error(path + ": the vocabulary is empty");
  return from_tokens(lines, path);
}

std::shared_ptr<const Vocab> Vocab::from_tokens(const std::vector<std::string>& tokens, std::string source) {
  auto vocab = std::make_shared<Vocab>();
  vocab->tokens_ = tokens;
  vocab->source_ = std::move(source);
  vocab->ids_.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    vocab->ids_[tokens[i]] = static_cast<int64_t>(i);
    vocab->max_token_bytes_ = std::max(vocab->max_token_bytes_, tokens[i].size());
  }
  return vocab;
}

std::optional<int64_t> Vocab::find(std::string_view token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

int64_t Vocab::id(std::string_view token) const {
  auto found = find(token);
  if (!found) throw Error(source_ + ": token '" + std::string(token) + "' is not in the vocabulary");
  return *found;
}

const std::string& Vocab::token(int64_t id) const { return tokens_.at(static_cast<size_t>(id)); }

bool is_cjk_character(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_bert_punctuation(char32_t c) {
  // All non-alphanumeric ASCII counts (so "$", "^", "`" split like Unicode punctuation).
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  return c >= 0x80 && uc::is_punctuation_class(c);
}

bool is_bert_whitespace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || uc::is_space_separator(c);
}

bool is_bert_control(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  return uc::is_control_or_format(c);
}

std::vector<std::u32string> BasicTokenizer::tokenize(std::u32string_view text) const {
  // Clean up and pad CJK characters with spaces in one pass.
  std::u32string cleaned;
  cleaned.reserve(text.size());
  for (char32_t c : text) {
    if (c == 0 || c == 0xFFFD || is_bert_control(c)) continue;
    if (is_bert_whitespace(c)) {
      cleaned.push_back(U' ');
    } else if (is_cjk_character(c)) {
      cleaned.push_back(U' ');
      cleaned.push_back(c);
      cleaned.push_back(U' ');
    } else {
      cleaned.push_back(c);
    }
  }
  std::vector<std::u32string> out;
  for (std::u32string& token : uc::split_whitespace(cleaned)) {
    if (lower_case_) token = uc::strip_accents(uc::to_lower(token));
    // Punctuation split. The reference then joins the pieces with " " and splits on
    // whitespace again; the pieces hold no whitespace (the token came from a whitespace
    // split and lower-casing/accent stripping add none), so only empty pieces vanish.
    std::u32string word;
    auto flush = [&] {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    };
    for (char32_t c : token) {
      if (is_bert_punctuation(c)) {
        flush();
        out.push_back(std::u32string(1, c));
      } else {
        word.push_back(c);
      }
    }
    flush();
  }
  return out;
}

WordpieceTokenizer::WordpieceTokenizer(std::shared_ptr<const Vocab> vocab, std::string unknown,
                                       size_t max_chars_per_word)
    : vocab_(std::move(vocab)), unknown_(std::move(unknown)), max_chars_per_word_(max_chars_per_word) {}

void WordpieceTokenizer::tokenize(std::u32string_view text, std::vector<std::string>& out) const {
  std::string utf8;
  std::vector<size_t> offsets;  // byte offset of each code point in `utf8`, plus the end
  std::string candidate;
  for (const std::u32string& word : uc::split_whitespace(text)) {
    if (word.size() > max_chars_per_word_) {
      out.push_back(unknown_);
      continue;
    }
    utf8.clear();
    offsets.clear();
    for (char32_t c : word) {
      offsets.push_back(utf8.size());
      uc::append_utf8(c, utf8);
    }
    offsets.push_back(utf8.size());
    const size_t first_piece = out.size();
    size_t start = 0;
    bool bad = false;
    while (start < word.size()) {
      size_t end = word.size();
      bool found = false;
      for (; end > start; --end) {
        const size_t bytes = offsets[end] - offsets[start];
        if (bytes + (start > 0 ? 2 : 0) > vocab_->max_token_bytes()) continue;  // cannot be in the vocab
        std::string_view sub(utf8.data() + offsets[start], bytes);
        if (start > 0) {
          candidate.assign("##");
          candidate.append(sub);
          sub = candidate;
        }
        if (vocab_->find(sub)) {
          out.emplace_back(sub);
          found = true;
          break;
        }
      }
      if (!found) {
        bad = true;
        break;
      }
      start = end;
    }
    if (bad) {
      out.resize(first_piece);
      out.push_back(unknown_);
    }
  }
}

FullTokenizer::FullTokenizer(std::shared_ptr<const Vocab> vocab, bool lower_case, size_t max_chars_per_word)
    : vocab_(vocab),
      lower_case_(lower_case),
      basic_(lower_case),
      wordpiece_(std::move(vocab), "[UNK]", max_chars_per_word) {}

std::vector<std::string> FullTokenizer::tokenize(std::string_view utf8_text) const {
  std::vector<std::string> pieces;
  std::u32string text = uc::decode_utf8(utf8_text, "text");
  for (const std::u32string& token : basic_.tokenize(text)) wordpiece_.tokenize(token, pieces);
  return pieces;
}

std::vector<int64_t> FullTokenizer::to_ids(const std::vector<std::string>& tokens) const {
  std::vector<int64_t> ids;
  ids.reserve(tokens.size());
  for (const auto& t : tokens) ids.push_back(vocab_->id(t));
  return ids;
}

}  // namespace qtune::data
