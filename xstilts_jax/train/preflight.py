"""Preflight: before the first step, everything the run will need, checked at once.

`check(config, workdir)` builds the run's plan (`plan.phases`) and checks, for every phase not
yet finished in the workdir, each task × split × language it reads (local source: the glob
patterns of `LocalSource.paths`, without reading the files; hub source: `check_hub`), the
label lists (CCG's `labels_file`), the pretrained checkpoint and the tokenizer. It returns the
plan, or raises one `PreflightError` listing every problem, one line each: what, where it was
looked for, how to get it. Nothing is loaded: on real data it takes seconds.

`dry_run(config, workdir, phases)` prints the plan without training: phases, tasks, examples
per split and language (it loads the data to count), steps per phase (the loop's own
`prepare_data` and `total_steps`), and where results go.

Hub ids (checkpoint, tokenizer, datasets) are looked up in the local cache first; with
HF_HUB_OFFLINE set that is all, else one request with a short timeout, never a retry loop.
"""

import collections
import dataclasses
import glob
import os
import time
from typing import Optional

from xstilts_jax import storage
from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data import tokenizer as tokenizer_lib
from xstilts_jax.tasks import load
from xstilts_jax.train import loop
from xstilts_jax.train import plan as plan_lib

HUB_TIMEOUT = 10.0  # seconds per hub request
DOWNLOAD = 'python -m xstilts_jax.data.download --dest {dest} --tasks {tasks}'
WEIGHTS = ('model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin',
           'pytorch_model.bin.index.json')  # as models.hf_io reads them
TOKENIZER_FILES = ('tokenizer.json', 'sentencepiece.bpe.model')
# Data the downloader cannot fetch, and how to get it instead.
_NOT_DOWNLOADABLE = {
    'ccg': 'CCGbank is licensed (LDC2005T13): unpack it as {dest}/ccg/ccgbank and write the '
           'tag list with python -m xstilts_jax.tasks.readers.ccg {dest}/ccg/ccgbank '
           '{dest}/ccg/labels.txt',
}


class PreflightError(Exception):
  """What the run needs and cannot find, all of it, one line each."""


@dataclasses.dataclass(frozen=True)
class Problem:
  what: str   # e.g. 'tatoeba test de', 'checkpoint'
  where: str  # where it was looked for, and what was wrong
  how: str    # how to get it


def _offline() -> bool:
  return os.environ.get('HF_HUB_OFFLINE', '').strip().upper() in ('1', 'ON', 'YES', 'TRUE')


def _is_path(name: str) -> bool:
  # models.hf_io's rule: an existing path, or one that starts like a path, is not a hub id.
  return os.path.exists(name) or name.startswith(('/', '.'))


# ---------------------------------------------------------------- checkpoint and tokenizer

def _hub_repo_problem(repo: str, repo_type: str, need_all=(), need_one=()) -> Optional[str]:
  """Why `repo` (a model id) lacks files we need, looking in the local cache and then, unless
  offline, asking the hub once; None when everything is there."""
  from huggingface_hub import try_to_load_from_cache  # pylint: disable=g-import-not-at-top
  def cached(filename):
    try:
      return isinstance(try_to_load_from_cache(repo, filename, repo_type=repo_type), str)
    except ValueError:  # not a valid repo id (HFValidationError)
      return False
  if all(cached(f) for f in need_all) and (not need_one or any(cached(f) for f in need_one)):
    return None
  if _offline():
    return f'{repo}: not in the local Hugging Face cache, and HF_HUB_OFFLINE is set'
  from huggingface_hub import HfApi  # pylint: disable=g-import-not-at-top
  from huggingface_hub import errors  # pylint: disable=g-import-not-at-top
  try:
    info = HfApi().model_info(repo, timeout=HUB_TIMEOUT)
  except errors.RepositoryNotFoundError:
    return f'{repo}: no such model on the Hugging Face hub (or it is private)'
  except Exception as e:  # pylint: disable=broad-except
    return f'{repo}: not in the local cache, and the hub did not answer ({type(e).__name__}: {e})'
  files = {s.rfilename for s in info.siblings or ()}
  missing = [f for f in need_all if f not in files]
  if need_one and not files & set(need_one):
    missing.append(' or '.join(need_one))
  return f'{repo} on the hub has no {", ".join(missing)}' if missing else None


