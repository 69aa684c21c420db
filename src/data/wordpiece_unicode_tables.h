// Unicode character data the BERT tokenizer and the SQuAD answer normalization need
// (general categories, Python's str.lower() mapping, NFD accent stripping). The arrays
// are generated from Python's unicodedata so our tokenization matches the reference
// Python tokenizer character for character; see wordpiece_unicode_data.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qtune::data::unicode_tables {

struct CodeRange {
  char32_t first, last;  // inclusive
};

// Code points first, first+stride, ... (count of them) lower-case to code + delta.
struct LowerRun {
  char32_t first;
  uint16_t count;
  uint8_t stride;
  int32_t delta;
};

// Full canonical decomposition (NFD) of `code`; 0 ends it early.
struct Decomposition {
  char32_t code;
  char32_t parts[4];
};

// Code points first..last all have canonical combining class `ccc` (never 0 here).
struct CombiningClassRange {
  char32_t first, last;
  uint8_t ccc;
};

// All sorted by code point, non-overlapping.
extern const CodeRange kNonspacingMarks[];  // General_Category Mn
extern const CodeRange kPunctuation[];      // General_Category P*
extern const CodeRange kControlOrFormat[];  // Cc, Cf
extern const CodeRange kWordChars[];        // Python re's \w for str patterns
extern const CodeRange kCaseIgnorable[];    // as Python's Final_Sigma rule sees them
extern const CodeRange kCased[];
extern const LowerRun kLowerRuns[];            // one-character mappings of str.lower()
extern const Decomposition kDecompositions[];  // excludes Hangul syllables (algorithmic)
extern const CombiningClassRange kCombiningClasses[];
extern const size_t kNonspacingMarksCount, kPunctuationCount, kControlOrFormatCount, kWordCharsCount,
    kCaseIgnorableCount, kCasedCount, kLowerRunsCount, kDecompositionsCount, kCombiningClassesCount;

}  // namespace qtune::data::unicode_tables
