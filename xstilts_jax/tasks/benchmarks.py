"""Benchmarks as data: which target tasks each scores, in which languages.

A task's registry entry holds every language it has data for (UD-POS: XTREME's 33 and
XTREME-R's five more); a benchmark picks its own list per task:

  xtreme     the nine XTREME tasks, XTREME's languages (Hu et al. 2020)
  xtreme-r   XTREME-R's ten (no PAWS-X, no BUCC; XCOPA, Mewsli-X, LAReQA new), the official
             scorer's XTREME_R_TASK2LANGS (Ruder et al. 2021)

`config.benchmark` selects one: the experiment's default targets and every zero-shot
language list follow it (train/plan.py, eval/zero_shot.py).
"""

from xstilts_jax.tasks import languages as L

BENCHMARKS = {
    'xtreme': {'xnli': L.XNLI, 'pawsx': L.PAWSX, 'udpos': L.UDPOS, 'panx': L.PANX,
               'xquad': L.XQUAD, 'mlqa': L.MLQA, 'tydiqa': L.TYDIQA, 'bucc2018': L.BUCC,
               'tatoeba': L.TATOEBA},
    'xtreme-r': dict(L.XTREME_R),
}
DEFAULT = 'xtreme'


def check(benchmark: str) -> str:
  if benchmark not in BENCHMARKS:
    raise ValueError(f'config.benchmark={benchmark!r}: expected one of '
                     f'{", ".join(map(repr, BENCHMARKS))}')
  return benchmark


def targets(benchmark: str = DEFAULT) -> tuple:
  """The benchmark's target task names, in its table order."""
  return tuple(BENCHMARKS[check(benchmark)])


def target_names(listed, benchmark: str = DEFAULT) -> list:
  """A config's targets (`listed`, names) under `benchmark`: XTREME's nine, the default of
  config.targets, stand for the benchmark's own targets; any other list is kept."""
  listed = list(listed)
  if check(benchmark) != 'xtreme' and listed == list(targets('xtreme')):
    return list(targets(benchmark))
  return listed


def languages(task, benchmark: str = DEFAULT) -> tuple:
  """The languages `benchmark` scores `task` in (a registry Task or its name); all of the
  task's languages when the benchmark does not have the task."""
  name = task if isinstance(task, str) else task.name
  listed = BENCHMARKS[check(benchmark)].get(name)
  if listed is not None:
    return tuple(listed)
  if isinstance(task, str):
    from xstilts_jax.tasks import registry  # entries load lazily
    task = registry.get_task(task)
  return tuple(task.languages)
