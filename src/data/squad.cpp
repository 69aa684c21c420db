#include "data/squad.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "data/wordpiece_unicode.h"
#include "qtune/error.h"
#include "util/atomic_file.h"
#include "util/json_file.h"
#include "util/progress.h"

namespace qtune::data {
namespace {

using nlohmann::json;

const char* type_word(json::value_t type) {
  switch (type) {
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    default:
      return "an integer";
  }
}

// object[key], which must exist and have `type` (number_integer accepts any integer).
const json& member(const json& object, const char* key, json::value_t type, const std::string& where) {
  if (!object.is_object()) throw Error(where + ": expected a JSON object");
  auto it = object.find(key);
  if (it == object.end()) throw Error(where + ": missing '" + key + "'");
  const bool ok = type == json::value_t::number_integer ? it->is_number_integer() : it->type() == type;
  if (!ok) throw Error(where + "." + key + ": expected " + type_word(type) + ", got " + it->type_name());
  return *it;
}

// run_squad.py's whitespace: the context is split on these and nothing else.
bool is_squad_whitespace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == 0x202F; }

std::shared_ptr<const SquadContext> split_context(std::string text, const std::string& where) {
  auto context = std::make_shared<SquadContext>();
  std::u32string chars = unicode::decode_utf8(text, where);
  std::u32string word;
  for (char32_t c : chars) {
    if (is_squad_whitespace(c)) {
      if (!word.empty()) context->doc_tokens.push_back(unicode::encode_utf8(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) context->doc_tokens.push_back(unicode::encode_utf8(word));
  context->text = std::move(text);
  return context;
}

// Word pieces of one context, shared by all its questions.
struct TokenizedContext {
  std::vector<int32_t> piece_ids;
  std::vector<int32_t> piece_to_word;
};

TokenizedContext tokenize_context(const SquadContext& context, const FullTokenizer& tokenizer) {
  TokenizedContext out;
  for (size_t word = 0; word < context.doc_tokens.size(); ++word) {
    for (int64_t id : tokenizer.to_ids(tokenizer.tokenize(context.doc_tokens[word]))) {
      out.piece_ids.push_back(static_cast<int32_t>(id));
      out.piece_to_word.push_back(static_cast<int32_t>(word));
    }
  }
  return out;
}

void check_options(const SquadOptions& o) {
  if (o.max_seq_length <= o.max_query_length + 3)
    throw Error(fmt::format("squad: max_seq_length ({}) must be greater than max_query_length ({}) + 3",
                            o.max_seq_length, o.max_query_length));
  if (o.max_query_length < 0) throw Error("squad: max_query_length must not be negative");
  if (o.doc_stride < 1) throw Error("squad: doc_stride must be at least 1, got " + std::to_string(o.doc_stride));
  if (o.id_type != DataType::Int64 && o.id_type != DataType::Int32)
    throw Error("squad: input id type must be int64 or int32");
}

}  // namespace

std::vector<Tensor> SquadFeature::make_inputs() const {
  const auto n = static_cast<size_t>(max_seq_length);
  const size_t first_window_token = query_length + 2;  // after [CLS] question [SEP]
  auto fill = [&](auto* ids, auto* mask, auto* segments) {
    for (size_t i = 0; i < token_ids.size() && i < n; ++i) {
      ids[i] = token_ids[i];
      mask[i] = 1;
      segments[i] = i >= first_window_token ? 1 : 0;
    }
  };
  Tensor ids(id_type, {max_seq_length}), mask(id_type, {max_seq_length}), segments(id_type, {max_seq_length});
  if (id_type == DataType::Int32)
    fill(ids.data<int32_t>(), mask.data<int32_t>(), segments.data<int32_t>());
  else
    fill(ids.data<int64_t>(), mask.data<int64_t>(), segments.data<int64_t>());
  return {ids, mask, segments};
}

std::vector<std::shared_ptr<const SquadExample>> read_squad_examples(const std::string& path) {
  json root = read_json_file(path);
  const json& data = member(root, "data", json::value_t::array, path);
  std::vector<std::shared_ptr<const SquadExample>> examples;
  for (size_t a = 0; a < data.size(); ++a) {
    const std::string article = path + ": data[" + std::to_string(a) + "]";
    const json& paragraphs = member(data[a], "paragraphs", json::value_t::array, article);
    for (size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string where = article + ".paragraphs[" + std::to_string(p) + "]";
      auto context = split_context(member(paragraphs[p], "context", json::value_t::string, where).get<std::string>(),
                                   where + ".context");
      const json& qas = member(paragraphs[p], "qas", json::value_t::array, where);
      for (size_t q = 0; q < qas.size(); ++q) {
        const std::string qa_where = where + ".qas[" + std::to_string(q) + "]";
        auto example = std::make_shared<SquadExample>();
        example->qas_id = member(qas[q], "id", json::value_t::string, qa_where).get<std::string>();
        example->question = member(qas[q], "question", json::value_t::string, qa_where).get<std::string>();
        example->context = context;
        const json& answers = member(qas[q], "answers", json::value_t::array, qa_where);
        for (size_t i = 0; i < answers.size(); ++i) {
          const std::string answer_where = qa_where + ".answers[" + std::to_string(i) + "]";
          example->answers.push_back(
              member(answers[i], "text", json::value_t::string, answer_where).get<std::string>());
          if (answers[i].contains("answer_start"))
            example->answer_starts.push_back(
                member(answers[i], "answer_start", json::value_t::number_integer, answer_where).get<int64_t>());
        }
        examples.push_back(std::move(example));
      }
    }
  }
  return examples;
}

std::string read_squad_version(const std::string& path) {
  json root = read_json_file(path);
  if (root.is_object() && root.contains("version") && root["version"].is_string())
    return root["version"].get<std::string>();
  return "";
}

std::vector<DocSpan> make_doc_spans(size_t num_tokens, size_t max_tokens, size_t stride) {
  std::vector<DocSpan> spans;
  size_t start = 0;
  while (start < num_tokens) {
    const size_t length = std::min(num_tokens - start, max_tokens);
    spans.push_back({start, length});
    if (start + length == num_tokens) break;
    start += std::min(length, stride);
  }
  return spans;
}

bool is_max_context(const std::vector<DocSpan>& spans, size_t span_index, size_t position) {
  double best_score = 0;
  size_t best_index = spans.size();
  for (size_t i = 0; i < spans.size(); ++i) {
    const DocSpan& span = spans[i];
    if (position < span.start || position >= span.start + span.length) continue;
    const size_t left = position - span.start;
    const size_t right = span.start + span.length - 1 - position;
    const double score = static_cast<double>(std::min(left, right)) + 0.01 * static_cast<double>(span.length);
    if (best_index == spans.size() || score > best_score) {
      best_score = score;
      best_index = i;
    }
  }
  return best_index == span_index;
}

std::vector<std::shared_ptr<const SquadFeature>> make_squad_features(
    const std::vector<std::shared_ptr<const SquadExample>>& examples, const FullTokenizer& tokenizer,
    const SquadOptions& options) {
  check_options(options);
  const auto cls_id = static_cast<int32_t>(tokenizer.vocab().id("[CLS]"));
  const auto sep_id = static_cast<int32_t>(tokenizer.vocab().id("[SEP]"));
  std::unordered_map<const SquadContext*, TokenizedContext> contexts;
  std::vector<std::shared_ptr<const SquadFeature>> features;
  int64_t unique_id = 1000000000;
  Progress progress("squad features", static_cast<int64_t>(examples.size()));
  for (size_t e = 0; e < examples.size(); ++e) {
    const SquadExample& example = *examples[e];
    std::vector<int64_t> query = tokenizer.to_ids(tokenizer.tokenize(example.question));
    if (query.size() > static_cast<size_t>(options.max_query_length)) query.resize(options.max_query_length);
    auto cached = contexts.find(example.context.get());
    if (cached == contexts.end())
      cached = contexts.emplace(example.context.get(), tokenize_context(*example.context, tokenizer)).first;
    const TokenizedContext& doc = cached->second;
    const size_t max_tokens_for_doc = static_cast<size_t>(options.max_seq_length) - query.size() - 3;
    const auto spans =
        make_doc_spans(doc.piece_ids.size(), max_tokens_for_doc, static_cast<size_t>(options.doc_stride));
    for (size_t s = 0; s < spans.size(); ++s) {
      auto feature = std::make_shared<SquadFeature>();
      feature->unique_id = unique_id++;
      feature->example_index = e;
      feature->doc_span_index = s;
      feature->example = examples[e];
      feature->vocab = tokenizer.shared_vocab();
      feature->query_length = query.size();
      feature->max_seq_length = options.max_seq_length;
      feature->id_type = options.id_type;
      feature->lower_case = options.lower_case;
      auto& ids = feature->token_ids;
      ids.reserve(query.size() + spans[s].length + 3);
      ids.push_back(cls_id);
      for (int64_t id : query) ids.push_back(static_cast<int32_t>(id));
      ids.push_back(sep_id);
      feature->token_to_orig.assign(ids.size(), -1);
      feature->token_is_max_context.assign(ids.size(), 0);
      for (size_t i = 0; i < spans[s].length; ++i) {
        const size_t piece = spans[s].start + i;
        ids.push_back(doc.piece_ids[piece]);
        feature->token_to_orig.push_back(doc.piece_to_word[piece]);
        feature->token_is_max_context.push_back(is_max_context(spans, s, piece) ? 1 : 0);
      }
      ids.push_back(sep_id);
      feature->token_to_orig.push_back(-1);
      feature->token_is_max_context.push_back(0);
      features.push_back(std::move(feature));
    }
    progress.advance();
  }
  return features;
}

SquadDataset::SquadDataset(const std::string& squad_json, const std::string& vocab_txt, SquadOptions options)
    : SquadDataset(read_squad_examples(squad_json),
                   FullTokenizer(Vocab::load(vocab_txt), options.lower_case, options.max_chars_per_word), options,
                   squad_json) {}

SquadDataset::SquadDataset(std::vector<std::shared_ptr<const SquadExample>> examples, const FullTokenizer& tokenizer,
                           SquadOptions options, std::string source)
    : options_(std::move(options)), source_(std::move(source)), examples_(std::move(examples)) {
  if (tokenizer.lower_case() != options_.lower_case)
    throw Error(source_ + ": the tokenizer's lower-casing does not match the SQuAD options");
  features_ = make_squad_features(examples_, tokenizer, options_);
}

Sample SquadDataset::get(size_t index) const {
  if (index >= features_.size())
    throw Error(fmt::format("{}: sample {} is out of range ({} features)", source_, index, features_.size()));
  const SquadFeature& feature = *features_[index];
  Sample sample;
  sample.inputs = feature.make_inputs();
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = source_ + ": question " + feature.example->qas_id;
  sample.label.squad = features_[index];
  return sample;
}

std::string SquadDataset::describe() const {
  return fmt::format("squad {} ({} questions, {} features of {} tokens, doc_stride {})", source_, examples_.size(),
                     features_.size(), options_.max_seq_length, options_.doc_stride);
}

}  // namespace qtune::data
