"""A phase's training data in English, translated, or mixed (translate-train regimes).

A phase's config section `translated` (configs/default.py `phase_config`) says, for every task
of the phase that XTREME translated (`tasks/translated.TRANSLATIONS`: MNLI, SQuAD v1.1, XNLI,
PAWS-X, XQuAD, MLQA, TyDiQA), what its training examples are:

  languages   '' = English only (the paper's setting); 'de,fr' or 'all' (every translation)
  weight      fraction of translated examples in the task's training data, split evenly over
              the languages (0 < weight <= 1); 0 = natural: every translated file whole, next
              to the English set (XTREME's translate-train-all)
  weights     per language instead, 'de:0.3,fr:0.2' (English gets the rest; languages = those)

The data are concatenated (one task, one head, one stream): English keeps all its E examples
and language l gets n_l = round(T * f_l) examples, where f_l is its fraction and T = E / (1 -
sum f) the total; when the fractions sum to 1 (translated only) T = the translated files' total
size. A file with more examples than n_l gives a subset, one with fewer is repeated whole
(then a subset for the rest); the subset is the first n_l of a permutation drawn from (seed,
task, language), in file order. So the fraction of translated examples in every epoch is
exact (up to rounding), and the data are a pure function of the config: the phase's shuffling,
resuming and step count work on them unchanged (an epoch is a pass over the mixed set). Dev
stays English: model selection never sees a translation.

`regime(...)` is what results.json records: languages, fractions asked and realised, English
and per-language counts, the files read and what their readers counted (rows with an invalid
label, answers repaired or dropped).
"""

import dataclasses
import zlib
from typing import Optional, Sequence

import numpy as np

from xstilts_jax.tasks import translated as translated_tasks


def _names(text) -> list:
  return [n.strip() for n in str(text or '').split(',') if n.strip()]


def parse_weights(text) -> dict:
  """'de:0.3,fr:0.2' -> {'de': 0.3, 'fr': 0.2}."""
  out = {}
  for item in _names(text):
    lang, sep, value = item.partition(':')
    try:
      out[lang.strip()] = float(value) if sep else float('nan')
    except ValueError:
      value = float('nan')
    if not sep or not out[lang.strip()] > 0:
      raise ValueError(f'translated.weights: {item!r}; expected <lang>:<fraction > 0>, '
                       "comma-separated (e.g. 'de:0.3,fr:0.2')")
  return out


def languages_for(task, settings) -> tuple:
  """(translation task or None, languages) of `task` under `settings` (a `translated` section);
  () languages = English only. A language XTREME did not translate the task into is an error."""
  if settings is None:
    return None, ()
  weights = parse_weights(settings.get('weights', ''))
  langs = list(weights) or _names(settings.get('languages', ''))
  if weights and _names(settings.get('languages', '')) not in ([], langs):
    raise ValueError(f'translated.languages {settings.languages!r} and translated.weights '
                     f'{settings.weights!r} name different languages; give one of them')
  if not langs:
    return None, ()
  tt = translated_tasks.translations_of(task.name)
  if tt is None:
    return None, ()
  if langs == ['all']:
    langs = list(tt.languages)
  unknown = [lang for lang in langs if lang not in tt.languages]
  if unknown:
    raise ValueError(f'translated.languages: {task.name!r} has no translation into '
                     f'{", ".join(unknown)} ({tt.name}: {" ".join(tt.languages)})')
  return tt, tuple(langs)


def fractions(langs: Sequence[str], settings) -> Optional[dict]:
  """{lang: fraction of the task's training data}; None = natural (each file whole)."""
  weights = parse_weights(settings.get('weights', ''))
  if not weights:
    weight = float(settings.get('weight', 0.0))
    if weight == 0:
      return None
    if not 0 < weight <= 1:
      raise ValueError(f'translated.weight {weight}: expected 0 (natural sizes) or a fraction '
                       'in (0, 1]')
    weights = {lang: weight / len(langs) for lang in langs}
  if sum(weights.values()) > 1 + 1e-9:
    raise ValueError(f'translated.weights {weights}: the fractions sum to '
                     f'{sum(weights.values()):.4g}; expected at most 1 (English gets the rest)')
  return weights


def counts(english: int, available: dict, fracs: Optional[dict]) -> dict:
  """Examples per language (see the module docstring)."""
  if fracs is None:
    return dict(available)
  rest = 1.0 - sum(fracs.values())
  if rest > 1e-9:
    if english == 0:
      raise ValueError('translated: English has no training example to weigh translations '
                       'against; use weight 1 (translated only) or 0 (natural)')
    total = english / rest
  else:
    total = sum(available.values())
  return {lang: int(round(total * f)) for lang, f in fracs.items()}


def select(n: int, size: int, seed: int, task_name: str, lang: str) -> np.ndarray:
  """Indices of n examples out of size: whole passes, then a seeded subset, in file order."""
  key = [seed, zlib.crc32(task_name.encode()), zlib.crc32(lang.encode())]
  perm = np.random.default_rng(np.random.SeedSequence(key)).permutation(size)
  full, part = divmod(n, size)
  return np.concatenate([np.tile(np.arange(size), full), np.sort(perm[:part])]).astype(np.int64)


def mix(task, english: list, settings, *, seed: int, data_dir: Optional[str] = None,
        limit: int = 0, log=print) -> tuple:
  """(training examples, regime record) of one task: English plus its translations.

  `limit` > 0 keeps the first N examples of each translation file before the counts are taken
  (the phase's max_train_examples, which cut the English set the same way)."""
  tt, langs = languages_for(task, settings)
  record = {'regime': 'english', 'languages': [], 'english_examples': len(english)}
  if settings is not None:
    record['settings'] = {k: settings.get(k) for k in ('languages', 'weight', 'weights')}
  if settings is not None and _names(settings.get('languages', '')) + _names(
      settings.get('weights', '')) and tt is None:
    record['note'] = f'XTREME has no translations of {task.name}: English only'
    log(f'  {task.name}: {record["note"]}')
  if not langs:
    return english, record
  read, per_lang = {}, {}
  for lang in langs:
    examples, info = translated_tasks.read_translations(tt, lang, 'train', data_dir)
    if limit:
      examples = examples[:limit]
    read[lang], per_lang[lang] = examples, info
  fracs = fractions(langs, settings)
  n = counts(len(english), {lang: len(v) for lang, v in read.items()}, fracs)
  out = [] if fracs is not None and sum(fracs.values()) >= 1 - 1e-9 else list(english)
  for lang in langs:
    picked = select(n[lang], len(read[lang]), seed, task.name, lang)
    for i in picked:
      ex = read[lang][int(i)]
      if task.format == 'classification':  # label indices by name (the task's order)
        ex = dataclasses.replace(ex, label=task.labels.index(tt.labels[ex.label]))
      out.append(dataclasses.replace(ex, guid=f'translated-{lang}-{ex.guid}'))
    per_lang[lang].update(used=int(n[lang]), repeated=int(max(0, n[lang] - len(read[lang]))))
  english_used = len(out) - sum(n.values())
  translated = sum(n.values())
  record.update(
      regime='translated' if english_used == 0 else 'mixed', translations=tt.name,
      languages=list(langs), mode='natural' if fracs is None else 'fractions',
      fractions_asked=fracs, english_examples=english_used,
      translated_fraction=translated / max(1, len(out)), per_language=per_lang)
  log(f'  {task.name}: {record["regime"]} training data, {english_used} English + '
      f'{translated} translated ({", ".join(f"{k} {v}" for k, v in n.items())}); '
      f'{record["translated_fraction"]:.3f} translated; dev stays English')
  return out, record