def check_checkpoint(pretrained: str) -> list:
  """The pretrained checkpoint: a folder with config.json and weights, or a hub id that has
  them (cached, or on the hub). '' (random init) needs nothing."""
  if not pretrained:
    return []
  how = ('pass a folder with config.json and model.safetensors '
         '(--config.model.pretrained=DIR), or a hub id such as FacebookAI/xlm-roberta-large '
         '(download it where there is network: hf download ID --local-dir DIR)')
  if _is_path(pretrained):
    folder = pretrained
    if not os.path.isdir(folder):
      return [Problem('checkpoint', f'{pretrained}: no such folder', how)]
    missing = [f for f in ('config.json',) if not os.path.isfile(os.path.join(folder, f))]
    if not any(os.path.isfile(os.path.join(folder, f)) for f in WEIGHTS):
      missing.append(' or '.join(WEIGHTS))
    return [Problem('checkpoint', f'{folder}: no {", ".join(missing)}', how)] if missing else []
  problem = _hub_repo_problem(pretrained, 'model', ('config.json',), WEIGHTS)
  return [Problem('checkpoint', problem, how)] if problem else []


def check_tokenizer(name: str) -> list:
  """The tokenizer: 'tiny' (shipped), a folder or a hub id with a fast tokenizer's files."""
  how = ("set --config.tokenizer to 'tiny', a folder with tokenizer.json, or a hub id such as "
         'FacebookAI/xlm-roberta-large')
  if not name:
    return [Problem('tokenizer', "config.tokenizer and config.model.pretrained are both ''",
                    how)]
  if name == 'tiny':
    path = os.path.join(tokenizer_lib.TINY_DIR, 'tokenizer.json')
    if os.path.isfile(path):
      return []
    return [Problem('tokenizer', f'{path}: missing',
                    'rebuild it with python -m xstilts_jax.data.tiny_tokenizer')]
  if _is_path(name):
    folder = name
    if not any(os.path.isfile(os.path.join(folder, f)) for f in TOKENIZER_FILES):
      return [Problem('tokenizer', f'{name}: no {" or ".join(TOKENIZER_FILES)}', how)]
    return []
  problem = _hub_repo_problem(name, 'model', (), TOKENIZER_FILES)
  return [Problem('tokenizer', problem, how)] if problem else []


# ---------------------------------------------------------------- data

def _download(dest, tasks):
  names = sorted(set(tasks))
  special = [_NOT_DOWNLOADABLE[n].format(dest=dest) for n in names if n in _NOT_DOWNLOADABLE]
  names = [n for n in names if n not in _NOT_DOWNLOADABLE]
  hints = ([DOWNLOAD.format(dest=dest, tasks=','.join(names))] if names else []) + special
  return '; '.join(hints)


TASKS = '{tasks}'  # in a hint: every task that needs the file (filled in by _merge)


def _raw_hint(task, dest):
  if task.name in _NOT_DOWNLOADABLE:
    return _NOT_DOWNLOADABLE[task.name].format(dest=dest)
  return DOWNLOAD.format(dest=dest, tasks=TASKS)


def _local_how(task, data_dir):
  hint = _raw_hint(task, data_dir or 'DIR')
  if not data_dir:
    return f'the shipped fixtures lack it; download the data and set --config.data.data_dir: {hint}'
  return hint


def _saved_dataset_problem(path: str, split: str) -> Optional[str]:
  """A folder written by `save_to_disk` that holds `split` (a DatasetDict) or one Dataset."""
  import json  # pylint: disable=g-import-not-at-top
  dict_file = os.path.join(path, 'dataset_dict.json')
  if os.path.isfile(dict_file):
    with open(dict_file) as f:
      splits = json.load(f).get('splits', [])
    return None if split in splits else f'{path}: no split {split!r} (has {", ".join(splits)})'
  if os.path.isfile(os.path.join(path, 'state.json')):
    return None
  return f'{path}: not a dataset saved with save_to_disk'


def _hub_dataset_problem(path: str) -> Optional[str]:
  """The dataset id in the local caches, else (online) on the hub."""
  from huggingface_hub import constants  # pylint: disable=g-import-not-at-top
  import datasets  # pylint: disable=g-import-not-at-top
  if (os.path.isdir(os.path.join(constants.HF_HUB_CACHE, 'datasets--' + path.replace('/', '--')))
      or os.path.isdir(os.path.join(datasets.config.HF_DATASETS_CACHE, path.replace('/', '___')))):
    return None
  if _offline():
    return f'{path}: not in the local caches, and HF_HUB_OFFLINE is set'
  from huggingface_hub import HfApi  # pylint: disable=g-import-not-at-top
  from huggingface_hub import errors  # pylint: disable=g-import-not-at-top
  try:
    HfApi().dataset_info(path, timeout=HUB_TIMEOUT)
  except errors.RepositoryNotFoundError:
    return f'{path}: no such dataset on the Hugging Face hub'
  except Exception as e:  # pylint: disable=broad-except
    return f'{path}: not cached, and the hub did not answer ({type(e).__name__}: {e})'
  return None


