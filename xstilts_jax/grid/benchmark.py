"""The benchmark score (XTREME or XTREME-R) of per-task, per-language results.

  benchmark_score(benchmark, {task: {lang: {metric: value}}}) -> {'benchmark', 'score',
      'tasks', 'categories', 'missing', 'reason'}

A task's number is the mean over its official languages (`tasks/benchmarks.py`, the official
scorer's lists) of its headline metric: (EM + F1) / 2 for QA, F1 for tagging and BUCC,
accuracy for classification, XCOPA and Tatoeba, map@20 for Mewsli-X and LAReQA. A task lacking
one of its official languages gets no number (a mean over part of the list is not comparable).
The score and the categories from the task numbers are `report.benchmark.benchmark_score`'s,
the one rule the scorer and the report use too (XCOPA counted once, LAReQA scored).
"""

from xstilts_jax.report import benchmark as report_benchmark
from xstilts_jax.tasks import benchmarks

_QA = ('xquad', 'mlqa', 'tydiqa')
_HEADLINE = {'xnli': 'accuracy', 'pawsx': 'accuracy', 'xcopa': 'accuracy',
             'tatoeba': 'accuracy', 'udpos': 'f1', 'panx': 'f1', 'bucc2018': 'f1',
             'mewslix': 'map@20', 'lareqa': 'map@20'}


def task_languages(benchmark):
  """{task: official languages} of a benchmark, in its category order."""
  return {t: benchmarks.languages(t, benchmark) for t in report_benchmark.tasks(benchmark)}


def language_number(task, metrics):
  """What one language contributes to its task's number."""
  if task in _QA:
    return (metrics['exact_match'] + metrics['f1']) / 2
  return metrics[_HEADLINE[task]]


def benchmark_score(benchmark, per_task):
  """The score of {task: {lang: metrics}} under `benchmark` (see the module doc). Tasks
  outside the benchmark are ignored; 'missing' lists absent tasks and 'task/lang'."""
  tasks, missing = {}, []
  for task, langs in task_languages(benchmark).items():
    got = per_task.get(task)
    if not got:
      missing.append(task)
      tasks[task] = None
      continue
    absent = [l for l in langs if got.get(l) is None]
    missing += [f'{task}/{l}' for l in absent]
    tasks[task] = (None if absent else
                   sum(language_number(task, got[l]) for l in langs) / len(langs))
  overall = report_benchmark.benchmark_score(tasks, benchmark)
  reason = None if overall['score'] is not None else (
      f'{benchmark} needs all {len(tasks)} tasks on all their languages; missing: '
      + ', '.join(missing))
  return dict(benchmark=benchmark, score=overall['score'], tasks=tasks,
              categories=overall['categories'], missing=missing, reason=reason)
