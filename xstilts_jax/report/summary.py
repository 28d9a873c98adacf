"""Per-task summaries of a scores dict (the shape `xstilts_jax.eval.score` prints).

The per-language number of a task is the one its XTREME score averages: (EM + F1) / 2 for QA,
else accuracy, else map@20 (XTREME-R's retrieval), else F1. It is read from the metric names
so this layer imports nothing of ours.
"""

import math


def language_value(lang_metrics):
  if 'exact_match' in lang_metrics and 'f1' in lang_metrics:
    return (lang_metrics['exact_match'] + lang_metrics['f1']) / 2
  if 'accuracy' in lang_metrics:
    return lang_metrics['accuracy']
  if 'map@20' in lang_metrics:  # Mewsli-X, LAReQA (XTREME-R)
    return lang_metrics['map@20']
  return lang_metrics['f1']


def task_summary(task_scores):
  """{'score', 'en', 'transfer_gap', 'std', 'worst_lang', 'worst', 'n_langs'} of one task.

  transfer_gap: English minus the mean of the other languages (None without English, e.g.
  BUCC and Tatoeba); std: population standard deviation over the scored languages;
  worst: the lowest-scoring language.
  """
  values = {l: language_value(m) for l, m in task_scores['langs'].items()}
  out = {'score': task_scores.get('score'), 'en': values.get('en'), 'transfer_gap': None,
         'std': None, 'worst_lang': None, 'worst': None, 'n_langs': len(values)}
  if not values:
    return out
  others = [v for l, v in values.items() if l != 'en']
  if 'en' in values and others:
    out['transfer_gap'] = values['en'] - sum(others) / len(others)
  mean = sum(values.values()) / len(values)
  out['std'] = math.sqrt(sum((v - mean) ** 2 for v in values.values()) / len(values))
  out['worst_lang'] = min(values, key=values.get)
  out['worst'] = values[out['worst_lang']]
  return out


def summarize(scores):
  """{task: task_summary} in the order of scores['tasks']."""
  return {t: task_summary(s) for t, s in scores['tasks'].items()}
