"""Machine-translated sentence pairs: XTREME's translate-train files and XNLI-MT-1.0's.

Two layouts, told apart by the number of tab-separated columns of the file's first line:

  5 columns, no header   XTREME's `xtreme_translations/{XNLI,PAWSX}/translate-train/
                         en-<lang>-translated.tsv` (since September 2020): English sentence 1,
                         English sentence 2, translated sentence 1, translated sentence 2,
                         label. The translated pair is columns 3 and 4. (XTREME's own
                         processors still read columns 1-3, i.e. the English pair and the
                         second English sentence as label: wrong.)
  3 columns, a header    XNLI-MT-1.0's `multinli/multinli.train.<lang>.tsv` (premise, hypo,
                         label): the older machine translation of MNLI shipped with XNLI.

Anything else is an error naming the file. Quoting is off: a quote character is text and read
verbatim (a CSV reader would join fields across tabs and lines). Every row must have the file's
column count (an error names the line). A row whose label is not one of `labels` is counted
(`stats['invalid_label']`), logged with its first line numbers, and not read; XTREME's files
have such rows. 'contradictory' is read as 'contradiction' (XNLI's spelling).
"""

import logging

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles

log = logging.getLogger('xstilts_jax.tasks')

LAYOUTS = {5: 'xtreme', 3: 'xnli_mt'}
_XNLI_MT_HEADER = ('premise', 'hypo', 'label')


def file_layout(path: str) -> str:
  """'xtreme' (5 columns) or 'xnli_mt' (3 columns) from the file's first line."""
  with rawfiles.open_text(path, 'a tab-separated translation file') as f:
    first = next(iter(f), '').rstrip('\r\n')
  n = len(first.split('\t'))
  if n not in LAYOUTS:
    raise ValueError(f'{path}:1: {n} tab-separated columns; expected 5 (XTREME translate-train: '
                     'English 1, English 2, translated 1, translated 2, label) or 3 (XNLI-MT-1.0: '
                     f'premise, hypo, label) (line: {first[:80]!r})')
  return LAYOUTS[n]


def read_translated_pairs(files, lang, split='train', labels=(), stats=None):
  """Classification examples of the translated pairs of `files`, in file order.

  `labels`: the valid label strings (their order gives the example's label index). `stats`
  (optional dict) receives rows, invalid_label and the layout of each file.
  """
  files = [files] if isinstance(files, str) else list(files)
  stats = {} if stats is None else stats
  examples = []
  for path in files:
    layout = file_layout(path)
    want = 5 if layout == 'xtreme' else 3
    notes, before, invalid = rawfiles.RecordNotes(f'{path} ({lang})'), len(examples), []
    with rawfiles.open_text(path, 'a tab-separated translation file') as f:
      for lineno, line in enumerate(f, 1):
        line = line.rstrip('\r\n')
        fields = line.split('\t')
        if layout == 'xnli_mt' and lineno == 1:
          if tuple(fields) != _XNLI_MT_HEADER:
            raise ValueError(f'{path}:1: header {fields}; expected {list(_XNLI_MT_HEADER)} '
                             '(XNLI-MT-1.0)')
          continue
        if not line.strip():
          continue
        if len(fields) != want:
          raise ValueError(f'{path}:{lineno}: {len(fields)} tab-separated fields; expected '
                           f'{want} as the first line of this file (line: {line[:80]!r})')
        text_a, text_b, label = fields[-3:]
        label = label.strip()
        label = 'contradiction' if label == 'contradictory' else label
        if label not in labels:
          invalid.append(lineno)
          continue
        text_a, text_b = text_a.strip(), text_b.strip()
        notes.check(lineno, {'sentence1': text_a, 'sentence2': text_b}, label)
        examples.append(ClassificationExample(
            guid=f'{split}-translated-{lang}-{len(examples)}', text_a=text_a, text_b=text_b,
            label=list(labels).index(label)))
    notes.log(len(examples) - before)
    if invalid:
      more = ', ...' if len(invalid) > 5 else ''
      log.warning('%s: %d row(s) with a label not in %s left out (lines %s%s)', path,
                  len(invalid), list(labels), ', '.join(map(str, invalid[:5])), more)
    stats['rows'] = stats.get('rows', 0) + len(examples) - before + len(invalid)
    stats['invalid_label'] = stats.get('invalid_label', 0) + len(invalid)
    stats.setdefault('layout', {})[path] = layout
  return examples
