"""Translate-train data: XTREME's machine translations of the English training sets.

XTREME translated MNLI (XNLI's 14 other languages), PAWS-X train (6), SQuAD v1.1 train and dev
(XQuAD's 10 other languages) and TyDiQA-GoldP's English train (its 8 other languages); none
exists for UD-POS, PAN-X, XCOPA, Mewsli-X or LAReQA. Each set is a task here (train split
only, SQuAD also dev) whose languages are the translation languages; `TRANSLATIONS` says which
set translates which task's training data. Local layout under the data dir, as the bucket
`https://storage.googleapis.com/xtreme_translations/` holds them (`data/releases.py`):

  xtreme_translations/XNLI/translate-train/en-<lang>-translated.tsv
  xtreme_translations/PAWSX/translate-train/en-<lang>-translated.tsv
  xtreme_translations/SQuAD/translate-{train,dev}/squad.translate.{train,dev}.en-<lang>.json
  xtreme_translations/TyDiQA-GoldP/translate-train/tydiqa.translate.train.en-<lang>.json

plus `xnli_mt_translations`: XNLI-MT-1.0's older 3-column MNLI translations
(`xnli/XNLI-MT-1.0/multinli/multinli.train.<lang>.tsv`, fetched with XNLI). The tsv layouts
are in `readers/translated.py`; the JSON files are SQuAD v1.1 format (answers checked and
repaired as every SQuAD file, `readers/squad.check_answers`). No hub copy: read from the
downloaded files only.

  read_translations(task, lang, split, data_dir) -> (examples, record)

reads one language's file with its counts (rows, invalid labels, answers repaired/dropped),
for the run's record of its data regime (`data/translated.py`).
"""

import glob
from typing import Optional

from xstilts_jax.tasks import languages, load
from xstilts_jax.tasks.readers import pawsx, squad, translated as tsv_reader
from xstilts_jax.tasks.readers import xnli
from xstilts_jax.tasks.registry import LocalSource, Task, get_task, register

ROOT = 'xtreme_translations'
_NO_HUB = ('translations are read from the downloaded files: python -m xstilts_jax.data.download '
           '--tasks {name}')


def _others(langs):
  return tuple(lang for lang in langs if lang != 'en')


def _pairs(name, labels, langs, path, **extra):
  return register(Task(
      name=name, format='classification', metric='accuracy', labels=labels,
      languages=langs, train_language=langs[0], splits=('train',),
      local=LocalSource(tsv_reader.read_translated_pairs, {'train': path}, {'labels': labels}),
      no_hub=_NO_HUB.format(name=name), **extra))


def _squad_json(name, langs, paths, **extra):
  return register(Task(
      name=name, format='span_qa', metric='squad', languages=langs, train_language=langs[0],
      splits=tuple(paths), max_seq_length=384,
      local=LocalSource(squad.read_squad, paths, {'version': 1}),
      no_hub=_NO_HUB.format(name=name), **extra))


XNLI_TT = _pairs('xnli_translate_train', xnli.LABELS, _others(languages.XNLI),
                 f'{ROOT}/XNLI/translate-train/en-{{lang}}-translated.tsv')
XNLI_MT = _pairs('xnli_mt_translations', xnli.LABELS, _others(languages.XNLI),
                 'xnli/XNLI-MT-1.0/multinli/multinli.train.{lang}.tsv')
PAWSX_TT = _pairs('pawsx_translate_train', pawsx.LABELS, _others(languages.PAWSX),
                  f'{ROOT}/PAWSX/translate-train/en-{{lang}}-translated.tsv')
SQUAD_TT = _squad_json('squad_translate_train', _others(languages.XQUAD), {
    s: f'{ROOT}/SQuAD/translate-{s}/squad.translate.{s}.en-{{lang}}.json'
    for s in ('train', 'dev')})
TYDIQA_TT = _squad_json('tydiqa_translate_train', _others(languages.TYDIQA), {
    'train': f'{ROOT}/TyDiQA-GoldP/translate-train/tydiqa.translate.train.en-{{lang}}.json'})

# Which translated set is the translate-train data of which task (intermediate and target).
TRANSLATIONS = {
    'mnli': XNLI_TT.name, 'xnli': XNLI_TT.name, 'pawsx': PAWSX_TT.name,
    'squad_v1': SQUAD_TT.name, 'xquad': SQUAD_TT.name, 'mlqa': SQUAD_TT.name,
    'tydiqa': TYDIQA_TT.name,
}


def translations_of(task_name: str) -> Optional[Task]:
  """The translated training set of a task, or None where XTREME has none."""
  name = TRANSLATIONS.get(task_name)
  return get_task(name) if name else None


def read_translations(task, lang: str, split: str = 'train', data_dir: Optional[str] = None):
  """(examples, record) of one language, read once: record = {files, examples, and the
  reader's counts: rows, invalid_label, layout (tsv); answer_repaired, answer_not_found,
  question_without_answer (JSON)}. The examples are those `load.load_examples` returns."""
  task = get_task(task) if isinstance(task, str) else task
  if lang not in task.languages:
    raise ValueError(f'task {task.name!r} has no translation into {lang!r}; its languages: '
                     f'{" ".join(task.languages)}')
  if split not in task.splits:
    raise ValueError(f'task {task.name!r} has no split {split!r}; its splits: {task.splits}')
  files = []
  for pattern in load.local_patterns(task, split, lang, data_dir or load.FIXTURES_DIR):
    matches = sorted(glob.glob(pattern))
    if not matches:
      raise FileNotFoundError(f'task {task.name!r} split {split!r} language {lang!r}: no file '
                              f'matches {pattern} (python -m xstilts_jax.data.download '
                              f'--tasks {task.name})')
    files += matches
  counts = {}
  if task.format == 'classification':
    examples = tsv_reader.read_translated_pairs(files, lang, split, labels=task.labels,
                                                stats=counts)
    counts['layout'] = sorted(set(counts['layout'].values()))
  else:
    examples = squad.read_squad(files, lang=lang, split=split, skipped=counts)
  if not examples:
    raise ValueError(f'task {task.name!r} split {split!r} language {lang!r}: no example in '
                     f'{", ".join(files)}; expected at least one')
  return examples, {'files': files, 'examples': len(examples),
                    **{k: v for k, v in counts.items() if v or k == 'invalid_label'}}
