"""The benchmark score (XTREME or XTREME-R) of per-task, per-language results.

  benchmark_score(benchmark, {task: {lang: {metric: value}}}) -> {'score', 'tasks',
      'categories', 'missing', 'reason'}

One rule for both benchmarks, as the official `evaluate.py` (`--xtreme_version`) computes
them: a task's number is the mean over ITS OFFICIAL languages of its headline metric ((EM +
F1) / 2 for QA, F1 for tagging, accuracy for classification and Tatoeba, map@20 for Mewsli-X
and LAReQA); the score is the mean over the benchmark's tasks; a category is the mean over its
tasks. A task lacking one of its official languages gets no number (a mean over part of the
list is not comparable), and then neither do its category and the score, with the reason.

XTREME: nine tasks, the languages of `eval/xtreme_tasks.py` (those of the official scorer).
XTREME-R (PROTOCOL.md "XTREME-R"): ten tasks, the languages of `tasks/languages.XTREME_R`,
categories classification (XNLI, XCOPA), structured prediction (UD-POS, WikiANN), question
answering (XQuAD, MLQA, TyDiQA), retrieval (Tatoeba, Mewsli-X, LAReQA). Where the official
scorer cannot score LAReQA (no language list) and lists XCOPA in two groups, LAReQA is scored
on XQuAD-R's 11 languages and XCOPA counts once, in classification.
"""

from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.tasks import languages

BENCHMARKS = ('xtreme', 'xtreme-r')
_QA = ('xquad', 'mlqa', 'tydiqa')
_HEADLINE = {'xnli': 'accuracy', 'pawsx': 'accuracy', 'xcopa': 'accuracy',
             'tatoeba': 'accuracy', 'udpos': 'f1', 'panx': 'f1', 'bucc2018': 'f1',
             'mewslix': 'map@20', 'lareqa': 'map@20'}
XTREME_R_CATEGORIES = {
    'classification': ('xnli', 'xcopa'),
    'structured prediction': ('udpos', 'panx'),
    'question answering': ('xquad', 'mlqa', 'tydiqa'),
    'retrieval': ('tatoeba', 'mewslix', 'lareqa'),
}


def task_languages(benchmark):
  """{task: official languages} of a benchmark, in the benchmark's task order."""
  if benchmark == 'xtreme':
    return {name: t.langs for name, t in xtreme_tasks.TASKS.items()}
  if benchmark == 'xtreme-r':
    return dict(languages.XTREME_R)
  raise ValueError(f'benchmark {benchmark!r}: expected one of {", ".join(BENCHMARKS)}')


def categories(benchmark):
  """{category: (task, ...)}."""
  if benchmark == 'xtreme':
    out = {}
    for name, t in xtreme_tasks.TASKS.items():
      out.setdefault(t.category, []).append(name)
    return {c: tuple(v) for c, v in out.items()}
  task_languages(benchmark)   # names the benchmarks when it is unknown
  return dict(XTREME_R_CATEGORIES)


def language_number(task, metrics):
  """What one language contributes to its task's number."""
  if task in _QA:
    return (metrics['exact_match'] + metrics['f1']) / 2
  return metrics[_HEADLINE[task]]


def benchmark_score(benchmark, per_task):
  """The score of {task: {lang: metrics}} under `benchmark` (see the module doc). Tasks
  outside the benchmark are ignored; 'missing' lists absent tasks and 'task/lang'."""
  langs_of = task_languages(benchmark)
  tasks, missing = {}, []
  for task, langs in langs_of.items():
    got = per_task.get(task)
    if not got:
      missing.append(task)
      tasks[task] = None
      continue
    absent = [l for l in langs if got.get(l) is None]
    missing += [f'{task}/{l}' for l in absent]
    tasks[task] = (None if absent else
                   sum(language_number(task, got[l]) for l in langs) / len(langs))
  cats = {c: (None if any(tasks[t] is None for t in members)
              else sum(tasks[t] for t in members) / len(members))
          for c, members in categories(benchmark).items()}
  values = list(tasks.values())
  score = None if None in values else sum(values) / len(values)
  reason = None if score is not None else (
      f'{benchmark} needs all {len(values)} tasks on all their languages; missing: '
      + ', '.join(missing))
  return dict(benchmark=benchmark, score=score, tasks=tasks, categories=cats,
              missing=missing, reason=reason)
