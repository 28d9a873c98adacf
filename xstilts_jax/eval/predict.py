"""A model over featurized examples: outputs per row, predictions per example, metrics.

The model enters as one function, `predict_fn(params, batch) -> outputs` (jitted, e.g. the
eval step composed with `models.heads.predict`), so this module never imports train/.
Predictions come out in the form XTREME's submission files take (`eval/submission.py`):
label indices, tag lists, or {question id: answer}.
"""

import numpy as np

from xstilts_jax.eval import metrics as metrics_lib
from xstilts_jax.eval import postprocess
from xstilts_jax.parallel import global_batch

MODEL_KEYS = ('input_ids', 'attention_mask')


def eval_batches(arrays, batch_size, keys=MODEL_KEYS):
  """Fixed-size batches of `keys` in order; the last is filled up with copies of row 0.

  Yields (batch, num_valid): one compiled shape for the whole set, the filler rows dropped.
  """
  n = len(arrays[keys[0]])
  for start in range(0, n, batch_size):
    rows = np.arange(start, min(start + batch_size, n))
    valid = len(rows)
    rows = np.concatenate([rows, np.zeros(batch_size - valid, rows.dtype)])
    yield {k: arrays[k][rows] for k in keys}, valid


def run(predict_fn, params, features, batch_size, sharding=None):
  """Outputs of every feature row, as numpy arrays with the leading axis N.

  With `sharding` (the batch sharding of the mesh), each process feeds only its rows of the
  global batch (`parallel.global_batch`); outputs must be replicated to be read back.
  """
  chunks = {}
  for batch, valid in eval_batches(features.arrays, batch_size):
    if sharding is not None:
      rows = global_batch.process_rows(sharding, batch_size)
      batch = global_batch.make_global_batch({k: v[rows] for k, v in batch.items()}, sharding,
                                             batch_size)
    out = predict_fn(params, batch)
    for k, v in out.items():
      chunks.setdefault(k, []).append(np.asarray(v)[:valid])
  return {k: np.concatenate(v) for k, v in chunks.items()}


def to_predictions(task, examples, features, outputs, *, n_best=20, max_answer_length=30):
  """Per-example predictions: label indices (classification, multiple choice), tag names
  per word (tagging), or {guid: answer text} (span QA)."""
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
        examples, arrays, outputs['start_logits'], outputs['end_logits'], n_best=n_best,
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
