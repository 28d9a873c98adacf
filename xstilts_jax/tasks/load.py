"""One way in: `load_examples(task, split, lang)` from local raw files or the hub.

The hub path reads, for each (task, split, language), the data sets `hub_refs` names: one
per copy (a composite such as ANLI+ reads each part's), each pinned to a revision, with
`datasets.load_dataset` (no loading scripts, as `datasets` >= 4 requires). `limit` > 0
streams and reads only the first N rows (continued-MLM Wikipedia text).

Saved copies (`hub_dir`, tests and offline machines): one `DatasetDict` saved with
`save_to_disk` per data set and config, holding the hub's split names and columns, at

  <hub_dir>/<hub path>/<config name, or 'default'>      e.g. hub_dir/nyu-mll/glue/mnli,
                                                         hub_dir/rajpurkar/squad/default

(`HubRef.copy_dir`); the same converters read them as the hub's own copies.
"""

import dataclasses
import glob
import logging
import os
from typing import NamedTuple, Optional, Union

from xstilts_jax.tasks import registry
from xstilts_jax.tasks.readers import rawfiles

FIXTURES_DIR = os.path.join(os.path.dirname(__file__), 'fixtures')
log = logging.getLogger('xstilts_jax.tasks')
_NOTED = set()  # (task, hub path) whose note was shown


class HubRef(NamedTuple):
  """One data set the hub path reads: `load_dataset(path, name, split=hub_split,
  revision=revision)`, or, with `data_file`, the packaged `builder` ('csv') on that URL
  (raw release files; `path` then names their repository). `part`: the member task of a
  composite it belongs to. `note`: where this copy differs from what XTREME uses."""
  path: str
  name: Optional[str]
  hub_split: str
  revision: Optional[str]
  note: str = ''
  data_file: Optional[str] = None
  builder: Optional[str] = None
  part: Optional[str] = None

  def copy_dir(self, hub_dir: str) -> str:
    """Where a saved copy of this data set lives under `hub_dir`."""
    return os.path.join(hub_dir, *self.path.split('/'), self.name or 'default')


def hub_refs(task: Union[str, registry.Task], split: str, lang: Optional[str] = None) -> list:
  """The hub data sets (`HubRef`s) that `load_examples(task, split, lang, source='hub')`
  reads, in order: the one place mapping (task, split, language) to the hub. Raises
  ValueError naming the task when it has no hub copy of that split (CCG: licensed data)."""
  task = registry.get_task(task) if isinstance(task, str) else task
  return [ref for ref, _ in _hub_plan(task, split, lang or task.train_language)]


def load_examples(task: Union[str, registry.Task], split: str, lang: Optional[str] = None, *,
                  source: str = 'local', data_dir: Optional[str] = None,
                  hub_dir: Optional[str] = None, limit: int = 0) -> list:
  """Typed examples of one task, split and language.

  source='local': raw files under `data_dir` (default: the shipped fixtures) in XTREME's
  download layout. source='hub': the Hugging Face data sets of `hub_refs`, or, when
  `hub_dir` is given, their saved copies under it (layout in the module docstring).
  `limit` > 0: at most the first N examples (the hub streams only N rows per data set).
  """
  task = registry.get_task(task) if isinstance(task, str) else task
  lang = lang or task.train_language
  if lang not in task.languages and lang != task.train_language:
    raise ValueError(f'task {task.name!r} has no language {lang!r}; '
                     f'its languages: {" ".join(task.languages)}')
  if split not in task.splits:
    raise ValueError(f'task {task.name!r} has no split {split!r}; its splits: {task.splits}')
  if source == 'local':
    examples, files = _load_local(task, split, lang, data_dir or FIXTURES_DIR)
  elif source == 'hub':
    examples = _load_hub(task, split, lang, hub_dir, limit)
    files = [f'{ref.copy_dir(hub_dir) if hub_dir else ref.path + "/" + (ref.name or "default")} '
             f'split {ref.hub_split}' for ref in hub_refs(task, split, lang)]
  else:
    raise ValueError(f"source must be 'local' or 'hub', got {source!r}")
  if not examples:
    where = ', '.join(files[:5]) + (f' and {len(files) - 5} more' if len(files) > 5 else '')
    raise ValueError(f'task {task.name!r} split {split!r} language {lang!r}: no example in '
                     f'{where}; expected at least one')
  return list(examples[:limit] if limit else examples)


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
  patterns = task.local.split_paths(split, lang)
  if patterns is None:
    raise ValueError(f'task {task.name!r}: no local files for split {split!r}')
  patterns = (patterns,) if isinstance(patterns, str) else tuple(patterns)
  code = task.file_codes.get(lang, lang)
  return tuple(os.path.join(data_dir, p.format(lang=lang, code=code, split=split))
               for p in patterns)


