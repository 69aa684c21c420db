// Unicode text handling with Python semantics, for the BERT tokenizer and the SQuAD
// evaluation: both reference implementations are Python programs that work on code
// points, so we do too (std::u32string), with Python's definitions of lower case,
// whitespace, punctuation and word characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qtune::data::unicode {

// Strict UTF-8 decoding; throws qtune::Error "<what>: invalid UTF-8 at byte N".
std::u32string decode_utf8(std::string_view text, const std::string& what);
std::string encode_utf8(std::u32string_view text);
void append_utf8(char32_t code, std::string& out);

bool is_nonspacing_mark(char32_t c);    // General_Category Mn
bool is_punctuation_class(char32_t c);  // General_Category P* (Unicode's punctuation)
bool is_control_or_format(char32_t c);  // Cc or Cf
bool is_space_separator(char32_t c);    // Zs
bool is_python_space(char32_t c);       // str.isspace()
bool is_word_char(char32_t c);          // re's \w on str: alphanumerics and '_'

// Python's str.lower(): full case mapping, including U+0130 -> "i\u0307" and the
// Final_Sigma rule (capital sigma at the end of a word becomes U+03C2).
std::u32string to_lower(std::u32string_view text);
// unicodedata.normalize("NFD", text) with every Mn character removed (BERT's accent
// stripping): full canonical decomposition, canonical ordering, then the filter.
std::u32string strip_accents(std::u32string_view text);
// str.split() with no argument: runs of whitespace separate, no empty pieces.
std::vector<std::u32string> split_whitespace(std::u32string_view text);
// str.strip() with no argument.
std::u32string_view strip_whitespace(std::u32string_view text);

}  // namespace qtune::data::unicode
