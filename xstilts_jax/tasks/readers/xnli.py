"""XNLI: XNLI-1.0 `xnli.{dev,test}.tsv` (all languages, a `language` column) and its training
set, MNLI as XNLI-MT-1.0 ships it (`multinli/multinli.train.en.tsv`: premise, hypo, label).

As XTREME's utils_preprocess.xnli_preprocess: columns sentence1/sentence2, label
'contradictory' read as 'contradiction', surrounding whitespace stripped.
"""

from xstilts_jax.tasks.examples import ClassificationExample
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
    for lineno, row in read_rows(path, header=('language', 'gold_label', 'sentence1',
                                               'sentence2')):
      if row['language'].strip() != lang:
        continue  # the file holds all 15 languages; the others are read by their own calls
      examples.append(ClassificationExample(
          guid=f'{split}-{lang}-{len(examples)}', text_a=row['sentence1'].strip(),
          text_b=row['sentence2'].strip(), label=_label(row['gold_label'], path, lineno)))
  return examples


def read_mnli_train(files, lang='en', split='train'):
  """XNLI-MT-1.0's English MNLI training file (header premise, hypo, label)."""
  examples = []
  for path in files:
    for lineno, row in read_rows(path, header=('premise', 'hypo', 'label')):
      examples.append(ClassificationExample(
          guid=f'{split}-{lang}-{len(examples)}', text_a=row['premise'].strip(),
          text_b=row['hypo'].strip(), label=_label(row['label'], path, lineno)))
  return examples