def _load_local(task: registry.Task, split: str, lang: str, data_dir: str) -> tuple:
  """(examples, the files read)."""
  single = isinstance(task.local.split_paths(split, lang), str) if task.local else False
  files = []
  for pattern in local_patterns(task, split, lang, data_dir):
    matches = sorted(glob.glob(pattern))
    if not matches:
      raise FileNotFoundError(f'task {task.name!r} split {split!r} language {lang!r}: '
                              f'no file matches {pattern}')
    files.append(matches)
  examples = task.local.reader(files[0] if single else files, lang=lang, split=split,
                               **task.local.kwargs)
  return examples, [path for group in files for path in group]


def _hub_plan(task: registry.Task, split: str, lang: str) -> list:
  """[(HubRef, HubSource)] of one task, split and language (composites: their parts')."""
  if task.parts and not task.hub_sources:
    plan = []
    for part in task.parts:
      plan += [(ref._replace(part=part), source)
               for ref, source in _hub_plan(registry.get_task(part), split, lang)]
    return plan
  if not task.hub_sources:
    raise ValueError(f'task {task.name!r} has no hub source'
                     + (f': {task.no_hub}' if task.no_hub else ''))
  if split == 'train' and task.xtreme_name and lang != task.train_language:
    raise ValueError(f'task {task.name!r}: split {split!r} exists for English only (zero-shot '
                     f'transfer); got language {lang!r}')
  for source in task.hub_sources:
    if source.serves(split, lang):
      hub_split = source.splits[split]
      name = (source.name.format(lang=lang, code=task.file_codes.get(lang, lang))
              if source.name else None)
      data_file = (source.data_files[hub_split].format(revision=source.revision)
                   if source.data_files else None)
      return [(HubRef(source.path, name, hub_split, source.revision, source.note, data_file,
                      source.builder), source)]
  served = sorted({s for source in task.hub_sources for s in source.splits})
  if split in served:
    raise ValueError(f'task {task.name!r}: no hub copy of split {split!r} in language {lang!r} '
                     '(the hub copies have ' + '; '.join(
                         f'{source.path}: {" ".join(source.languages)}'
                         for source in task.hub_sources if split in source.splits) +
                     '); use the local files (--config.data.source=local)')
  raise ValueError(f'task {task.name!r}: no hub split for {split!r}; its hub copies serve '
                   f'{", ".join(served)}')


def _load_hub(task: registry.Task, split: str, lang: str, hub_dir: Optional[str],
              limit: int) -> list:
  examples = []
  for ref, source in _hub_plan(task, split, lang):
    rows = _open_hub(ref, source, hub_dir, limit)
    _show_note(ref.part or task.name, ref)
    part = source.convert(rows, lang=lang, split=split)
    if ref.part:  # a composite's examples: guids prefixed by the part, as the local reader
      part = [dataclasses.replace(ex, guid=f'{ref.part}-{ex.guid}') for ex in part]
    examples.extend(part)
  return examples


def _open_hub(ref: HubRef, source: registry.HubSource, hub_dir: Optional[str], limit: int):
  import datasets  # heavy import, only on this path
  if hub_dir is not None:
    where = ref.copy_dir(hub_dir)
    if not os.path.isdir(where):
      raise FileNotFoundError(f'{where}: no saved copy of {ref.path} {ref.name or "default"}; '
                              'expected a DatasetDict saved with save_to_disk at '
                              '<hub_dir>/<hub path>/<config or default>')
    ds = datasets.load_from_disk(where)
    if not isinstance(ds, datasets.DatasetDict) or ref.hub_split not in ds:
      raise ValueError(f'{where}: no split {ref.hub_split!r}; expected a DatasetDict with it '
                       f'(has {list(ds) if isinstance(ds, datasets.DatasetDict) else "no splits"})')
    ds = ds[ref.hub_split]
    return ds.select(range(min(limit, len(ds)))) if limit else ds
  kwargs = dict(source.load_kwargs, split=ref.hub_split, streaming=bool(limit))
  if ref.data_file:
    ds = datasets.load_dataset(ref.builder, data_files={ref.hub_split: ref.data_file}, **kwargs)
  else:
    ds = datasets.load_dataset(ref.path, ref.name, revision=ref.revision, **kwargs)
  # Streaming reads only the first `limit` rows (English Wikipedia has 6.4M articles).
  return ds.take(limit) if limit else ds


def _show_note(task_name: str, ref: HubRef):
  """A copy's note, logged and printed once per task: the user sees how it differs."""
  if not ref.note or (task_name, ref.path) in _NOTED:
    return
  _NOTED.add((task_name, ref.path))
  message = f'{task_name}: hub copy {ref.path}@{ref.revision or "main"}: {ref.note}'
  log.warning('%s', message)
  print(message, flush=True)
