"""A benchmark's score from task numbers (`report/benchmark.py`), as the scorer, the report and
the grid's tables use it, for XTREME and XTREME-R."""

import pytest

from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.report import benchmark
from xstilts_jax.report import tables

XTREME_R = ('xnli', 'xcopa', 'udpos', 'panx', 'xquad', 'mlqa', 'tydiqa', 'tatoeba', 'mewslix',
            'lareqa')


def _numbers(tasks):
  return {t: 10.0 * (i + 1) for i, t in enumerate(tasks)}  # 10, 20, ..., distinct


def test_xtreme_r_counts_each_task_once_and_scores_lareqa():
  numbers = _numbers(XTREME_R)
  s = benchmark.benchmark_score(numbers, 'xtreme-r')
  assert s['score'] == pytest.approx(sum(numbers.values()) / 10)  # XCOPA once, LAReQA in
  n = numbers
  assert s['categories'] == pytest.approx({
      'classification': (n['xnli'] + n['xcopa']) / 2,
      'structured prediction': (n['udpos'] + n['panx']) / 2,
      'question answering': (n['xquad'] + n['mlqa'] + n['tydiqa']) / 3,
      'retrieval': (n['tatoeba'] + n['mewslix'] + n['lareqa']) / 3})
  assert s['missing'] == [] and s['reason'] is None


def test_a_missing_or_incomplete_task_leaves_its_category_and_the_score_empty():
  numbers = dict(_numbers(XTREME_R), lareqa=None, pawsx=99.0)
  del numbers['xcopa']
  s = benchmark.benchmark_score(numbers, 'xtreme-r')
  assert s['score'] is None and s['missing'] == ['xcopa', 'lareqa']
  assert s['reason'] == 'not all 10 XTREME-R tasks have a score; missing: xcopa, lareqa'
  assert s['categories']['classification'] is None and s['categories']['retrieval'] is None
  assert s['categories']['question answering'] == pytest.approx((50 + 60 + 70) / 3)


def test_the_scorer_tables_agree_with_the_benchmarks():
  for name in ('xtreme', 'xtreme-r'):
    table = xtreme_tasks.tasks_of(name)
    assert tuple(table) == benchmark.tasks(name)
    for task in table.values():
      assert task.category == benchmark.category(name, task.name)
  xtreme = _numbers(xtreme_tasks.TASKS)
  assert benchmark.benchmark_score(xtreme)['score'] == pytest.approx(50.0)  # 10..90
  with pytest.raises(ValueError, match="unknown benchmark 'xtreme-s'"):
    benchmark.benchmark_score(xtreme, 'xtreme-s')


def _scores(numbers, name='xtreme-r'):
  """A scores dict as eval.score prints it, with one language per task."""
  tasks = {t: {'avg': {'accuracy': v}, 'score': v, 'langs': {'de': {'accuracy': v}},
               'missing_langs': []} for t, v in numbers.items()}
  overall = benchmark.benchmark_score(numbers, name)
  return {'benchmark': name, 'tasks': tasks, 'categories': overall['categories'],
          'xtreme_score': overall['score'], 'xtreme_score_reason': overall['reason'],
          'missing': overall['missing']}


def test_report_shows_the_xtreme_r_table():
  md = tables.markdown_report(_scores(_numbers(XTREME_R)), 'XTREME-R run')
  assert '**XTREME-R score: 55.00**' in md
  assert '| retrieval | tatoeba, mewslix, lareqa | 90.00 |' in md
  assert '| classification | xnli, xcopa | 15.00 |' in md
  assert '| lareqa | 100.00 |' in md


def test_report_and_task_tables_name_the_same_tasks():
  """report/benchmark.py (categories, score) and tasks/benchmarks.py (targets, languages)
  must agree on what each benchmark is made of."""
  from xstilts_jax.tasks import benchmarks as task_benchmarks
  for name in benchmark.BENCHMARKS:
    assert sorted(benchmark.tasks(name)) == sorted(task_benchmarks.targets(name)), name
