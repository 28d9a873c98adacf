"""Per-example scores that add up to the task's metric, and paired bootstrap intervals.

Each example gets a row of counts whose column sums give the corpus metric exactly as eval/
computes it: accuracy (correct), seqeval chunk F1 (true positives, predicted and gold chunks;
F1 = 2 tp / (pred + gold)), word accuracy (CCG), QA ((EM + F1) / 2, each per question),
ranking (map@k: each query's average precision at k, `query_average_precision`). So a bootstrap
resample of examples is a resample of rows, and clean and perturbed scores of the same resample
are paired.
"""

import collections

import numpy as np

from xstilts_jax.eval import metrics as metrics_lib
from xstilts_jax.eval import predict
from xstilts_jax.eval.metrics import ranking as ranking_metrics


# What `score` needs to know of a task (a tasks.registry.Task has both fields).
Metric = collections.namedtuple('Metric', 'format metric')


def metric_of(task):
  """Tatoeba (retrieval) is scored as top-1 accuracy over its English sentences."""
  if task.format == 'retrieval':
    return Metric('classification', 'accuracy')
  return Metric(task.format, task.metric)


def example_stats(task, examples, predictions, lang):
  """[N, k] float64 counts per example (see `score`)."""
  gold = predict.gold(task, examples)
  if gold is None:
    raise ValueError(f'{task.name} ({lang}): no gold labels to score against')
  if task.format in ('classification', 'multiple_choice'):
    return np.array([[float(p == g)] for p, g in zip(predictions, gold)]).reshape(-1, 1)
  if task.format == 'tagging':
    rows = []
    for g, p in zip(gold, predictions):
      if task.metric == 'accuracy':
        rows.append([sum(a == b for a, b in zip(g, p)), len(g)])
      else:
        eg, ep = set(metrics_lib.get_entities(list(g))), set(metrics_lib.get_entities(list(p)))
        rows.append([len(eg & ep), len(ep), len(eg)])
    return np.array(rows, np.float64).reshape(len(rows), -1)
  if task.format == 'span_qa':
    rows = []
    for ex in examples:
      one = predict.squad_data([ex])
      answer = {ex.guid: predictions[ex.guid]} if ex.guid in predictions else {}
      if task.metric == 'mlqa_f1_em':
        m = metrics_lib.mlqa_evaluate(one, answer, lang)
      elif task.metric == 'squad_v2':
        m = metrics_lib.squad_v2_evaluate(one, answer)
      else:
        m = metrics_lib.squad_evaluate(one, answer)
      rows.append([m['exact_match'], m['f1']])
    return np.array(rows, np.float64).reshape(len(rows), 2)
  raise ValueError(f'{task.name}: no per-example scores for format {task.format!r}')


def query_average_precision(gold, predictions, k):
  """[Nq, 1] float64: AP@k of each query of `gold` ({query id: [gold ids]}), the official
  map@k's per-query term (`metrics.ranking.map_at_k` on one query), so their mean is map@k."""
  return np.array([[ranking_metrics.map_at_k({q: g}, {q: predictions.get(q, [])}, k)[
      f'map@{k}'] / 100.0] for q, g in gold.items()], np.float64).reshape(-1, 1)


def score(task, sums, n):
  """The task's metric (percent) from column sums over n examples; vectorised over leading
  axes of `sums` ([..., k], n scalar or [...])."""
  sums = np.asarray(sums, np.float64)
  n = np.maximum(np.asarray(n, np.float64), 1)
  if task.format in ('classification', 'multiple_choice', 'ranking'):
    return 100.0 * sums[..., 0] / n
  if task.format == 'tagging':
    if task.metric == 'accuracy':
      return 100.0 * sums[..., 0] / np.maximum(sums[..., 1], 1)
    denom = sums[..., 1] + sums[..., 2]
    return np.where(denom > 0, 200.0 * sums[..., 0] / np.maximum(denom, 1), 0.0)
  if task.format == 'span_qa':
    return (sums[..., 0] + sums[..., 1]) / (2 * n)
  raise ValueError(f'no metric for format {task.format!r}')


def corpus_score(task, stats):
  stats = np.asarray(stats)
  return float(score(task, stats.sum(0), len(stats)))


def paired_bootstrap(task, clean, perturbed, *, samples=1000, seed=0, alpha=0.05):
  """Absolute drop (clean - perturbed) and relative drop (percent of clean) with
  (1 - alpha) percentile intervals from `samples` paired resamples of examples (seeded)."""
  clean, perturbed = np.asarray(clean), np.asarray(perturbed)
  if clean.shape != perturbed.shape:
    raise ValueError(f'paired bootstrap needs the same examples: {clean.shape} vs '
                     f'{perturbed.shape}')
  n = len(clean)
  c, p = corpus_score(task, clean), corpus_score(task, perturbed)
  out = dict(clean=c, perturbed=p, drop=c - p, rel_drop=_rel(c, p), n=n)
  if n == 0:
    return dict(out, drop_ci=[np.nan, np.nan], rel_drop_ci=[np.nan, np.nan])
  rng = np.random.default_rng(seed)
  idx = rng.integers(0, n, size=(samples, n))
  cs = score(task, clean[idx].sum(1), n)
  ps = score(task, perturbed[idx].sum(1), n)
  drops = cs - ps
  rel = np.where(cs > 0, 100.0 * drops / np.where(cs > 0, cs, 1), np.nan)
  q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
  rel_ci = (np.nanpercentile(rel, q).tolist() if np.isfinite(rel).any() else [np.nan, np.nan])
  return dict(out, drop_ci=np.percentile(drops, q).tolist(), rel_drop_ci=rel_ci)


def _rel(clean, perturbed):
  return 100.0 * (clean - perturbed) / clean if clean > 0 else float('nan')


def paired_difference(task, stats_a, stats_b, *, samples=1000, seed=0, alpha=0.05):
  """Score of run B minus run A on the same examples, with a paired bootstrap interval."""
  a = paired_bootstrap(task, stats_a, stats_b, samples=samples, seed=seed, alpha=alpha)
  return dict(a=a['clean'], b=a['perturbed'], diff=-a['drop'],
              diff_ci=sorted(-x for x in a['drop_ci']), n=a['n'])
