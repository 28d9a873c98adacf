"""Prediction post-processing: span QA answers and per-word tags from per-row outputs.

Both formats split one example over several feature rows (QA windows, tagging
segments), linked by `example_index`; these functions merge the rows back.

QA is jiant's SQuAD post-processing (`squad_style/utils.py`; XTREME's `run_squad.py` does
the same through transformers' `squad_metrics`): per window, the n-best start and end
positions (ties: the lower position); a span is a candidate when both ends are context
tokens, its start token has its maximal context in this window (`max_context`, from the
featurizer), end >= start and it is at most `max_answer_length` tokens; its score is start +
end logit (float32, as jiant's numpy sums); the best candidate over all windows wins (ties:
the earlier window, then the n-best order). The answer text is jiant's (`answer_text`:
`get_final_text` onto the whitespace words) given a tokenizer, else the context characters
under the span's offsets. No candidate at all: 'empty', jiant's placeholder. SQuAD v2: the
null score is start + end logit at `<s>` (position 0), its minimum over the windows; the
answer is empty when null - best span score > `null_threshold` (no candidate: the
placeholder scores 0).
"""

import numpy as np

from xstilts_jax.eval import answer_text as answer_text_lib

NO_CANDIDATE = 'empty'  # jiant's (and transformers') text when no span is valid


def _windows_per_example(example_index, num_examples):
  rows = [[] for _ in range(num_examples)]
  for row, ex in enumerate(np.asarray(example_index)):
    if not 0 <= ex < num_examples:
      raise ValueError(f'feature row {row}: example_index {ex} not in [0, {num_examples})')
    rows[ex].append(row)
  return rows


def best_span(start_logits, end_logits, offsets, max_context=None, *, n_best=20,
              max_answer_length=30):
  """(score, start_token, end_token) of the best candidate span in one window, or None.

  `max_context` [T] (None: every context token): where a span may start.
  """
  start_logits = np.asarray(start_logits, np.float32)
  end_logits = np.asarray(end_logits, np.float32)
  is_context = offsets[:, 0] >= 0
  can_start = is_context if max_context is None else is_context & np.asarray(max_context, bool)
  starts = np.argsort(-start_logits, kind='stable')[:n_best]
  ends = np.argsort(-end_logits, kind='stable')[:n_best]
  s, e = np.meshgrid(starts, ends, indexing='ij')
  valid = can_start[s] & is_context[e] & (e >= s) & (e - s + 1 <= max_answer_length)
  candidates = np.flatnonzero(valid)
  if len(candidates) == 0:
    return None
  scores = (start_logits[s] + end_logits[e]).ravel()[candidates]
  k = candidates[np.argmax(scores)]  # the first best in (start rank, end rank) order
  return float(scores.max()), int(s.ravel()[k]), int(e.ravel()[k])


def qa_predictions(examples, arrays, start_logits, end_logits, *, tokenizer=None, n_best=20,
                   max_answer_length=30, version_2=False, null_threshold=0.0):
  """Answer text per example guid.

  `examples`: the `QAExample`s the features were built from; `arrays`: the features'
  arrays (`example_index` [N], `offsets` [N, T, 2], `max_context` [N, T], and with a
  `tokenizer` `input_ids` [N, T]); logits [N, T]. `tokenizer`: the one the features were
  made with; given, answers are jiant's projected text, else the characters under the
  span's offsets.
  Returns (answers {guid: text}, null_margins {guid: null - best span score}); the
  margins let a caller tune `null_threshold` on dev.
  """
  offsets = np.asarray(arrays['offsets'])
  if 'max_context' not in arrays:
    raise ValueError('QA features lack `max_context`; featurize them again with data/span_qa')
  max_context = np.asarray(arrays['max_context'], bool)
  start_logits = np.asarray(start_logits, np.float32)
  end_logits = np.asarray(end_logits, np.float32)
  if start_logits.shape != offsets.shape[:2] or end_logits.shape != offsets.shape[:2]:
    raise ValueError(f'logits {start_logits.shape}/{end_logits.shape} do not match offsets '
                     f'{offsets.shape}')
  words = {}  # context -> whitespace words (SQuAD asks several questions per paragraph)
  answers, null_margins = {}, {}
  for ex, rows in enumerate(_windows_per_example(arrays['example_index'], len(examples))):
    example = examples[ex]
    if not rows:
      raise ValueError(f'example {ex} ({example.guid}) has no feature rows')
    best, best_row = None, None
    null_score = min(start_logits[r, 0] + end_logits[r, 0] for r in rows)
    for r in rows:
      span = best_span(start_logits[r], end_logits[r], offsets[r], max_context[r],
                       n_best=n_best, max_answer_length=max_answer_length)
      if span is not None and (best is None or span[0] > best[0]):
        best, best_row = span, r
    if best is None:
      text, best_start, best_end = NO_CANDIDATE, np.float32(0), np.float32(0)
    else:
      _, s, e = best
      best_start, best_end = start_logits[best_row, s], end_logits[best_row, e]
      if tokenizer is None:
        text = example.context[offsets[best_row, s, 0]:offsets[best_row, e, 1]]
      else:
        if example.context not in words:
          words[example.context] = answer_text_lib.whitespace_words(example.context)
        pieces = tokenizer.convert_ids_to_tokens(
            [int(i) for i in arrays['input_ids'][best_row, s:e + 1]])
        text = answer_text_lib.jiant_answer(example.context, offsets[best_row, s:e + 1],
                                            pieces, words[example.context])
    margin = null_score - best_start - best_end  # float32 as jiant's
    null_margins[example.guid] = float(margin)
    answers[example.guid] = '' if version_2 and margin > null_threshold else text
  return answers, null_margins


def tagging_predictions(examples, arrays, predictions, label_names=None):
  """One predicted label per word per example, merged from the segments' rows.

  `arrays`: the features' `example_index` [N] and `word_index` [N, T] (word whose first
  subword this is, -1 otherwise); `predictions` [N, T] label ids. A word predicted by two
  rows (overlapping segments) keeps the first row's label. Raises if a word has no
  prediction: a sentence is never shortened silently.
  Returns a list (per example) of label ids, or of `label_names[id]` when given.
  """
  word_index = np.asarray(arrays['word_index'])
  predictions = np.asarray(predictions)
  if predictions.shape != word_index.shape:
    raise ValueError(f'predictions {predictions.shape} do not match word_index {word_index.shape}')
  out = []
  for ex, rows in enumerate(_windows_per_example(arrays['example_index'], len(examples))):
    n_words = len(examples[ex].words)
    labels = [None] * n_words
    for r in rows:
      for t in np.flatnonzero(word_index[r] >= 0):
        w = int(word_index[r, t])
        if w >= n_words:
          raise ValueError(f'row {r}: word_index {w} beyond {n_words} words of example {ex}')
        if labels[w] is None:
          labels[w] = int(predictions[r, t])
    missing = [w for w, label in enumerate(labels) if label is None]
    if missing:
      raise ValueError(f'example {ex} ({examples[ex].guid}): no prediction for words {missing}')
    out.append([label_names[i] for i in labels] if label_names is not None else labels)
  return out
