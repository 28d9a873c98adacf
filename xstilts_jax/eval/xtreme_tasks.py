"""The tasks of XTREME (nine) and XTREME-R (ten) as the official scorer sees them: languages,
files, labels, metrics.

File suffixes and metrics follow google-research/xtreme `evaluate.py` (`--xtreme_version`
xtreme or xtreme-r); task averages are over exactly the official language lists
(`tasks/languages.py`: XTREME's per task and `XTREME_R`). Which tasks form each benchmark,
their categories and the overall score are `report/benchmark.py`'s.
"""

import dataclasses

from xstilts_jax.report import benchmark as benchmark_lib
from xstilts_jax.tasks import languages
from xstilts_jax.tasks.readers import conllu, panx, pawsx, xnli

SUFFIXES = {'qa': 'json', 'ranking': 'json', 'choice': 'jsonl'}


@dataclasses.dataclass(frozen=True)
class XtremeTask:
  name: str
  kind: str            # 'label' (one per line), 'tags', 'pairs' (BUCC), 'qa' (SQuAD JSON),
                       # 'choice' (XCOPA jsonl), 'ranking' (Mewsli-X / LAReQA JSON)
  category: str
  langs: tuple
  metrics: tuple       # metric names per language, the first is the headline
  labels: tuple = ()   # allowed label / tag values; empty = any (Tatoeba: any index)

  @property
  def suffix(self):
    return SUFFIXES.get(self.kind, 'tsv')


def _table(benchmark, specs):
  out = {}
  for name, kind, langs, metrics, labels in specs:
    out[name] = XtremeTask(name, kind, benchmark_lib.category(benchmark, name), tuple(langs),
                           metrics, labels)
  if set(out) != set(benchmark_lib.tasks(benchmark)):
    raise AssertionError(f'{benchmark}: the scorer and report/benchmark.py disagree on tasks')
  return out


_PRF = ('f1', 'precision', 'recall')
_QA = ('f1', 'exact_match')
_R = languages.XTREME_R

CATEGORIES = tuple(benchmark_lib.BENCHMARKS['xtreme'])

# XTREME; languages and labels come from the task registry, so the scorer and the data agree.
TASKS = _table('xtreme', [
  ('xnli', 'label', languages.XNLI, ('accuracy',), xnli.LABELS),
  ('pawsx', 'label', languages.PAWSX, ('accuracy',), pawsx.LABELS),
  ('udpos', 'tags', languages.UDPOS, _PRF, conllu.UPOS),
  ('panx', 'tags', languages.PANX, _PRF, panx.LABELS),
  ('xquad', 'qa', languages.XQUAD, _QA, ()),
  ('mlqa', 'qa', languages.MLQA, _QA, ()),
  ('tydiqa', 'qa', languages.TYDIQA, _QA, ()),
  ('bucc2018', 'pairs', languages.BUCC, _PRF, ()),
  ('tatoeba', 'label', languages.TATOEBA, ('accuracy',), ()),
])

# XTREME-R (the official XTREME_R_TASK2LANGS; LAReQA: XQuAD-R's 11 languages). XCOPA labels
# are the index of the right alternative, 0 or 1, as in its jsonl files.
XTREME_R_TASKS = _table('xtreme-r', [
  ('xnli', 'label', _R['xnli'], ('accuracy',), xnli.LABELS),
  ('xcopa', 'choice', _R['xcopa'], ('accuracy',), (0, 1)),
  ('udpos', 'tags', _R['udpos'], _PRF, conllu.UPOS),
  ('panx', 'tags', _R['panx'], _PRF, panx.LABELS),
  ('xquad', 'qa', _R['xquad'], _QA, ()),
  ('mlqa', 'qa', _R['mlqa'], _QA, ()),
  ('tydiqa', 'qa', _R['tydiqa'], _QA, ()),
  ('tatoeba', 'label', _R['tatoeba'], ('accuracy',), ()),
  ('mewslix', 'ranking', _R['mewslix'], ('map@20',), ()),
  ('lareqa', 'ranking', _R['lareqa'], ('map@20',), ()),
])

BENCHMARKS = {'xtreme': TASKS, 'xtreme-r': XTREME_R_TASKS}


def tasks_of(benchmark):
  """{name: XtremeTask} of 'xtreme' or 'xtreme-r', in the benchmark's category order."""
  if benchmark not in BENCHMARKS:
    raise ValueError(f'unknown benchmark {benchmark!r}; expected one of {sorted(BENCHMARKS)}')
  table = BENCHMARKS[benchmark]
  return {name: table[name] for name in benchmark_lib.tasks(benchmark)}


def get_xtreme_task(name, benchmark='xtreme'):
  table = tasks_of(benchmark)
  if name not in table:
    other = [b for b, t in BENCHMARKS.items() if b != benchmark and name in t]
    hint = f"; it is a task of benchmark={other[0]!r}" if other else ''
    label = benchmark_lib.NAMES[benchmark]
    raise ValueError(f'unknown {label} task {name!r}; known: {sorted(table)}{hint}')
  return table[name]


def task_number(task, metrics):
  """The number a task contributes to the benchmark score: (EM + F1) / 2 for QA, else its
  headline metric (accuracy, F1 or map@20)."""
  if task.kind == 'qa':
    return (metrics['exact_match'] + metrics['f1']) / 2
  return metrics[task.metrics[0]]
