"""jiant's SQuAD windowing and post-processing, copied as the reference for our QA path.

From nyu-mll/jiant (MIT licence), `jiant/tasks/lib/templates/squad_style/core.py` (the
whitespace words of `Example.__post_init__`, the windows of `Example.to_feature_list`,
`_new_check_is_max_context`) and `utils.py` (`compute_predictions_logits_v2`'s candidate
selection, `_get_best_indexes`, `get_final_text`). Changes: the windows are computed from the
loop's arithmetic instead of transformers' overflow encoding (start = k * doc_stride, length
= min(remaining, max_seq_length - question - 4), stop when the window reaches the end; for
XLM-R's `<s> q </s></s> window </s>`), and BasicTokenizer is transformers 5's
`tokenization_bert_legacy` one with `tokenize` as in transformers 4.5 (jiant's pin), i.e.
without the NFC step added later (XQuAD's Arabic contexts are not all NFC).
"""

import collections

from transformers.models.bert.tokenization_bert_legacy import BasicTokenizer as _Basic
from transformers.models.bert.tokenization_bert_legacy import whitespace_tokenize


class BasicTokenizer(_Basic):
  """`tokenize` of transformers 4.5.0's BasicTokenizer (no NFC normalisation)."""

  def tokenize(self, text, never_split=None):
    never_split = self.never_split.union(set(never_split)) if never_split else self.never_split
    text = self._clean_text(text)
    if self.tokenize_chinese_chars:
      text = self._tokenize_chinese_chars(text)
    orig_tokens = whitespace_tokenize(text)
    split_tokens = []
    for token in orig_tokens:
      if token not in never_split:
        if self.do_lower_case:
          token = token.lower()
          if self.strip_accents is not False:
            token = self._run_strip_accents(token)
        elif self.strip_accents:
          token = self._run_strip_accents(token)
      split_tokens.extend(self._run_split_on_punc(token, never_split))
    output_tokens = whitespace_tokenize(" ".join(split_tokens))
    return output_tokens


def is_whitespace(c_):
  if c_ == " " or c_ == "\t" or c_ == "\r" or c_ == "\n" or ord(c_) == 0x202F:
    return True
  return False


def doc_tokens_of(context_text):
  doc_tokens = []
  prev_is_whitespace = True
  for c in context_text:
    if is_whitespace(c):
      prev_is_whitespace = True
    else:
      if prev_is_whitespace:
        doc_tokens.append(c)
      else:
        doc_tokens[-1] += c
      prev_is_whitespace = False
  return doc_tokens


def _new_check_is_max_context(doc_spans, cur_span_index, position):
  """Check if this is the 'max context' doc span for the token."""
  best_score = None
  best_span_index = None
  for (span_index, doc_span) in enumerate(doc_spans):
    end = doc_span["start"] + doc_span["length"] - 1
    if position < doc_span["start"]:
      continue
    if position > end:
      continue
    num_left_context = position - doc_span["start"]
    num_right_context = end - position
    score = min(num_left_context, num_right_context) + 0.01 * doc_span["length"]
    if best_score is None or score > best_score:
      best_score = score
      best_span_index = span_index
  return cur_span_index == best_span_index


def features(doc_tokens, query_pieces, tokenize_word, max_seq_length, doc_stride):
  """jiant's windows of one example: dicts with tokens, token_to_orig_map,
  token_is_max_context, start, length (positions as in `<s> q </s></s> window </s>`)."""
  tok_to_orig_index, all_doc_tokens = [], []
  for (i, token) in enumerate(doc_tokens):
    for sub_token in tokenize_word(token):
      tok_to_orig_index.append(i)
      all_doc_tokens.append(sub_token)
  q_len = len(query_pieces)
  max_context = max_seq_length - q_len - 4
  spans = []
  while len(spans) * doc_stride < len(all_doc_tokens):
    start = len(spans) * doc_stride
    paragraph_len = min(len(all_doc_tokens) - start, max_context)
    tokens = (['<s>'] + list(query_pieces) + ['</s>', '</s>']
              + all_doc_tokens[start:start + paragraph_len] + ['</s>'])
    token_to_orig_map = {q_len + 3 + i: tok_to_orig_index[start + i]
                         for i in range(paragraph_len)}
    spans.append(dict(tokens=tokens, token_to_orig_map=token_to_orig_map,
                      token_is_max_context={}, start=start, length=paragraph_len))
    if start + max_context >= len(all_doc_tokens):  # no overflowing tokens left
      break
  for doc_span_index in range(len(spans)):
    for j in range(spans[doc_span_index]["length"]):
      is_max_context = _new_check_is_max_context(spans, doc_span_index,
                                                 doc_span_index * doc_stride + j)
      spans[doc_span_index]["token_is_max_context"][q_len + 3 + j] = is_max_context
  return all_doc_tokens, spans


