"""The task registry: a task is data (name, format, labels, languages, metric, sources).

Entries live in `intermediate.py` (English intermediate tasks), `xtreme.py` (the nine
XTREME target tasks) and `mlm.py` (continued multilingual MLM); each calls `register`.
Adding a task (XCOPA, say) is one `Task(...)` (tests/tasks/test_new_task.py shows it).
"""

import dataclasses
from typing import Any, Callable, Mapping, Optional, Sequence, Tuple, Union

FORMATS = ('classification', 'multiple_choice', 'span_qa', 'tagging', 'retrieval', 'mlm', 'ranking')


@dataclasses.dataclass(frozen=True)
class LocalSource:
  """Raw files in XTREME's download layout (or the data set's own layout) under a data dir.

  `paths` maps our split name ('train', 'dev', 'test') to a glob pattern, or a tuple of
  patterns, relative to the data dir; `{lang}` is the XTREME language code and `{code}`
  the file code from `Task.file_codes` (e.g. Tatoeba's iso3 'deu' for 'de').
  `reader(files, lang=..., split=..., **kwargs)` returns typed examples (`examples.py`);
  `files` is the sorted list of matches of a single pattern, or, for a tuple of patterns,
  one such list per pattern. A pattern that matches nothing is an error in `load.py`.
  """
  reader: Callable[..., Sequence[Any]]
  paths: Mapping[str, Any]
  kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class HubSource:
  """A copy read with Hugging Face `datasets` (no loading scripts: `datasets` >= 4).

  `path` is a hub dataset id, `name` its config (may contain `{lang}` / `{code}`), `splits`
  maps our split -> hub split, `revision` pins the hub commit, and `convert(rows, lang=...,
  split=...)` turns the hub's columns into examples. `note` says where this copy differs
  from what XTREME uses; it is logged and printed once per task when the copy is read.

  Raw release files instead of a hub dataset: `builder` names a packaged `datasets` builder
  ('csv', 'json') and `data_files` maps each hub split to a URL (`{revision}` is filled in);
  `path` then names the repository the files come from. `load_kwargs` go to `load_dataset`.
  """
  path: str
  name: Optional[str]
  splits: Mapping[str, str]
  convert: Callable[..., Sequence[Any]]
  note: str = ''
  revision: Optional[str] = None
  builder: Optional[str] = None
  data_files: Optional[Mapping[str, str]] = None
  load_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Task:
  name: str
  format: str
  metric: str
  labels: Sequence[str] = ()
  labels_file: Optional[str] = None  # label list read from the data dir (CCG); see load.resolve_task
  languages: Sequence[str] = ('en',)
  train_language: str = 'en'
  splits: Sequence[str] = ('train', 'dev', 'test')
  local: Optional[LocalSource] = None
  # One copy, or several that serve different splits (XQuAD: train/dev from SQuAD v1.1).
  hub: Union[None, HubSource, Tuple[HubSource, ...]] = None
  no_hub: str = ''                   # why there is no hub copy and what to do instead
  file_codes: Mapping[str, str] = dataclasses.field(default_factory=dict)
  num_choices: int = 0              # multiple choice only
  xtreme_name: Optional[str] = None  # official XTREME task name, target tasks only
  category: Optional[str] = None     # XTREME category: classification, structured, qa, retrieval
  parts: Sequence[str] = ()          # composite tasks (ANLI+): member tasks sharing one head
  head: Optional[str] = None         # name of the head this task trains; defaults to `name`
  max_seq_length: int = 256

  def __post_init__(self):
    if self.format not in FORMATS:
      raise ValueError(f'task {self.name!r}: unknown format {self.format!r}, expected one of {FORMATS}')

  @property
  def head_name(self) -> str:
    return self.head or self.name

  @property
  def hub_sources(self) -> Tuple[HubSource, ...]:
    if self.hub is None:
      return ()
    return (self.hub,) if isinstance(self.hub, HubSource) else tuple(self.hub)


_TASKS: dict = {}


def register(task: Task) -> Task:
  if task.name in _TASKS:
    raise ValueError(f'task {task.name!r} registered twice')
  _TASKS[task.name] = task
  return task


def unregister(name: str) -> Task:
  """Removes a task added by `register` (tests, notebooks trying an entry); returns it."""
  if name not in _TASKS:
    raise KeyError(f'task {name!r} is not registered')
  return _TASKS.pop(name)


def get_task(name: str) -> Task:
  _load_entries()
  if name not in _TASKS:
    raise KeyError(f'unknown task {name!r}; known tasks: {", ".join(sorted(_TASKS))}')
  return _TASKS[name]


def all_tasks() -> dict:
  _load_entries()
  return dict(_TASKS)


def _load_entries():
  # Entry modules register on import; imported lazily so readers stay importable alone.
  from xstilts_jax.tasks import intermediate, mlm, translated, xtreme  # noqa: F401
