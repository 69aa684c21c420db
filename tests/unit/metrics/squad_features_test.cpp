// SQuAD features: run_squad.py's sliding windows on a long context with a tiny
// max_seq_length, hand-derived.
#include <gtest/gtest.h>

#include "data/squad.h"
#include "metric_test_util.h"
#include "qtune/error.h"

namespace qtune::data {
namespace {

// Vocab: [PAD] [UNK] [CLS] [SEP] q, then w0..w19 (ids 5..24), un ##aff ##able.
std::shared_ptr<const Vocab> window_vocab() {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "q"};
  for (int i = 0; i < 20; ++i) tokens.push_back(std::string("w") + std::to_string(i));
  for (const char* t : {"un", "##aff", "##able"}) tokens.push_back(t);
  return Vocab::from_tokens(tokens);
}

std::shared_ptr<const SquadExample> example(const std::string& question, const std::string& context) {
  auto ctx = std::make_shared<SquadContext>();
  ctx->text = context;
  std::string word;
  for (char c : context + " ") {
    if (c == ' ') {
      if (!word.empty()) ctx->doc_tokens.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  auto e = std::make_shared<SquadExample>();
  e->qas_id = "id";
  e->question = question;
  e->context = ctx;
  return e;
}

std::string twenty_words() {
  std::string s;
  for (int i = 0; i < 20; ++i) s += std::string("w") + std::to_string(i) + " ";
  return s;
}

// max_seq_length 10, one question token: 10 - 1 - 3 = 6 context tokens per window.
// 20 tokens, stride 3: windows start at 0, 3, 6, 9, 12 (length 6) and 15 (length 5,
// reaching the end). Token 7 lies in windows 1 (3..8: left 4, right 1 -> 1 + .06) and
// 2 (6..11: left 1, right 4 -> 1 + .06): a tie, the first wins. Token 8: window 1 gives
// min(5, 0) + .06, window 2 gives min(2, 3) + .06 = 2.06 -> window 2.
TEST(MetricSquadFeatures, DocStrideWindows) {
  const auto spans = make_doc_spans(20, 6, 3);
  ASSERT_EQ(spans.size(), 6u);
  const size_t starts[] = {0, 3, 6, 9, 12, 15}, lengths[] = {6, 6, 6, 6, 6, 5};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(spans[i].start, starts[i]) << i;
    EXPECT_EQ(spans[i].length, lengths[i]) << i;
  }
  EXPECT_TRUE(is_max_context(spans, 1, 7));
  EXPECT_FALSE(is_max_context(spans, 2, 7));
  EXPECT_TRUE(is_max_context(spans, 2, 8));
  EXPECT_FALSE(is_max_context(spans, 1, 8));
  // A stride longer than the window jumps by the window length (min(length, stride)).
  const auto wide = make_doc_spans(10, 4, 8);
  ASSERT_EQ(wide.size(), 3u);
  EXPECT_EQ(wide[1].start, 4u);
  EXPECT_EQ(wide[2].start, 8u);
  EXPECT_EQ(wide[2].length, 2u);
}

TEST(MetricSquadFeatures, FeaturesHoldWindowsAndInputs) {
  FullTokenizer tokenizer(window_vocab(), true);
  SquadOptions options;
  options.max_seq_length = 10;
  options.doc_stride = 3;
  options.max_query_length = 4;
  const auto features = make_squad_features({example("q", twenty_words())}, tokenizer, options);
  ASSERT_EQ(features.size(), 6u);
  EXPECT_EQ(features[0]->unique_id, 1000000000);
  EXPECT_EQ(features[5]->unique_id, 1000000005);
  EXPECT_EQ(features[5]->doc_span_index, 5u);
  // Window 1: [CLS] q [SEP] w3..w8 [SEP] = ids 2 4 3 8..13 3, exactly 10 tokens.
  const auto& f1 = *features[1];
  EXPECT_EQ(f1.token_ids, (std::vector<int32_t>{2, 4, 3, 8, 9, 10, 11, 12, 13, 3}));
  EXPECT_EQ(f1.token_to_orig, (std::vector<int32_t>{-1, -1, -1, 3, 4, 5, 6, 7, 8, -1}));
  // Max context in window 1 (3..8) for context tokens 5, 6, 7 only: token 3 has min(3, 2) in
  // window 0 vs 0 here; token 4 ties window 0 (min(4, 1) = min(1, 4)) and the first wins;
  // token 8 has min(2, 3) in window 2 vs 0 here.
  EXPECT_EQ(f1.token_is_max_context, (std::vector<uint8_t>{0, 0, 0, 0, 0, 1, 1, 1, 0, 0}));
  // Last window: w15..w19, 9 tokens then one pad.
  const auto inputs = features[5]->make_inputs();
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0].dtype(), DataType::Int64);
  EXPECT_EQ(inputs[0].dims(), (std::vector<int64_t>{10}));
  const auto v = [](const Tensor& t) {
    auto s = t.values<int64_t>();
    return std::vector<int64_t>(s.begin(), s.end());
  };
  EXPECT_EQ(v(inputs[0]), (std::vector<int64_t>{2, 4, 3, 20, 21, 22, 23, 24, 3, 0}));
  EXPECT_EQ(v(inputs[1]), (std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 0}));
  EXPECT_EQ(v(inputs[2]), (std::vector<int64_t>{0, 0, 0, 1, 1, 1, 1, 1, 1, 0}));
  EXPECT_EQ(features[5]->token(3), "w15");
}

