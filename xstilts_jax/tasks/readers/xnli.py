"""XNLI: XNLI-1.0 `xnli.{dev,test}.tsv` (all languages, a `language` column) and its training
set, MNLI as XNLI-MT-1.0 ships it (`multinli/multinli.train.en.tsv`: premise, hypo, label).

As XTREME's utils_preprocess.xnli_preprocess: columns sentence1/sentence2, label
'contradictory' read as 'contradiction', surrounding whitespace stripped. The language
column is matched case-insensitively ('EN' is English, counted); a code that is not one of
XNLI's 15 languages is an error (it would be dropped by every call). Duplicate pairs, empty
sentences and control characters are kept and counted (`rawfiles.RecordNotes`).
"""

from xstilts_jax.tasks import languages
from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.tasks.readers.tsv import read_rows

LABELS = ('contradiction', 'entailment', 'neutral')


def _label(value, path, lineno):
  value = value.strip()
  value = 'contradiction' if value == 'contradictory' else value
  if value not in LABELS:
    raise ValueError(f'{path}:{lineno}: unknown label {value!r}; expected one of {LABELS} '
                     "(or 'contradictory')")
  return LABELS.index(value)


def read_xnli(files, lang, split=None):
  """The rows of language `lang` from XNLI-1.0 tsv files, in file order."""
  examples = []
  for path in files:
    notes, before = rawfiles.RecordNotes(f'{path} (language {lang})'), len(examples)
    for lineno, row in read_rows(path, header=('language', 'gold_label', 'sentence1',
                                               'sentence2')):
      code = row['language'].strip()
      if code.lower() not in languages.XNLI:
        raise ValueError(f'{path}:{lineno}: unknown language {code!r}; expected one of '
                         f'{", ".join(languages.XNLI)}')
      if code.lower() != lang:
        continue  # the file holds all 15 languages; the others are read by their own calls
      if code != lang:
        notes.note('language code not in lower case|language codes not in lower case', lineno,
                   repr(code))
      examples.append(_example(split, lang, len(examples), row['sentence1'], row['sentence2'],
                               row['gold_label'], path, lineno, notes))
    notes.log(len(examples) - before)
  return examples


def read_mnli_train(files, lang='en', split='train'):
  """XNLI-MT-1.0's English MNLI training file (header premise, hypo, label)."""
  examples = []
  for path in files:
    notes, before = rawfiles.RecordNotes(path), len(examples)
    for lineno, row in read_rows(path, header=('premise', 'hypo', 'label')):
      examples.append(_example(split, lang, len(examples), row['premise'], row['hypo'],
                               row['label'], path, lineno, notes))
    notes.log(len(examples) - before)
  return examples


def _example(split, lang, index, premise, hypothesis, label, path, lineno, notes):
  premise, hypothesis, label = premise.strip(), hypothesis.strip(), _label(label, path, lineno)
  notes.check(lineno, {'premise': premise, 'hypothesis': hypothesis}, label)
  return ClassificationExample(guid=f'{split}-{lang}-{index}', text_a=premise,
                               text_b=hypothesis, label=label)
