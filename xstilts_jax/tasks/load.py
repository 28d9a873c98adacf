"""One way in: `load_examples(task, split, lang)` from local raw files or the hub."""

import dataclasses
import glob
import os
from typing import Any, Optional, Union

from xstilts_jax.tasks import registry
from xstilts_jax.tasks.readers import rawfiles

FIXTURES_DIR = os.path.join(os.path.dirname(__file__), 'fixtures')


def load_examples(task: Union[str, registry.Task], split: str, lang: Optional[str] = None, *,
                  source: str = 'local', data_dir: Optional[str] = None,
                  hub_dir: Optional[str] = None) -> list:
  """Typed examples of one task, split and language.

  source='local': raw files under `data_dir` (default: the shipped fixtures) in XTREME's
  download layout. source='hub': the Hugging Face dataset of the task entry, or, when
  `hub_dir` is given, a dataset saved with `save_to_disk` in the hub's column layout.
  """
  task = registry.get_task(task) if isinstance(task, str) else task
  lang = lang or task.train_language
  if lang not in task.languages and lang != task.train_language:
    raise ValueError(f'task {task.name!r} has no language {lang!r}; '
                     f'its languages: {" ".join(task.languages)}')
  if split not in task.splits:
    raise ValueError(f'task {task.name!r} has no split {split!r}; its splits: {task.splits}')
  if source == 'local':
    examples = _load_local(task, split, lang, data_dir or FIXTURES_DIR)
    where = data_dir or FIXTURES_DIR
  elif source == 'hub':
    examples = _load_hub(task, split, lang, hub_dir)
    where = hub_dir or (task.hub.path if task.hub else '?')
  else:
    raise ValueError(f"source must be 'local' or 'hub', got {source!r}")
  if not examples:
    raise ValueError(f'task {task.name!r} split {split!r} language {lang!r} from {where}: '
                     'the split is empty; expected at least one example')
  return list(examples)


def resolve_task(task: Union[str, registry.Task], data_dir: Optional[str] = None) -> registry.Task:
  """The task with the label list of the data it will read: a task with `labels_file`
  (CCG's 1,363 supertags) reads it from `data_dir` (default: the fixtures)."""
  task = registry.get_task(task) if isinstance(task, str) else task
  if not task.labels_file:
    return task
  path = os.path.join(data_dir or FIXTURES_DIR, task.labels_file)
  return dataclasses.replace(task, labels=rawfiles.read_label_list(path))


def local_patterns(task: registry.Task, split: str, lang: str, data_dir: str) -> tuple:
  """The glob patterns (under `data_dir`) the local source reads for one split and language;
  one per entry of `LocalSource.paths[split]`. Preflight checks these without reading them."""
  if task.local is None:
    raise ValueError(f'task {task.name!r} has no local source')
  if split not in task.local.paths:
    raise ValueError(f'task {task.name!r}: no local files for split {split!r}')
  patterns = task.local.paths[split]
  patterns = (patterns,) if isinstance(patterns, str) else tuple(patterns)
  code = task.file_codes.get(lang, lang)
  return tuple(os.path.join(data_dir, p.format(lang=lang, code=code, split=split))
               for p in patterns)


def _load_local(task: registry.Task, split: str, lang: str, data_dir: str) -> Any:
  single = isinstance(task.local.paths.get(split), str) if task.local else False
  files = []
  for pattern in local_patterns(task, split, lang, data_dir):
    matches = sorted(glob.glob(pattern))
    if not matches:
      raise FileNotFoundError(f'task {task.name!r} split {split!r} language {lang!r}: '
                              f'no file matches {pattern}')
    files.append(matches)
  return task.local.reader(files[0] if single else files, lang=lang, split=split,
                           **task.local.kwargs)


def _load_hub(task: registry.Task, split: str, lang: str, hub_dir: Optional[str]) -> Any:
  import datasets  # heavy import, only on this path
  if task.hub is None:
    raise ValueError(f'task {task.name!r} has no hub source')
  if split not in task.hub.splits:
    raise ValueError(f'task {task.name!r}: no hub split for {split!r}')
  hub_split = task.hub.splits[split]
  if hub_dir is not None:
    ds = datasets.load_from_disk(hub_dir)
    if isinstance(ds, datasets.DatasetDict):
      if hub_split not in ds:
        raise ValueError(f'{hub_dir}: no split {hub_split!r}; has {list(ds)}')
      ds = ds[hub_split]
  else:
    name = task.hub.name.format(lang=lang, code=task.file_codes.get(lang, lang)) \
        if task.hub.name else None
    ds = datasets.load_dataset(task.hub.path, name, split=hub_split)
  return task.hub.convert(ds, lang=lang, split=split)
