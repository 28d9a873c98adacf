"""A model over featurized examples: outputs per row, predictions per example, metrics.

The model enters as one function, `predict_fn(params, batch) -> outputs` (jitted, e.g. the
eval step composed with `models.heads.predict`), so this module never imports train/.
Predictions come out in the form XTREME's submission files take (`eval/submission.py`):
label indices, tag lists, or {question id: answer}.
"""

import jax
import numpy as np

from xstilts_jax.data import pipeline
from xstilts_jax.data.features import Features
from xstilts_jax.eval import metrics as metrics_lib
from xstilts_jax.eval import postprocess
from xstilts_jax.parallel import global_batch

MODEL_KEYS = ('input_ids', 'attention_mask')
# Outputs with a token axis (axis 1), per format: what `run` pads back to the full length.
PER_TOKEN = {'tagging': ('prediction',), 'span_qa': ('start_logits', 'end_logits')}


def length_buckets(max_len):
  """The lengths batches are trimmed to: steps of 32 up to 128, then doubling, then max_len
  (64 → 32, 64; 128 → 32, 64, 96, 128; 384 → 32, 64, 96, 128, 256, 384): few compiled shapes,
  little padding where most sentences are."""
  buckets = [b for b in (32, 64, 96, 128) if b < max_len]
  while buckets and buckets[-1] * 2 < max_len and buckets[-1] >= 128:
    buckets.append(buckets[-1] * 2)
  return tuple(buckets) + (max_len,)


def run(predict_fn, params, features, batch_size, sharding=None, *, per_token=None):
  """Outputs of every feature row, as numpy arrays with the leading axis N.

  per_token=None: fixed-size batches of the features' full length, in row order
  (`data.pipeline.eval_batches`: the last one padded, one compiled shape). per_token=(keys)
  (`PER_TOKEN[format]`; () for outputs without a token axis): rows are sorted by length, longest
  first, and each batch is trimmed to the smallest of `length_buckets` longer than its longest
  row (the full length for rows that fill it), so short examples cost short sequences and only
  the last, shortest batch is filled up. Keys in per_token are padded back to the full length
  with the output of the row's first padding position: every padding position has the same
  output (the pad token at the pad position id, attending to the same unmasked tokens), so the
  result equals the full-length run's up to float rounding (tests/eval/test_predict_buckets.py).

  Each process feeds its rows of the global batch. With a `sharding` (the mesh's batch
  sharding) the rows become one global array; outputs must be replicated to be read back.
  """
  if per_token is None:
    return _run_fixed(predict_fn, params, features.arrays, batch_size, sharding)
  mask = features.arrays['attention_mask']
  n, full = len(mask), mask.shape[-1]
  lengths = mask.reshape(n, -1, full).sum(-1).max(-1)  # multiple choice: the longest choice
  buckets = np.array(length_buckets(full))
  order = np.argsort(-lengths, kind='stable')
  out = {}
  for start in range(0, n, batch_size):
    rows = order[start:start + batch_size]
    # Longer than the batch's rows (one padding position computed), unless they fill it.
    length = buckets[min(np.searchsorted(buckets, lengths[rows].max(), side='right'),
                         len(buckets) - 1)]
    arrays = {key: features.arrays[key][rows][..., :length] for key in MODEL_KEYS}
    part = _run_fixed(predict_fn, params, arrays, batch_size, sharding)
    for key, value in part.items():
      if key not in per_token:
        out.setdefault(key, np.zeros((n,) + value.shape[1:], value.dtype))[rows] = value
        continue
      full_value = out.setdefault(key, np.zeros((n, full) + value.shape[2:], value.dtype))
      full_value[rows, :length] = value
      if length < full:
        full_value[rows, length:] = value[np.arange(len(rows)), lengths[rows]][:, None]
  return out


