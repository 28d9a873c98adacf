"""Token tagging: the word's label on its first subword, -100 on the others.

A sentence longer than `max_seq_length - 2` subwords is split, between words, into several
segments (rows); `word_index` (the word's position in its sentence, on first subwords) lets
`merge_segments` put the per-word predictions back together. Nothing is truncated away
except the tail subwords of a single word longer than a whole segment (counted; its first
subword, which carries the label, stays). A word the tokenizer turns into nothing (a
control character, say) becomes one `<unk>` so that it still gets a prediction (as XTREME).
"""

import numpy as np

from xstilts_jax.data import features as F


def _label_ids(task, index, example):
  if example.labels is None:
    return None
  if len(example.labels) != len(example.words):
    raise ValueError(f'tagging example {example.guid!r}: {len(example.words)} words but '
                     f'{len(example.labels)} labels')
  ids = []
  for w, label in enumerate(example.labels):
    if label not in index:
      raise ValueError(f'tagging example {example.guid!r}: label {label!r} of word {w} '
                       f'({example.words[w]!r}) is not one of the {len(task.labels)} labels '
                       f'of task {task.name!r}')
    ids.append(index[label])
  return ids


def featurize(task, examples, tokenizer, max_seq_length=128):
  sp = F.special_ids(tokenizer)
  budget = max_seq_length - 2
  index = {label: i for i, label in enumerate(task.labels)}
  encodings = F.encode(tokenizer, [list(e.words) for e in examples], pretokenized=True)
  rows, row_labels, row_words, example_index = [], [], [], []
  stats = dict(examples=len(examples), features=0, examples_split=0, empty_words=0,
               words_truncated=0, truncated_tokens=0)
  for i, (ex, enc) in enumerate(zip(examples, encodings)):
    labels = _label_ids(task, index, ex)
    pieces = [[] for _ in ex.words]
    for token, word in zip(enc.ids, enc.word_ids):
      pieces[word].append(token)
    segments, current = [], []
    for w, toks in enumerate(pieces):
      if not toks:
        stats['empty_words'] += 1
        toks = [sp.unk]
      if len(toks) > budget:
        stats['words_truncated'] += 1
        stats['truncated_tokens'] += len(toks) - budget
        toks = toks[:budget]
      if current and len(current) + len(toks) > budget:
        segments.append(current)
        current = []
      current.extend((w, j, t) for j, t in enumerate(toks))
    segments.append(current)
    stats['examples_split'] += len(segments) > 1
    for segment in segments:
      ids = [sp.cls] + [t for _, _, t in segment] + [sp.sep]
      lab = np.full(max_seq_length, F.IGNORE, np.int32)
      word_index = np.full(max_seq_length, -1, np.int32)
      for pos, (w, j, _) in enumerate(segment, start=1):
        if j == 0:
          word_index[pos] = w
          if labels is not None:
            lab[pos] = labels[w]
      rows.append(ids)
      row_labels.append(lab)
      row_words.append(word_index)
      example_index.append(i)
  ids, mask = F.pack(rows, max_seq_length, sp.pad)
  empty = np.zeros((0, max_seq_length), np.int32)
  arrays = dict(input_ids=ids, attention_mask=mask,
                example_index=np.asarray(example_index, np.int32),
                labels=np.stack(row_labels) if rows else empty,
                word_index=np.stack(row_words) if rows else empty)
  stats['features'] = len(rows)
  return F.Features(arrays, stats)


def merge_segments(example_index, word_index, values, num_words):
  """Per-example lists of per-word values from per-token `values` [N, T] of all segments.

  `num_words[e]` is the number of words of example e (`len(examples[e].words)`). Raises if
  a word is missing or seen twice, so a merge can never silently lose words.
  """
  example_index = np.asarray(example_index)
  word_index = np.asarray(word_index)
  values = np.asarray(values)
  out = [dict() for _ in num_words]
  rows, cols = np.nonzero(word_index >= 0)
  for r, c in zip(rows, cols):
    words = out[example_index[r]]
    w = int(word_index[r, c])
    if w in words:
      raise ValueError(f'example {example_index[r]}: word {w} appears in two segments')
    words[w] = values[r, c]
  merged = []
  for e, (words, n) in enumerate(zip(out, num_words)):
    missing = sorted(set(range(n)) - set(words))
    if missing or len(words) != n:
      raise ValueError(f'example {e}: {n} words, but merged {len(words)} (missing {missing[:10]})')
    merged.append([words[w] for w in range(n)])
  return merged
