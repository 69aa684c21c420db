// BERT tokenization on a small hand-made vocabulary; each expectation is derived by
// hand from tokenization.py's rules (written next to it).
#include "data/wordpiece.h"

#include <gtest/gtest.h>

#include "data/wordpiece_unicode.h"
#include "metric_test_util.h"
#include "qtune/error.h"

namespace qtune::data {
namespace {

std::shared_ptr<const Vocab> small_vocab() {
  return Vocab::from_tokens(
      {"[PAD]", "[UNK]", "[CLS]",        "[SEP]",        "the",   "cat",   "un",  "##aff", "##able", ",", "!",
       "cafe",  "##s",   "\xE4\xB8\xAD", "\xE5\x9B\xBD", "hello", "world", "run", "##ing", ".",      "$", "5",
       "##0",   "x",     "##x"},
      "small-vocab.txt");
}

std::vector<std::string> tokens(const std::string& text, bool lower = true) {
  return FullTokenizer(small_vocab(), lower).tokenize(text);
}

using Tokens = std::vector<std::string>;

TEST(MetricWordpiece, LowerCasesAndSplitsPunctuation) {
  // "The Cat!" -> lower "the cat!" -> punctuation split "the", "cat", "!"
  EXPECT_EQ(tokens("The Cat!"), (Tokens{"the", "cat", "!"}));
  // "hello,world." -> "hello" "," "world" "."
  EXPECT_EQ(tokens("hello,world."), (Tokens{"hello", ",", "world", "."}));
  // "$" is ASCII non-alphanumeric, so punctuation; "50" -> "5" + "##0"
  EXPECT_EQ(tokens("$50"), (Tokens{"$", "5", "##0"}));
}

TEST(MetricWordpiece, GreedyLongestMatchWithContinuations) {
  // "unaffable": longest prefix in the vocab is "un", then "##aff", then "##able".
  EXPECT_EQ(tokens("unaffable"), (Tokens{"un", "##aff", "##able"}));
  // "running": "run", then no "##n..." piece exists, so the whole word is [UNK].
  EXPECT_EQ(tokens("running cat"), (Tokens{"[UNK]", "cat"}));
  EXPECT_EQ(tokens("xyz"), (Tokens{"[UNK]"}));
}

TEST(MetricWordpiece, StripsAccentsWhenLowerCasing) {
  // "Café" -> "café" -> NFD "cafe" + U+0301 -> mark dropped -> "cafe"
  EXPECT_EQ(tokens("Caf\xC3\xA9"), (Tokens{"cafe"}));
  // "CAFÉS" -> "cafés" -> "cafes" -> "cafe" "##s"
  EXPECT_EQ(tokens("CAF\xC3\x89S"), (Tokens{"cafe", "##s"}));
  // The cased tokenizer keeps case and accents: neither "Cafe" nor "café" is in the vocab.
  EXPECT_EQ(tokens("Caf\xC3\xA9", false), (Tokens{"[UNK]"}));
  EXPECT_EQ(tokens("The", false), (Tokens{"[UNK]"}));
}

TEST(MetricWordpiece, SplitsChineseCharacters) {
  // "中国人": each CJK ideograph becomes its own word; 人 is not in the vocab.
  EXPECT_EQ(tokens("\xE4\xB8\xAD\xE5\x9B\xBD\xE4\xBA\xBA"), (Tokens{"\xE4\xB8\xAD", "\xE5\x9B\xBD", "[UNK]"}));
}

TEST(MetricWordpiece, CleansControlCharactersAndWhitespace) {
  // NUL and U+200B (format, Cf) vanish; tab and U+3000 (ideographic space) separate words.
  EXPECT_EQ(tokens(std::string("hel") + '\0' +
                   "lo\tworld\xE2\x80\x8B\xE3\x80\x80"
                   "cat"),
            (Tokens{"hello", "world", "cat"}));
}

TEST(MetricWordpiece, LongWordsBecomeUnknownPastTheLimit) {
  // 200 x's: "x" then 199 "##x" pieces; 201 x's exceed tokenization.py's 200-character limit.
  const auto two_hundred = tokens(std::string(200, 'x'));
  ASSERT_EQ(two_hundred.size(), 200u);
  EXPECT_EQ(two_hundred.front(), "x");
  EXPECT_EQ(two_hundred.back(), "##x");
  EXPECT_EQ(tokens(std::string(201, 'x')), (Tokens{"[UNK]"}));
  // The limit is a parameter (Hugging Face's BertTokenizer uses 100).
  EXPECT_EQ(FullTokenizer(small_vocab(), true, 100).tokenize(std::string(101, 'x')), (Tokens{"[UNK]"}));
}

TEST(MetricWordpiece, BasicTokenizerFollowsPythonUnicodeRules) {
  auto basic = [](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& t : BasicTokenizer(true).tokenize(unicode::decode_utf8(text, "test")))
      out.push_back(unicode::encode_utf8(t));
    return out;
  };
  // Greek: capital sigma lower-cases to final sigma only at the end of a word:
  // "ΟΔΥΣΣΕΥΣ" -> "οδυσσευς".
  EXPECT_EQ(basic("\xCE\x9F\xCE\x94\xCE\xA5\xCE\xA3\xCE\xA3\xCE\x95\xCE\xA5\xCE\xA3"),
            (Tokens{"\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x82"}));
  // Hangul syllable 한 (U+D55C) decomposes under NFD into jamo U+1112 U+1161 U+11AB.
  EXPECT_EQ(basic("\xED\x95\x9C"), (Tokens{"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"}));
  // U+0130 (İ) lower-cases to "i" + U+0307, whose mark accent stripping then removes.
  EXPECT_EQ(basic("\xC4\xB0"
                  "stanbul"),
            (Tokens{"istanbul"}));
  // NFD puts combining marks in canonical order before the nonspacing ones are dropped:
  // U+1D16D (class 226) then U+1D165 (class 216), both spacing marks, swap.
  EXPECT_EQ(unicode::strip_accents(U"x\U0001D16D\u0301\U0001D165"), U"x\U0001D165\U0001D16D");
  // "«quoted»" (guillemets are Unicode punctuation Pi/Pf).
  EXPECT_EQ(basic("\xC2\xABquoted\xC2\xBB"), (Tokens{"\xC2\xAB", "quoted", "\xC2\xBB"}));
}

TEST(MetricWordpiece, VocabFileLinesAreStrippedAndLastDuplicateWins) {
  test::ScratchDir dir;
  const auto path = dir.write("vocab.txt", "[UNK]\r\n cat \nthe\ncat\n");
  const auto vocab = Vocab::load(path);
  EXPECT_EQ(vocab->size(), 4u);
  EXPECT_EQ(vocab->id("[UNK]"), 0);
  EXPECT_EQ(vocab->id("cat"), 3);  // "cat" appears on lines 2 and 4
  EXPECT_EQ(vocab->token(1), "cat");
  try {
    vocab->id("[CLS]");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": token '[CLS]' is not in the vocabulary");
  }
  EXPECT_THROW(Vocab::load(dir.file("missing.txt")), Error);
}

}  // namespace
}  // namespace qtune::data
