#include "data/wordpiece_unicode.h"

#include <algorithm>

#include "data/wordpiece_unicode_tables.h"
#include "qtune/error.h"

namespace qtune::data::unicode {
namespace {

using unicode_tables::CodeRange;

bool in_ranges(char32_t c, const CodeRange* ranges, size_t count) {
  const CodeRange* end = ranges + count;
  const CodeRange* it = std::upper_bound(ranges, end, c, [](char32_t v, const CodeRange& r) { return v < r.first; });
  return it != ranges && c <= (it - 1)->last;
}

constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;
constexpr char32_t kCapitalSigma = 0x3A3, kSmallSigma = 0x3C3, kFinalSigma = 0x3C2;

bool is_case_ignorable(char32_t c) {
  return in_ranges(c, unicode_tables::kCaseIgnorable, unicode_tables::kCaseIgnorableCount);
}
bool is_cased(char32_t c) { return in_ranges(c, unicode_tables::kCased, unicode_tables::kCasedCount); }

// CPython's Final_Sigma test: a cased letter (skipping case-ignorables) before the sigma
// and no cased letter (skipping case-ignorables) after it.
bool is_final_sigma(std::u32string_view text, size_t i) {
  size_t j = i;
  while (j > 0 && is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !is_cased(text[j - 1])) return false;
  size_t k = i + 1;
  while (k < text.size() && is_case_ignorable(text[k])) ++k;
  return k == text.size() || !is_cased(text[k]);
}

char32_t lower_one(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const auto* runs = unicode_tables::kLowerRuns;
  const auto* end = runs + unicode_tables::kLowerRunsCount;
  const auto* it =
      std::upper_bound(runs, end, c, [](char32_t v, const unicode_tables::LowerRun& r) { return v < r.first; });
  if (it == runs) return c;
  const auto& run = *(it - 1);
  char32_t offset = c - run.first;
  if (offset % run.stride != 0 || offset / run.stride >= run.count) return c;
  return static_cast<char32_t>(static_cast<int64_t>(c) + run.delta);
}

uint8_t combining_class(char32_t c) {
  if (c < 0x300) return 0;
  const auto* ranges = unicode_tables::kCombiningClasses;
  const auto* end = ranges + unicode_tables::kCombiningClassesCount;
  const auto* it = std::upper_bound(
      ranges, end, c, [](char32_t v, const unicode_tables::CombiningClassRange& r) { return v < r.first; });
  return it != ranges && c <= (it - 1)->last ? (it - 1)->ccc : 0;
}

void append_hangul_decomposition(char32_t c, std::u32string& out) {
  // Unicode's algorithmic decomposition of precomposed syllables into conjoining jamo.
  const char32_t index = c - kHangulFirst;
  out.push_back(0x1100 + index / 588);
  out.push_back(0x1161 + (index % 588) / 28);
  if (index % 28 != 0) out.push_back(0x11A7 + index % 28);
}

}  // namespace

std::u32string decode_utf8(std::string_view text, const std::string& what) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    int extra = lead >= 0xF0 && lead <= 0xF4 ? 3 : lead >= 0xE0 ? (lead <= 0xEF ? 2 : -1) : lead >= 0xC2 ? 1 : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= text.size())
      throw Error(what + ": invalid UTF-8 at byte " + std::to_string(i));
    char32_t code = lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) throw Error(what + ": invalid UTF-8 at byte " + std::to_string(i));
      code = (code << 6) | (next & 0x3F);
    }
    const bool overlong = (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      throw Error(what + ": invalid UTF-8 at byte " + std::to_string(i));
    out.push_back(code);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(c, out);
  return out;
}

bool is_nonspacing_mark(char32_t c) {
  return c >= 0x300 && in_ranges(c, unicode_tables::kNonspacingMarks, unicode_tables::kNonspacingMarksCount);
}
bool is_punctuation_class(char32_t c) {
  return in_ranges(c, unicode_tables::kPunctuation, unicode_tables::kPunctuationCount);
}
bool is_control_or_format(char32_t c) {
  return in_ranges(c, unicode_tables::kControlOrFormat, unicode_tables::kControlOrFormatCount);
}
bool is_space_separator(char32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}
bool is_python_space(char32_t c) {
  return (c >= 0x9 && c <= 0xD) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0x2028 || c == 0x2029 ||
         is_space_separator(c);
}
bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return in_ranges(c, unicode_tables::kWordChars, unicode_tables::kWordCharsCount);
}

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x130) {  // the one unconditional multi-character lower-case mapping
      out.push_back(U'i');
      out.push_back(0x307);
    } else if (c == kCapitalSigma) {
      out.push_back(is_final_sigma(text, i) ? kFinalSigma : kSmallSigma);
    } else {
      out.push_back(lower_one(c));
    }
  }
  return out;
}

std::u32string strip_accents(std::u32string_view text) {
  // NFD: full decomposition, then canonical ordering (each run of non-starters stably
  // sorted by combining class); then drop the nonspacing marks.
  std::u32string nfd;
  nfd.reserve(text.size() + 8);
  const auto* table = unicode_tables::kDecompositions;
  const auto* table_end = table + unicode_tables::kDecompositionsCount;
  bool ascii_like = true;  // nothing below U+00C0 decomposes or combines
  for (char32_t c : text) {
    if (c < 0xC0) {
      nfd.push_back(c);
      continue;
    }
    ascii_like = false;
    if (c >= kHangulFirst && c <= kHangulLast) {
      append_hangul_decomposition(c, nfd);
      continue;
    }
    const auto* it = std::lower_bound(table, table_end, c,
                                      [](const unicode_tables::Decomposition& e, char32_t v) { return e.code < v; });
    if (it == table_end || it->code != c) {
      nfd.push_back(c);
      continue;
    }
    for (char32_t part : it->parts) {
      if (part == 0) break;
      nfd.push_back(part);
    }
  }
  if (ascii_like) return nfd;
  for (size_t i = 0; i < nfd.size();) {
    if (combining_class(nfd[i]) == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < nfd.size() && combining_class(nfd[end]) != 0) ++end;
    std::stable_sort(nfd.begin() + static_cast<std::ptrdiff_t>(i), nfd.begin() + static_cast<std::ptrdiff_t>(end),
                     [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    i = end;
  }
  std::erase_if(nfd, [](char32_t c) { return is_nonspacing_mark(c); });
  return nfd;
}

std::vector<std::u32string> split_whitespace(std::u32string_view text) {
  std::vector<std::u32string> pieces;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_python_space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_python_space(text[i])) ++i;
    if (i > start) pieces.emplace_back(text.substr(start, i - start));
  }
  return pieces;
}

std::u32string_view strip_whitespace(std::u32string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_python_space(text[begin])) ++begin;
  while (end > begin && is_python_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace qtune::data::unicode
