"""Span QA: SQuAD-style sliding windows `<s> question </s></s> context window </s>`.

As XTREME / jiant (the BERT SQuAD script): the question is cut to `max_query_length`
tokens; `doc_stride` is the step between the starts of consecutive context windows (not
their overlap, which is what `stride` means to a Hugging Face tokenizer call). The context
is tokenised once and cut into windows, which is the same as tokenising each pair.

`offsets[i, t]` is the character span of token t in the example's context, (-1, -1) for
question, special and padding tokens. `start_positions` / `end_positions` are the first and
last token of answers[0] when the whole answer lies in the window, else 0 (`<s>`); also 0
for SQuAD v2 no-answer examples.

`max_context[i, t]` is True where context token t of row i has its maximal context in this
window, as jiant's and XTREME's `_check_is_max_context`: a token in several windows belongs
to the one where min(tokens left of it, tokens right of it) + 0.01 * window length is
highest (the first such window on ties). Post-processing takes a span only where its start
token is True (`eval/postprocess.py`).
"""

import numpy as np

from xstilts_jax.data import features as F


def answer_tokens(offsets, start_char, end_char):
  """First and last context token that overlap [start_char, end_char), or None."""
  if len(offsets) == 0 or end_char <= start_char:
    return None
  starts, ends = offsets[:, 0], offsets[:, 1]
  after = np.nonzero(ends > start_char)[0]
  before = np.nonzero(starts < end_char)[0]
  if len(after) == 0 or len(before) == 0 or after[0] > before[-1]:
    return None
  return int(after[0]), int(before[-1])


def window_starts(num_tokens, max_context, doc_stride):
  """Start of each context window: every `doc_stride` tokens until one reaches the end."""
  starts, start = [], 0
  while True:
    starts.append(start)
    if start + max_context >= num_tokens:
      return starts
    start += min(max_context, doc_stride)


def max_context_windows(starts, stops, num_tokens):
  """Index of the window in which each context token has its maximal context."""
  best_score = np.full(num_tokens, -np.inf)
  best = np.full(num_tokens, -1, np.int32)
  for k, (start, stop) in enumerate(zip(starts, stops)):
    p = np.arange(start, stop)
    score = np.minimum(p - start, stop - 1 - p) + 0.01 * (stop - start)
    better = score > best_score[start:stop]  # strict: the first window wins ties
    best_score[start:stop][better] = score[better]
    best[start:stop][better] = k
  return best


def featurize(task, examples, tokenizer, max_seq_length=384, *, doc_stride=128,
              max_query_length=64):
  del task
  sp = F.special_ids(tokenizer)
  enc_q = F.encode(tokenizer, [e.question for e in examples])
  # SQuAD asks several questions about each paragraph: tokenise each paragraph once.
  paragraphs = {}
  for e in examples:
    paragraphs.setdefault(e.context, len(paragraphs))
  enc_c = [(enc.ids, np.asarray(enc.offsets, np.int32).reshape(-1, 2))
           for enc in F.encode(tokenizer, list(paragraphs))]
  rows, row_offsets, row_max_context = [], [], []
  starts_out, ends_out, example_index = [], [], []
  stats = dict(examples=len(examples), features=0, examples_with_several_windows=0,
               max_windows_per_example=0, questions_truncated=0, no_answer=0,
               answer_text_mismatch=0, answer_not_in_any_window=0)
  for i, ex in enumerate(examples):
    question = enc_q[i].ids
    if len(question) > max_query_length:
      stats['questions_truncated'] += 1
      question = question[:max_query_length]
    context, offsets = enc_c[paragraphs[ex.context]]
    span = None
    if ex.is_impossible or not ex.answers:
      stats['no_answer'] += 1
    else:
      answer = ex.answers[0]
      start_char, end_char = answer.answer_start, answer.answer_start + len(answer.text)
      # The gold text must sit at its offset; a mismatch is counted, not fixed.
      stats['answer_text_mismatch'] += ex.context[start_char:end_char] != answer.text
      span = answer_tokens(offsets, start_char, end_char)
    base = len(question) + 3  # <s> question </s></s>
    max_context = max_seq_length - base - 1
    if max_context <= 0:
      raise ValueError(f'max_seq_length {max_seq_length} leaves no room for the context '
                       f'after a question of {len(question)} tokens')
    starts = window_starts(len(context), max_context, doc_stride)
    stops = [min(w + max_context, len(context)) for w in starts]
    owner = max_context_windows(starts, stops, len(context))
    found = False
    for k, (w, stop) in enumerate(zip(starts, stops)):
      rows.append([sp.cls] + list(question) + [sp.sep, sp.sep] + list(context[w:stop]) + [sp.sep])
      row_off = np.full((max_seq_length, 2), -1, np.int32)
      row_off[base:base + stop - w] = offsets[w:stop]
      row_offsets.append(row_off)
      row_max = np.zeros(max_seq_length, bool)
      row_max[base:base + stop - w] = owner[w:stop] == k
      row_max_context.append(row_max)
      if span is not None and w <= span[0] and span[1] < stop:
        starts_out.append(span[0] - w + base)
        ends_out.append(span[1] - w + base)
        found = True
      else:
        starts_out.append(0)
        ends_out.append(0)
      example_index.append(i)
    stats['answer_not_in_any_window'] += span is None and not (ex.is_impossible or not ex.answers)
    stats['answer_not_in_any_window'] += span is not None and not found
    stats['examples_with_several_windows'] += len(starts) > 1
    stats['max_windows_per_example'] = max(stats['max_windows_per_example'], len(starts))
  ids, mask = F.pack(rows, max_seq_length, sp.pad)
  arrays = dict(input_ids=ids, attention_mask=mask,
                example_index=np.asarray(example_index, np.int32),
                start_positions=np.asarray(starts_out, np.int32),
                end_positions=np.asarray(ends_out, np.int32),
                offsets=(np.stack(row_offsets) if row_offsets
                         else np.zeros((0, max_seq_length, 2), np.int32)),
                max_context=(np.stack(row_max_context) if row_max_context
                             else np.zeros((0, max_seq_length), bool)))
  stats['features'] = len(rows)
  stats = {k: int(v) for k, v in stats.items()}
  return F.Features(arrays, stats)