def _run_fixed(predict_fn, params, arrays, batch_size, sharding):
  """Every row of `arrays` in fixed-size batches of one shape, in order."""
  features = Features(arrays, {})
  chunks = {}
  batches = pipeline.eval_batches(features, batch_size, process_index=jax.process_index(),
                                  process_count=jax.process_count())
  for k, batch in enumerate(batches):
    inputs = {key: batch[key] for key in MODEL_KEYS}
    if sharding is not None:
      inputs = global_batch.make_global_batch(inputs, sharding, batch_size)
    out = predict_fn(params, inputs)
    valid = min(batch_size, len(features) - k * batch_size)  # padding ends the global batch
    for key, v in out.items():
      chunks.setdefault(key, []).append(np.asarray(v)[:valid])
  return {key: np.concatenate(v) for key, v in chunks.items()}


def to_predictions(task, examples, features, outputs, *, tokenizer=None, n_best=20,
                   max_answer_length=30):
  """Per-example predictions: label indices (classification, multiple choice), tag names
  per word (tagging), or {guid: answer text} (span QA: jiant's answer text given the
  `tokenizer` of the features, else the characters under the span's offsets)."""
  arrays = features.arrays
  if task.format in ('classification', 'multiple_choice'):
    preds = [None] * len(examples)
    for row, ex in enumerate(arrays['example_index']):
      preds[int(ex)] = int(outputs['prediction'][row])
    missing = [examples[i].guid for i, p in enumerate(preds) if p is None]
    if missing:
      raise ValueError(f'{task.name}: no feature row for examples {missing[:5]}')
    return preds
  if task.format == 'tagging':
    return postprocess.tagging_predictions(examples, arrays, outputs['prediction'],
                                           list(task.labels))
  if task.format == 'span_qa':
    answers, _ = postprocess.qa_predictions(
        examples, arrays, outputs['start_logits'], outputs['end_logits'],
        tokenizer=tokenizer, n_best=n_best,
        max_answer_length=max_answer_length, version_2=task.metric == 'squad_v2')
    return answers
  raise ValueError(f'{task.name}: no predictions for format {task.format!r}')


def squad_data(examples):
  """QA examples as a SQuAD v1.1 'data' list (what the SQuAD / MLQA metrics read)."""
  paragraphs = [{'context': ex.context, 'qas': [{
      'id': ex.guid, 'question': ex.question,
      'answers': [{'text': a.text, 'answer_start': a.answer_start} for a in ex.answers]}]}
                for ex in examples]
  return [{'title': '', 'paragraphs': paragraphs}]


def gold(task, examples):
  """Gold labels in the predictions' form (None when the examples are unlabelled)."""
  if task.format in ('classification', 'multiple_choice'):
    labels = [ex.label for ex in examples]
    return None if any(l is None for l in labels) else labels
  if task.format == 'tagging':
    labels = [ex.labels for ex in examples]
    return None if any(l is None for l in labels) else [list(l) for l in labels]
  if task.format == 'span_qa':
    return squad_data(examples)
  raise ValueError(f'{task.name}: no gold labels for format {task.format!r}')


def evaluate(task, examples, predictions, lang='en'):
  """Metrics in percent, with 'score': the number model selection maximises."""
  labels = gold(task, examples)
  if labels is None:
    raise ValueError(f'{task.name} ({lang}): the examples have no labels to evaluate against')
  if task.format in ('classification', 'multiple_choice'):
    m = metrics_lib.accuracy(labels, predictions)
    return dict(m, score=m['accuracy'])
  if task.format == 'tagging':
    if task.metric == 'accuracy':  # CCG supertagging: accuracy over words
      flat_gold = [t for s in labels for t in s]
      flat_pred = [t for s in predictions for t in s]
      m = metrics_lib.accuracy(flat_gold, flat_pred)
      return dict(m, score=m['accuracy'])
    m = metrics_lib.chunk_prf(labels, predictions)
    return dict(m, score=m['f1'])
  if task.metric == 'mlqa_f1_em':
    m = metrics_lib.mlqa_evaluate(labels, predictions, lang)
  elif task.metric == 'squad_v2':
    m = metrics_lib.squad_v2_evaluate(labels, predictions)
  else:
    m = metrics_lib.squad_evaluate(labels, predictions)
  # XTREME counts a QA task as (EM + F1) / 2; selection uses the same number.
  return dict(m, score=(m['exact_match'] + m['f1']) / 2)