def check_hub(task, split: str, lang: str, hub_dir: Optional[str] = None,
              seen: Optional[dict] = None) -> Optional[str]:
  """Why `load_examples(task, split, lang, source='hub', hub_dir=hub_dir)` would fail, as far
  as it can be told cheaply from `load.hub_refs` (the one map from a read to its hub data
  sets): no hub copy of that split (CCG, say), a saved `hub_dir` copy missing or without the
  split, or a dataset id neither cached nor on the hub. Raw release files the hub path reads
  by URL (Cosmos QA's CSVs) are not checked here. None when nothing is wrong. `seen` caches
  the dataset-id answers across calls."""
  try:
    refs = load.hub_refs(task, split, lang)
  except ValueError as e:
    return str(e)
  seen = {} if seen is None else seen
  for ref in refs:
    if hub_dir:
      where = ref.copy_dir(hub_dir)
      problem = (_saved_dataset_problem(where, ref.hub_split) if os.path.isdir(where)
                 else f'{where}: no saved copy of {ref.path} {ref.name or "default"}')
    elif ref.data_file:
      continue
    else:
      if ref.path not in seen:
        seen[ref.path] = _hub_dataset_problem(ref.path)
      problem = seen[ref.path]
    if problem:
      return problem
  return None


def _data_problems(reads, config) -> list:
  """(Read or None, Problem) for every read whose data is missing."""
  source, data_dir = config.data.source, config.data.data_dir
  if source not in ('local', 'hub'):
    return [(None, Problem('config.data.source', f'{source!r}', "use 'local' or 'hub'"))]
  if source == 'local' and data_dir and not os.path.isdir(data_dir):
    tasks = [r.task.name for r in reads]
    return [(None, Problem('data', f'{data_dir}: no such folder (config.data.data_dir)',
                           _download(data_dir, tasks)))]
  out, globbed, seen = [], {}, {}
  for r in reads:
    if source == 'local':
      for pattern in load.local_patterns(r.task, r.split, r.lang,
                                         data_dir or load.FIXTURES_DIR):
        if pattern not in globbed:
          globbed[pattern] = bool(glob.glob(pattern))
        if not globbed[pattern]:
          out.append((r, Problem(f'{r.task.name} {r.split}', f'no file matches {pattern}',
                                 _local_how(r.task, data_dir))))
    else:
      problem = check_hub(r.task, r.split, r.lang, config.data.hub_dir or None, seen)
      if problem:
        how = (f'use the raw data: {_raw_hint(r.task, data_dir or "DIR")}, '
               'then --config.data.source=local'
               + ('' if data_dir else ' --config.data.data_dir=DIR'))
        out.append((r, Problem(f'{r.task.name} {r.split}', problem, how)))
  return out


def _label_problems(tasks, config) -> list:
  out = []
  for task in tasks:
    if not task.labels_file:
      continue
    path = os.path.join(config.data.data_dir or load.FIXTURES_DIR, task.labels_file)
    read_with_data = task.local and any(task.labels_file in (v if isinstance(v, tuple) else (v,))
                                        for v in task.local.paths.values())
    if config.data.source == 'local' and read_with_data and not os.path.exists(path):
      continue  # reported with the task's files
    try:
      plan_lib.resolve(task, config)
    except (OSError, ValueError) as e:
      how = _local_how(task, config.data.data_dir).replace(TASKS, task.name)
      out.append(Problem(f'{task.name} label list', str(e), how))
  return out


def _merge(problems_by_read) -> list:
  """One line per (where, how), naming every task/split/language that needs it."""
  merged = collections.OrderedDict()
  for read, p in problems_by_read:
    whats, tasks = merged.setdefault((p.where, p.how), (collections.OrderedDict(), []))
    langs = whats.setdefault(p.what, [])
    task = p.what.split(' ')[0]
    if task not in tasks:
      tasks.append(task)
    if read is not None and read.lang not in langs:
      langs.append(read.lang)
  out = []
  for (where, how), (whats, tasks) in merged.items():
    what = ', '.join(f'{w} {" ".join(l)}'.strip() for w, l in whats.items())
    out.append(Problem(what, where, how.replace(TASKS, ','.join(tasks))))
  return out


def problems(config, workdir: str, phases) -> list:
  """Every Problem of the phases not finished in `workdir`."""
  todo = [p for p in phases if not plan_lib.is_finished(p, workdir)]
  found = check_checkpoint(config.model.pretrained)
  found += check_tokenizer(config.tokenizer or config.model.pretrained)
  tasks = list({t.name: t for p in todo for t in p.tasks}.values())
  found += _label_problems(tasks, config)
  reads = [r for p in todo for r in p.reads]
  data = _data_problems(reads, config)
  # Optional reads (skip_missing_languages) may be missing, but not all of a task's.
  optional = collections.defaultdict(list)
  for r in reads:
    if r.optional:
      optional[r.task.name, r.split].append(r)
  missing = {id(r): p for r, p in data if r is not None}
  data = [(r, p) for r, p in data if r is None or not r.optional]
  for (name, split), rs in optional.items():
    if all(id(r) in missing for r in rs):
      data.append((None, Problem(f'{name} {split}', f'none of its {len(rs)} languages has data '
                                 f'(first: {missing[id(rs[0])].where})', missing[id(rs[0])].how)))
  return found + _merge(data)


