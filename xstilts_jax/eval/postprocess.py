"""Prediction post-processing: span QA answers and per-word tags from per-row outputs.

Both formats split one example over several feature rows (QA windows, tagging
segments), linked by `example_index`; these functions merge the rows back.

QA follows the SQuAD reference post-processing (as in Hugging Face's
`postprocess_qa_predictions`, used by XTREME/jiant): per window, the n-best start and
end positions; a span is valid when both ends are context tokens, end >= start and it
is at most `max_answer_length` tokens; its score is start + end logit; the best valid
span over all windows of a question wins. The answer is cut from the original context
by the character offsets (end exclusive). SQuAD v2: the null score is start + end logit
at `<s>` (position 0), its minimum over the windows; the answer is empty when
null - best span score > `null_threshold`.
"""

import numpy as np


def _windows_per_example(example_index, num_examples):
  rows = [[] for _ in range(num_examples)]
  for row, ex in enumerate(np.asarray(example_index)):
    if not 0 <= ex < num_examples:
      raise ValueError(f'feature row {row}: example_index {ex} not in [0, {num_examples})')
    rows[ex].append(row)
  return rows


def best_span(start_logits, end_logits, offsets, *, n_best=20, max_answer_length=30):
  """(score, start_token, end_token) of the best valid span in one window, or None."""
  is_context = offsets[:, 0] >= 0
  starts = np.argsort(-start_logits, kind='stable')[:n_best]
  ends = np.argsort(-end_logits, kind='stable')[:n_best]
  best = None
  for s in starts:
    if not is_context[s]:
      continue
    for e in ends:
      if not is_context[e] or e < s or e - s + 1 > max_answer_length:
        continue
      score = float(start_logits[s]) + float(end_logits[e])
      if best is None or score > best[0]:
        best = (score, int(s), int(e))
  return best


def qa_predictions(examples, arrays, start_logits, end_logits, *, n_best=20,
                   max_answer_length=30, version_2=False, null_threshold=0.0):
  """Answer text per example guid.

  `examples`: the `QAExample`s the features were built from; `arrays`: the features'
  arrays (`example_index` [N], `offsets` [N, T, 2]); logits [N, T]. An example whose
  windows hold no valid span gets '' (SQuAD v1 then scores it wrong).
  Returns (answers {guid: text}, null_margins {guid: null - best span score}); the
  margins (inf where no span) let a caller tune `null_threshold` on dev.
  """
  offsets = np.asarray(arrays['offsets'])
  start_logits = np.asarray(start_logits, np.float32)
  end_logits = np.asarray(end_logits, np.float32)
  if start_logits.shape != offsets.shape[:2] or end_logits.shape != offsets.shape[:2]:
    raise ValueError(f'logits {start_logits.shape}/{end_logits.shape} do not match offsets '
                     f'{offsets.shape}')
  answers, null_margins = {}, {}
  for ex, rows in enumerate(_windows_per_example(arrays['example_index'], len(examples))):
    example = examples[ex]
    if not rows:
      raise ValueError(f'example {ex} ({example.guid}) has no feature rows')
    best, best_row = None, None
    null_score = min(float(start_logits[r, 0] + end_logits[r, 0]) for r in rows)
    for r in rows:
      span = best_span(start_logits[r], end_logits[r], offsets[r], n_best=n_best,
                       max_answer_length=max_answer_length)
      if span is not None and (best is None or span[0] > best[0]):
        best, best_row = span, r
    if best is None:
      answers[example.guid] = ''
      null_margins[example.guid] = float('inf')
      continue
    _, s, e = best
    text = example.context[offsets[best_row, s, 0]:offsets[best_row, e, 1]]
    null_margins[example.guid] = null_score - best[0]
    answers[example.guid] = '' if version_2 and null_score - best[0] > null_threshold else text
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