// A 6-token question is cut to max_query_length 4, leaving 10 - 4 - 3 = 3 context tokens;
// word pieces map back to their word: "unaffable w1" -> un ##aff ##able w1 -> words 0 0 0 1.
TEST(MetricSquadFeatures, QuestionTruncationAndPieceToWordMap) {
  FullTokenizer tokenizer(window_vocab(), true);
  SquadOptions options;
  options.max_seq_length = 10;
  options.doc_stride = 2;
  options.max_query_length = 4;
  options.id_type = DataType::Int32;
  const auto features = make_squad_features({example("q q q q q q", "unaffable w1")}, tokenizer, options);
  // 4 pieces, 3 per window, stride 2: windows at 0 (3) and 2 (2).
  ASSERT_EQ(features.size(), 2u);
  EXPECT_EQ(features[0]->query_length, 4u);
  EXPECT_EQ(features[0]->token_ids, (std::vector<int32_t>{2, 4, 4, 4, 4, 3, 25, 26, 27, 3}));
  EXPECT_EQ(features[0]->token_to_orig, (std::vector<int32_t>{-1, -1, -1, -1, -1, -1, 0, 0, 0, -1}));
  EXPECT_EQ(features[1]->token_to_orig, (std::vector<int32_t>{-1, -1, -1, -1, -1, -1, 0, 1, -1}));
  EXPECT_EQ(features[0]->make_inputs()[0].dtype(), DataType::Int32);
}

TEST(MetricSquadFeatures, RejectsImpossibleLengths) {
  FullTokenizer tokenizer(window_vocab(), true);
  SquadOptions options;
  options.max_seq_length = 10;
  options.max_query_length = 7;  // needs max_seq_length > 7 + 3
  try {
    make_squad_features({example("q", "w1")}, tokenizer, options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "squad: max_seq_length (10) must be greater than max_query_length (7) + 3");
  }
}

TEST(MetricSquadFeatures, ReadsDevJsonAndSplitsContextLikeRunSquad) {
  test::ScratchDir dir;
  const auto path = dir.write("dev.json", R"({"version": "1.1", "data": [{"title": "t", "paragraphs": [{
      "context": "The  cat\tsat\u202fdown.\n", "qas": [
        {"id": "a1", "question": "Who?", "answers": [{"answer_start": 5, "text": "cat"}, {"answer_start": 5, "text": "cat"}]},
        {"id": "a2", "question": "What?", "answers": [{"answer_start": 9, "text": "sat"}]}]}]}]})");
  const auto examples = read_squad_examples(path);
  ASSERT_EQ(examples.size(), 2u);
  // Split on space, tab, newline and U+202F only.
  EXPECT_EQ(examples[0]->context->doc_tokens, (std::vector<std::string>{"The", "cat", "sat", "down."}));
  EXPECT_EQ(examples[0]->context, examples[1]->context);  // one context object per paragraph
  EXPECT_EQ(examples[0]->answers, (std::vector<std::string>{"cat", "cat"}));
  EXPECT_EQ(examples[0]->answer_starts, (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(examples[1]->qas_id, "a2");
  EXPECT_EQ(read_squad_version(path), "1.1");

  const auto bad =
      dir.write("bad.json", R"({"data": [{"paragraphs": [{"context": "x", "qas": [{"id": "a", "answers": []}]}]}]})");
  try {
    read_squad_examples(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), bad + ": data[0].paragraphs[0].qas[0]: missing 'question'");
  }
}

TEST(MetricSquadFeatures, DatasetServesFeaturesAsSamples) {
  test::ScratchDir dir;
  const auto data = dir.write("dev.json", R"({"data": [{"paragraphs": [{"context": "w1 w2 w3",
      "qas": [{"id": "x1", "question": "q", "answers": [{"text": "w2", "answer_start": 3}]}]}]}]})");
  const auto vocab = dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nq\nw1\nw2\nw3\n");
  SquadOptions options;
  options.max_seq_length = 12;
  options.max_query_length = 4;
  SquadDataset dataset(data, vocab, options);
  ASSERT_EQ(dataset.size(), 1u);
  const Sample s = dataset.get(0);
  ASSERT_EQ(s.inputs.size(), 3u);
  EXPECT_EQ(s.inputs[0].dims(), (std::vector<int64_t>{12}));
  ASSERT_TRUE(s.label.squad);
  EXPECT_EQ(s.label.squad->example->qas_id, "x1");
  EXPECT_EQ(s.label.sample_index, 0);
  EXPECT_THROW(dataset.get(1), Error);
}

}  // namespace
}  // namespace qtune::data
