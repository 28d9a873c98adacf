"""PAWS-X: `x-final/<lang>/{train,dev_2k,test_2k}.tsv`, header id, sentence1, sentence2, label.

As XTREME's utils_preprocess.pawsx_preprocess: fields split on tabs, sentences stripped.
"""

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers.tsv import read_rows

LABELS = ('0', '1')


def read_pawsx(files, lang, split=None):
  examples = []
  for path in files:
    for lineno, row in read_rows(path, header=('id', 'sentence1', 'sentence2', 'label')):
      label = row['label'].strip()
      if label not in LABELS:
        raise ValueError(f'{path}:{lineno}: unknown label {label!r}; expected one of {LABELS}')
      examples.append(ClassificationExample(
          guid=f'{split}-{lang}-{len(examples)}', text_a=row['sentence1'].strip(),
          text_b=row['sentence2'].strip(), label=LABELS.index(label)))
  return examples