def check(config, workdir: str, log=print) -> list:
  """The plan of the run (`plan.phases`) once everything it needs is found; else one
  PreflightError listing what is missing, one line each."""
  start = time.time()
  try:
    phases = plan_lib.phases(config)
  except ValueError as e:
    raise PreflightError(f'the config asks for what does not exist:\n  - '
                         + str(e).replace('\n', '\n  - ')) from None
  found = problems(config, storage.absolute(workdir), phases)
  if found:
    lines = '\n'.join(f'  - {p.what}: {p.where}; get it: {p.how}' for p in found)
    raise PreflightError(f'preflight: this run needs {len(found)} thing(s) it cannot find; '
                         f'nothing was trained:\n{lines}')
  for note in plan_lib.eval_language_notes(config):
    log(f'preflight: {note}')
  reads = sum(len(p.reads) for p in phases if not plan_lib.is_finished(p, workdir))
  log(f'preflight: checkpoint, tokenizer and {reads} task/split/language reads of '
      f'{len(phases)} phases found ({time.time() - start:.1f}s)')
  return phases


# ---------------------------------------------------------------- dry run

def _count(examples) -> str:
  if examples and hasattr(examples[0], 'query_ids'):  # ranking corpora (the dual encoder)
    c = examples[0]
    return f'{len(c.query_ids)} queries, {len(c.candidate_ids)} candidates'
  if examples and hasattr(examples[0], 'gold'):  # retrieval corpora
    c = examples[0]
    if len(c.source) == len(c.target) == len(c.gold):  # fully aligned (Tatoeba)
      return f'{len(c.gold)} pairs'
    return f'{len(c.source)}+{len(c.target)} sentences, {len(c.gold)} gold pairs'
  return str(len(examples))


def dry_run(config, workdir: str, phases, log=print) -> None:
  """Prints the plan: phases, tasks, examples per split and language, steps, outputs."""
  workdir = storage.absolute(workdir)
  tok_name = config.tokenizer or config.model.pretrained
  tokenizer = tokenizer_lib.load_tokenizer(tok_name)
  kwargs = loop.load_kwargs(config)
  where = (config.data.hub_dir or 'the hub') if config.data.source == 'hub' else \
      (config.data.data_dir or load.FIXTURES_DIR)
  log(f'dry run: the plan, nothing is trained\n'
      f'model: {config.model.pretrained or "random init of " + config.model.preset}; '
      f'tokenizer: {tok_name}; data: {config.data.source} ({where})\nworkdir: {workdir}')
  for phase in phases:
    folder = os.path.join(workdir, phase.name)
    if plan_lib.is_finished(phase, workdir):
      log(f'[{phase.name}] finished earlier in {folder}; kept')
      continue
    log(f'[{phase.name}] → {folder}')
    tasks = [plan_lib.resolve(t, config) for t in phase.tasks]
    unbuilt = [t for t in tasks if t.format not in featurize_lib.FEATURIZERS]
    if phase.settings is not None and unbuilt:  # a format whose model this build lacks yet
      log(f'  steps not counted: no featurizer for format '
          f'{", ".join(sorted({t.format for t in unbuilt}))} in this build')
    elif phase.settings is not None:
      s = phase.settings
      data = loop.prepare_data(tasks, tokenizer, config, s, log=log)
      how = ('config num_steps' if s.num_steps > 0 else
             ', '.join(f'{d.task.name} {d.epochs:g} epochs' for d in data))
      every = f'every {s.eval_every} steps' if s.eval_every else 'at the end'
      log(f'  {loop.total_steps(data, s)} steps ({how}); English dev {every}')
    counts = collections.OrderedDict()
    for r in phase.reads:
      if r.stage != 'eval':
        continue
      try:
        text = _count(load.load_examples(r.task, r.split, r.lang, **kwargs))
      except (OSError, ValueError):
        if not r.optional:
          raise
        text = 'missing, skipped'
      counts.setdefault((r.task.name, r.split), []).append(f'{r.lang} {text}')
    cap = f' (first {config.eval.max_examples} evaluated)' if config.eval.max_examples else ''
    for (name, split), langs in counts.items():
      log(f'  {name} {split}{cap if phase.kind == "target" else ""}: {"; ".join(langs)}')
    for t in phase.tasks:
      if phase.kind != 'intermediate':
        log(f'  {t.name} predictions → {os.path.join(workdir, "predictions", t.name)}/')
  log(f'scores → {os.path.join(workdir, "results.json")}, report → '
      f'{os.path.join(workdir, "report")}/')
