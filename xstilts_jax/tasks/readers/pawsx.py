"""PAWS-X: `x-final/<lang>/{train,dev_2k,test_2k}.tsv`, header id, sentence1, sentence2, label.

As XTREME's utils_preprocess.pawsx_preprocess: fields split on tabs, sentences stripped.
Duplicate pairs, empty sentences (the translated sets have some) and control characters
are kept, as there, and counted per file (`rawfiles.RecordNotes`).
"""

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.tasks.readers.tsv import read_rows

LABELS = ('0', '1')


def read_pawsx(files, lang, split=None):
  examples = []
  for path in files:
    notes, before = rawfiles.RecordNotes(path), len(examples)
    for lineno, row in read_rows(path, header=('id', 'sentence1', 'sentence2', 'label')):
      label = row['label'].strip()
      if label not in LABELS:
        raise ValueError(f'{path}:{lineno}: unknown label {label!r}; expected one of {LABELS}')
      text_a, text_b = row['sentence1'].strip(), row['sentence2'].strip()
      notes.check(lineno, {'sentence1': text_a, 'sentence2': text_b}, label)
      examples.append(ClassificationExample(
          guid=f'{split}-{lang}-{len(examples)}', text_a=text_a, text_b=text_b,
          label=LABELS.index(label)))
    notes.log(len(examples) - before)
  return examples
