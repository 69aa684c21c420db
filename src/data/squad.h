// SQuAD v1.1 for BERT: reads dev-v1.1.json, turns every question into model inputs with
// the sliding-window ("doc stride") scheme of Google's run_squad.py, and keeps what the
// answer post-processing needs (token -> original word map, max-context flags).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/wordpiece.h"
#include "qtune/data_type.h"
#include "qtune/tensor.h"

namespace qtune::data {

// One paragraph, split into words on whitespace (space, \t, \r, \n, U+202F) exactly as
// run_squad.py does; answers are mapped back onto these words.
struct SquadContext {
  std::string text;
  std::vector<std::string> doc_tokens;
};

struct SquadExample {
  std::string qas_id;
  std::string question;
  std::shared_ptr<const SquadContext> context;
  std::vector<std::string> answers;  // ground-truth texts, in file order (may repeat)
  std::vector<int64_t> answer_starts;
};

struct SquadOptions {
  int64_t max_seq_length = 384;
  int64_t doc_stride = 128;
  int64_t max_query_length = 64;
  bool lower_case = true;              // must match the vocab (uncased models)
  DataType id_type = DataType::Int64;  // Int64 (TF/ONNX BERT) or Int32
  size_t max_chars_per_word = WordpieceTokenizer::kDefaultMaxCharsPerWord;
  std::vector<std::string> input_names;  // model input names for ids, mask, segments; empty = positional
};

// One window of one question: [CLS] question [SEP] context window [SEP].
struct SquadFeature {
  int64_t unique_id = 0;  // 1000000000 + running number, as run_squad.py assigns them
  size_t example_index = 0;
  size_t doc_span_index = 0;
  std::shared_ptr<const SquadExample> example;
  std::shared_ptr<const Vocab> vocab;         // turns token_ids back into tokens
  std::vector<int32_t> token_ids;             // unpadded
  size_t query_length = 0;                    // question tokens (after truncation)
  std::vector<int32_t> token_to_orig;         // per token: word index in example->context, -1 outside the window
  std::vector<uint8_t> token_is_max_context;  // per token: 1 if this window gives it the most context
  int64_t max_seq_length = 0;
  DataType id_type = DataType::Int64;
  bool lower_case = true;

  const std::string& token(size_t position) const { return vocab->token(token_ids.at(position)); }
  // input_ids (zero-padded), input_mask (1 on real tokens), segment_ids (0 for [CLS]
  // question [SEP], 1 for the window and its [SEP], 0 on padding); each [max_seq_length].
  std::vector<Tensor> make_inputs() const;
};

// Throws qtune::Error naming the file and the JSON path ("data[3].paragraphs[0].qas[2]: ...").
std::vector<std::shared_ptr<const SquadExample>> read_squad_examples(const std::string& path);
// The parsed JSON text version (e.g. "1.1"), or "" when the file has none.
std::string read_squad_version(const std::string& path);

struct DocSpan {
  size_t start = 0, length = 0;
};
// Windows of at most `max_tokens` tokens, each starting min(length, stride) after the
// previous one, until one reaches the end.
std::vector<DocSpan> make_doc_spans(size_t num_tokens, size_t max_tokens, size_t stride);
// True if `span_index` is the window where token `position` has the largest
// min(left context, right context) + 0.01 * window length (first window wins ties).
bool is_max_context(const std::vector<DocSpan>& spans, size_t span_index, size_t position);

std::vector<std::shared_ptr<const SquadFeature>> make_squad_features(
    const std::vector<std::shared_ptr<const SquadExample>>& examples, const FullTokenizer& tokenizer,
    const SquadOptions& options);

// The features as dataset samples: inputs {input_ids, input_mask, segment_ids}, each
// [max_seq_length]; label.squad points at the feature.
class SquadDataset : public Dataset {
 public:
  SquadDataset(const std::string& squad_json, const std::string& vocab_txt, SquadOptions options = {});
  SquadDataset(std::vector<std::shared_ptr<const SquadExample>> examples, const FullTokenizer& tokenizer,
               SquadOptions options, std::string source);

  size_t size() const override { return features_.size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> input_names() const override { return options_.input_names; }
  std::string describe() const override;

  const std::vector<std::shared_ptr<const SquadExample>>& examples() const { return examples_; }
  const std::vector<std::shared_ptr<const SquadFeature>>& features() const { return features_; }

 private:
  SquadOptions options_;
  std::string source_;
  std::vector<std::shared_ptr<const SquadExample>> examples_;
  std::vector<std::shared_ptr<const SquadFeature>> features_;
};

}  // namespace qtune::data
