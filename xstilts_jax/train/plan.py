"""What a run will do, from its config alone: the phases in order, their tasks, the data each reads.

`phases(config)` is the one list the experiment executes and preflight checks (and the dry run
prints), so what is checked is what runs:

  intermediate     config.intermediate.tasks: English train + dev of each task (a composite such
                   as anli_plus reads its parts' files); continued MLM (`mlm`) reads the train
                   text of each language of config.mlm.languages ('' = all 40)
  target_<task>    each trained XTREME target of config.targets: English train + dev, then the
                   test split of every evaluated language (config.eval.languages; '' = the
                   benchmark's list, config.benchmark)
  retrieval        BUCC and Tatoeba: every split of every evaluated language, no training

config.benchmark ('xtreme' or 'xtreme-r', `tasks/benchmarks.py`) sets the language lists, and
the targets when config.targets is left at XTREME's nine (the default): XTREME-R's ten.

A trained task also reads its translations in each language of the phase's `translated`
section (data/translated.py), when XTREME has them.

A read marked `optional` is one the run skips, with a message, when its data is missing
(config.eval.skip_missing_languages, config.mlm.skip_missing_languages).
"""

import dataclasses
import os
from typing import Any, Optional

from xstilts_jax import storage
from xstilts_jax.data import translated
from xstilts_jax.eval import zero_shot
from xstilts_jax.tasks import benchmarks
from xstilts_jax.tasks import load
from xstilts_jax.tasks.registry import all_tasks, get_task
from xstilts_jax.train import loop

ZERO_SHOT = 'zero_shot.json'  # in target_<task>/: the phase and its zero-shot evaluation are done


@dataclasses.dataclass(frozen=True)
class Read:
  """One `load_examples(task, split, lang)` the run makes."""
  task: Any
  split: str
  lang: str
  stage: str              # 'train' (training data, English dev) or 'eval' (zero-shot, retrieval)
  optional: bool = False  # missing data is skipped by the run


@dataclasses.dataclass(frozen=True)
class Phase:
  name: str               # its folder in the workdir
  kind: str               # 'intermediate', 'target' or 'retrieval'
  tasks: tuple            # registry entries (a `labels_file` is read by `resolve`)
  settings: Optional[Any]  # config.intermediate or config.target; None for retrieval
  reads: tuple            # Read, in the order the phase reads them


def names(text) -> list:
  return [n.strip() for n in str(text or '').split(',') if n.strip()]


def benchmark(config) -> str:
  return benchmarks.check(config.get('benchmark', benchmarks.DEFAULT))


def target_names(config) -> list:
  """config.targets; left at XTREME's nine (the default) under config.benchmark='xtreme-r',
  XTREME-R's ten instead."""
  return benchmarks.target_names(names(config.targets), benchmark(config))


def eval_languages(task, config) -> list:
  """The languages a run evaluates `task` in (config.eval.languages, config.benchmark)."""
  return zero_shot.eval_languages(task, names(config.eval.languages), benchmark(config))


def resolve(task, config):
  """The task with the label list of the data it will read (CCG's supertags)."""
  return load.resolve_task(task, config.data.data_dir or None)


def is_finished(phase: Phase, workdir: str) -> bool:
  """A finished phase is never rerun (nor its data read)."""
  folder = os.path.join(workdir, phase.name)
  if phase.kind == 'target':
    return storage.exists(os.path.join(folder, ZERO_SHOT))
  return loop.is_finished(folder)


def _train_reads(task, config, settings):
  if task.format == 'mlm':
    # As loop.prepare_data → tasks.mlm.load_multilingual.
    return tuple(Read(task, 'train', lang, 'train', config.mlm.skip_missing_languages)
                 for lang in names(config.mlm.languages) or task.languages)
  translations, langs = translated.languages_for(task, settings.get('translated'))
  return (Read(task, 'train', 'en', 'train'), Read(task, 'dev', 'en', 'train')) + tuple(
      Read(translations, 'train', lang, 'train') for lang in langs)


def _eval_reads(task, config):
  skip = config.eval.skip_missing_languages
  langs = eval_languages(task, config)
  if task.format == 'retrieval':  # as zero_shot.run_retrieval: BUCC dev + test, Tatoeba test
    return tuple(Read(task, split, lang, 'eval', skip) for lang in langs for split in task.splits)
  return tuple(Read(task, 'test', lang, 'eval', skip) for lang in langs)


def eval_language_notes(config) -> list:
  """How config.eval.languages applies to each target lacking some of them, one line each."""
  wanted = names(config.eval.languages)
  notes = []
  for name in target_names(config):
    try:
      task = get_task(name)
    except KeyError:
      continue
    lacks = [l for l in wanted if l not in task.languages]
    if not wanted or not task.xtreme_name or not lacks:
      continue
    used = eval_languages(task, config)
    how = (f'evaluates all its {len(used)} languages' if len(lacks) == len(wanted)
           else f'evaluates {",".join(used)}')
    notes.append(f'config.eval.languages: {task.name} has no {",".join(lacks)}; {how}')
  return notes


def phases(config) -> list:
  """The phases of the run in the order the experiment runs them. A config naming an unknown
  task, a non-XTREME target, an MLM language the task lacks or an evaluation language no
  target has raises one ValueError listing all (a language only some targets have is fine:
  see `eval_language_notes`)."""
  errors = []

  def lookup(name, field):
    try:
      return get_task(name)
    except KeyError:
      errors.append(f'config.{field}: unknown task {name!r}')
      return None

  intermediate = [t for t in (lookup(n, 'intermediate.tasks')
                              for n in names(config.intermediate.tasks)) if t]
  try:
    listed = target_names(config)
  except ValueError as e:
    errors.append(str(e))
    listed = []
  targets = [t for t in (lookup(n, 'targets') for n in listed) if t]
  for t in targets:
    if not t.xtreme_name:
      errors.append(f'config.targets: {t.name!r} is not an XTREME target task')
  for t in intermediate:
    if t.format == 'mlm':
      errors += [f'config.mlm.languages: {t.name!r} has no language {lang!r}'
                 for lang in names(config.mlm.languages) if lang not in t.languages]
  evaluated = [t for t in targets if t.xtreme_name]
  for lang in names(config.eval.languages):
    if evaluated and not any(lang in t.languages for t in evaluated):
      each = '; '.join(f'{t.name}: {",".join(t.languages)}' for t in evaluated)
      errors.append(f'config.eval.languages: no target has language {lang!r} ({each})')
  if errors:
    known = ', '.join(sorted(all_tasks()))
    raise ValueError('\n'.join(errors) + f'\n(known tasks: {known})')

  out = []
  if intermediate:
    out.append(Phase('intermediate', 'intermediate', tuple(intermediate), config.intermediate,
                     tuple(r for t in intermediate
                           for r in _train_reads(t, config, config.intermediate))))
  targets = [t for t in targets if t.xtreme_name]
  for t in targets:
    if t.format != 'retrieval':
      out.append(Phase(f'target_{t.name}', 'target', (t,), config.target,
                       _train_reads(t, config, config.target) + _eval_reads(t, config)))
  retrieved = tuple(t for t in targets if t.format == 'retrieval')
  if retrieved:
    out.append(Phase('retrieval', 'retrieval', retrieved, None,
                     tuple(r for t in retrieved for r in _eval_reads(t, config))))
  return out
