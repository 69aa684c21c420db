// From logits to answer text (run_squad.py's write_predictions + get_final_text), and
// the SquadF1 batch metric end to end.
#include <gtest/gtest.h>

#include "data/squad_postprocess.h"
#include "metrics/squad_metric.h"
#include "qtune/error.h"

namespace qtune::data {
namespace {

// Context words: "Steve" "Smith's" "team" "won." -> pieces steve | smith ' s | team | won .
// Feature: 0 [CLS] 1 who 2 ? 3 [SEP] 4 steve 5 smith 6 ' 7 s 8 team 9 won 10 . 11 [SEP]
struct Fixture {
  std::shared_ptr<const SquadFeature> feature;
  Fixture() {
    auto vocab = Vocab::from_tokens(
        {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "who", "?", "steve", "smith", "'", "s", "team", "won", "."});
    auto context = std::make_shared<SquadContext>();
    context->text = "Steve Smith's team won.";
    context->doc_tokens = {"Steve", "Smith's", "team", "won."};
    auto example = std::make_shared<SquadExample>();
    example->qas_id = "q1";
    example->question = "who?";
    example->context = context;
    example->answers = {"Steve Smith", "Smith"};
    FullTokenizer tokenizer(vocab, true);
    SquadOptions options;
    options.max_seq_length = 16;
    options.max_query_length = 4;
    feature = make_squad_features({example}, tokenizer, options).at(0);
  }
  SquadLogits logits(size_t start, size_t end) const {
    SquadLogits l{std::vector<float>(16, 0), std::vector<float>(16, 0)};
    l.start[start] = 5;
    l.end[end] = 5;
    l.start[1] = 9;  // the question: not a valid start
    l.end[14] = 9;   // padding: not a valid end
    return l;
  }
};

std::string best(const Fixture& f, const SquadLogits& l) {
  return squad_nbest({f.feature.get()}, {&l}, {}).front().text;
}

TEST(MetricSquadAnswer, FeatureLayoutIsAsDerived) {
  Fixture f;
  ASSERT_EQ(f.feature->token_ids.size(), 12u);
  EXPECT_EQ(f.feature->token(5), "smith");
  EXPECT_EQ(f.feature->token_to_orig[7], 1);  // "s" belongs to "Smith's"
}

// Span 4..5 = "steve smith". Original words 0..1 = "Steve Smith's"; basic-tokenized
// "steve smith ' s"; aligning characters without spaces maps the prediction's last
// character back to "Smith" -> "Steve Smith" (not "Steve Smith's").
TEST(MetricSquadAnswer, FinalTextAlignsToTheOriginalCase) {
  Fixture f;
  EXPECT_EQ(best(f, f.logits(4, 5)), "Steve Smith");
  EXPECT_EQ(squad_final_text("steve smith", "Steve Smith's", true), "Steve Smith");
  // Not found in the tokenized original: the original text is returned.
  EXPECT_EQ(squad_final_text("jones", "Steve Smith's", true), "Steve Smith's");
  // Accents: tokenized "cafe" aligns with "Café" character for character.
  EXPECT_EQ(squad_final_text("cafe", "Caf\xC3\xA9!", true), "Caf\xC3\xA9");
}

TEST(MetricSquadAnswer, SkipsInvalidSpans) {
  Fixture f;
  // Best start 8 ("team") with best end 5: reversed, dropped. The remaining spans all
  // score at most 5 + 0; among equal scores the first found wins: start 8 (the top start
  // index), then end indexes in logit order (14 invalid, 5 reversed, then 0,1,.. by index):
  // ends 8.. are valid -> "team".
  EXPECT_EQ(best(f, f.logits(8, 5)), "team");
  SquadPostprocessOptions short_answers;
  short_answers.max_answer_length = 1;
  const auto l = f.logits(4, 7);  // "steve smith ' s" is 4 tokens: too long
  const auto nbest = squad_nbest({f.feature.get()}, {&l}, short_answers);
  EXPECT_EQ(nbest.front().text, "Steve");  // start 4, end 4 (a one-token answer)
  // Probabilities are a softmax over the n-best scores.
  double total = 0;
  for (const auto& c : nbest) total += c.probability;
  EXPECT_NEAR(total, 1, 1e-12);
}

TEST(MetricSquadAnswer, MetricScoresQuestionsFromBatches) {
  Fixture f;
  // One feature, batch of 1: logits tensors [1, 16].
  const auto l = f.logits(4, 5);
  std::vector<Tensor> outputs = {Tensor::from_vector<float>({1, 16}, l.start),
                                 Tensor::from_vector<float>({1, 16}, l.end)};
  data::Annotation label;
  label.squad = f.feature;
  metrics::SquadF1Metric metric({});
  metric.update(outputs, {label});
  // "Steve Smith" vs truths {"Steve Smith", "Smith"}: exact match -> EM 100, F1 100.
  EXPECT_DOUBLE_EQ(metric.result(), 100);
  EXPECT_EQ(metric.to_json()["exact_match"].get<double>(), 100);
  EXPECT_EQ(metric.predictions().at("q1"), "Steve Smith");
  metric.reset();
  const auto team = f.logits(8, 8);
  metric.update({Tensor::from_vector<float>({1, 16}, team.start), Tensor::from_vector<float>({1, 16}, team.end)},
                {label});
  EXPECT_DOUBLE_EQ(metric.result(), 0);  // "team" shares no token with either truth
  data::Annotation unlabeled;
  unlabeled.sample_index = 7;
  EXPECT_THROW(metric.update(outputs, {unlabeled}), Error);
}

}  // namespace
}  // namespace qtune::data