def _get_best_indexes(logits, n_best_size):
  index_and_score = sorted(enumerate(logits), key=lambda x: x[1], reverse=True)
  best_indexes = []
  for i in range(len(index_and_score)):
    if i >= n_best_size:
      break
    best_indexes.append(index_and_score[i][0])
  return best_indexes


def get_final_text(pred_text, orig_text, do_lower_case=False):
  def _strip_spaces(text):
    ns_chars = []
    ns_to_s_map = collections.OrderedDict()
    for idx, c in enumerate(text):
      if c == " ":
        continue
      ns_to_s_map[len(ns_chars)] = idx
      ns_chars.append(c)
    ns_text = "".join(ns_chars)
    return ns_text, ns_to_s_map

  tokenizer = BasicTokenizer(do_lower_case=do_lower_case)
  tok_text = " ".join(tokenizer.tokenize(orig_text))
  start_position = tok_text.find(pred_text)
  if start_position == -1:
    return orig_text
  end_position = start_position + len(pred_text) - 1
  (orig_ns_text, orig_ns_to_s_map) = _strip_spaces(orig_text)
  (tok_ns_text, tok_ns_to_s_map) = _strip_spaces(tok_text)
  if len(orig_ns_text) != len(tok_ns_text):
    return orig_text
  tok_s_to_ns_map = {}
  for (i, tok_index) in tok_ns_to_s_map.items():
    tok_s_to_ns_map[tok_index] = i
  orig_start_position = None
  if start_position in tok_s_to_ns_map:
    ns_start_position = tok_s_to_ns_map[start_position]
    if ns_start_position in orig_ns_to_s_map:
      orig_start_position = orig_ns_to_s_map[ns_start_position]
  if orig_start_position is None:
    return orig_text
  orig_end_position = None
  if end_position in tok_s_to_ns_map:
    ns_end_position = tok_s_to_ns_map[end_position]
    if ns_end_position in orig_ns_to_s_map:
      orig_end_position = orig_ns_to_s_map[ns_end_position]
  if orig_end_position is None:
    return orig_text
  output_text = orig_text[orig_start_position:(orig_end_position + 1)]
  return output_text


def predict(doc_tokens, spans, start_logits, end_logits, n_best_size=20,
            max_answer_length=30):
  """SQuAD v1 answer of one example: `compute_predictions_logits_v2` (XLM-R detokenisation)."""
  Prelim = collections.namedtuple(
      "PrelimPrediction", ["feature_index", "start_index", "end_index", "start_logit", "end_logit"])
  prelim_predictions = []
  for (feature_index, feature) in enumerate(spans):
    start_indexes = _get_best_indexes(start_logits[feature_index], n_best_size)
    end_indexes = _get_best_indexes(end_logits[feature_index], n_best_size)
    for start_index in start_indexes:
      for end_index in end_indexes:
        if start_index >= len(feature["tokens"]):
          continue
        if end_index >= len(feature["tokens"]):
          continue
        if start_index not in feature["token_to_orig_map"]:
          continue
        if end_index not in feature["token_to_orig_map"]:
          continue
        if not feature["token_is_max_context"].get(start_index, False):
          continue
        if end_index < start_index:
          continue
        length = end_index - start_index + 1
        if length > max_answer_length:
          continue
        prelim_predictions.append(Prelim(
            feature_index=feature_index, start_index=start_index, end_index=end_index,
            start_logit=start_logits[feature_index][start_index],
            end_logit=end_logits[feature_index][end_index]))
  prelim_predictions = sorted(prelim_predictions, key=lambda x: (x.start_logit + x.end_logit),
                              reverse=True)
  if not prelim_predictions:
    return "empty", None
  pred = prelim_predictions[0]
  feature = spans[pred.feature_index]
  tok_tokens = feature["tokens"][pred.start_index:(pred.end_index + 1)]
  orig_doc_start = feature["token_to_orig_map"][pred.start_index]
  orig_doc_end = feature["token_to_orig_map"][pred.end_index]
  orig_tokens = doc_tokens[orig_doc_start:(orig_doc_end + 1)]
  tok_text = "".join(tok_tokens).replace("\u2581", " ").strip()  # convert_tokens_to_string
  tok_text = tok_text.strip()
  tok_text = " ".join(tok_text.split())
  orig_text = " ".join(orig_tokens)
  return get_final_text(tok_text, orig_text, False), pred
