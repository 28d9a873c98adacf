"""What XTREME and XTREME-R are made of (tasks by category) and their score from task numbers.

The one place that says how a benchmark's score is formed, so the scorer (`eval/score.py`),
the report and the grid's tables compute it the same way:

  >>> benchmark_score({'xnli': 80.0, 'pawsx': 90.0}, 'xtreme')['score'] is None
  True

- The overall score is the mean over the benchmark's tasks (nine for XTREME, ten for
  XTREME-R), each counted once: the official scorer's `all_task`. A category's score is the
  mean over its tasks.
- XCOPA is a classification task and is counted once. The official XTREME-R `evaluate.py`
  also lists it alone in a fifth group, 'multi_choice'; that group repeats XCOPA's own
  number, so it is left out here (and it never entered the official overall score).
- LAReQA is a retrieval task like Mewsli-X (mAP@20); the official scorer lists no languages
  for it, so it cannot score it and its overall XTREME-R score never exists. Here it does.
- A number that is missing or None (a task without predictions or with an incomplete
  language list) makes its category and the overall score None, with the reason, as the
  official scorer shows neither unless every task is there.
"""

BENCHMARKS = {
  'xtreme': {
    'classification': ('xnli', 'pawsx'),
    'structured prediction': ('udpos', 'panx'),
    'question answering': ('xquad', 'mlqa', 'tydiqa'),
    'sentence retrieval': ('bucc2018', 'tatoeba'),
  },
  'xtreme-r': {
    'classification': ('xnli', 'xcopa'),
    'structured prediction': ('udpos', 'panx'),
    'question answering': ('xquad', 'mlqa', 'tydiqa'),
    'retrieval': ('tatoeba', 'mewslix', 'lareqa'),
  },
}
NAMES = {'xtreme': 'XTREME', 'xtreme-r': 'XTREME-R'}


def _check(benchmark):
  if benchmark not in BENCHMARKS:
    raise ValueError(f'unknown benchmark {benchmark!r}; expected one of {sorted(BENCHMARKS)}')
  return BENCHMARKS[benchmark]


def tasks(benchmark):
  """The benchmark's task names, category by category."""
  return tuple(t for members in _check(benchmark).values() for t in members)


def category(benchmark, task):
  """The category of one task of the benchmark."""
  for name, members in _check(benchmark).items():
    if task in members:
      return name
  raise ValueError(f'{task!r} is not a task of {NAMES[benchmark]}; expected one of '
                   f'{list(tasks(benchmark))}')


def benchmark_score(task_scores, benchmark='xtreme'):
  """{task: number or None} -> {'benchmark', 'score', 'reason', 'categories', 'missing'}.

  score: the mean over every task of the benchmark (None unless all have a number, and then
  `reason` names the missing ones); categories: {category: mean or None}; missing: the
  benchmark's tasks without a number. Tasks of other benchmarks in `task_scores` are ignored.
  """
  groups = _check(benchmark)
  value = lambda t: task_scores.get(t)
  missing = [t for t in tasks(benchmark) if value(t) is None]
  categories = {}
  for name, members in groups.items():
    values = [value(t) for t in members]
    categories[name] = None if None in values else sum(values) / len(values)
  all_tasks = tasks(benchmark)
  score = None if missing else sum(value(t) for t in all_tasks) / len(all_tasks)
  reason = None
  if missing:
    reason = (f'not all {len(all_tasks)} {NAMES[benchmark]} tasks have a score; missing: '
              + ', '.join(missing))
  return {'benchmark': benchmark, 'score': score, 'reason': reason, 'categories': categories,
          'missing': missing}
