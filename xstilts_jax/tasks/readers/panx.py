"""PAN-X (WikiANN NER) as XTREME's download leaves it: `panx_dataset/<lang>-<split>` (the
`train`/`dev`/`test` files of `<lang>.tar.gz`, renamed), one `<lang>:<token>\t<label>` per line,
a blank line between sentences.

As utils_preprocess.panx_preprocess: the token is the text after the first ':'. A line that is
neither blank nor `prefix:token<TAB>label` is an error here (XTREME skipped it silently).
Repeated sentences (same tokens and tags: WikiANN has many), empty tokens and control
characters are kept, as there, and counted per file (`rawfiles.RecordNotes`).
"""

from xstilts_jax.tasks.examples import TaggingExample
from xstilts_jax.tasks.readers import rawfiles

LABELS = ('O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC')


def read_panx(files, lang, split=None):
  examples = []
  for path in files:
    words, tags, start = [], [], 0
    notes, before = rawfiles.RecordNotes(path, 'sentence'), len(examples)
    with rawfiles.open_text(path, 'a PAN-X file') as f:
      for lineno, line in enumerate(f, 1):
        line = line.strip()
        if not line:
          if words:
            _add(examples, notes, start, words, tags, f'{split}-{lang}')
          words, tags = [], []
          continue
        items = line.split('\t')
        colon = items[0].find(':')
        if len(items) != 2 or colon == -1:
          raise ValueError(f'{path}:{lineno}: expected "<lang>:<token><TAB><label>", got '
                           f'{line[:80]!r}')
        label = items[1].strip()
        if label not in LABELS:
          raise ValueError(f'{path}:{lineno}: unknown label {label!r}; expected one of {LABELS}')
        if not words:
          start = lineno
        words.append(items[0][colon + 1:].strip())
        tags.append(label)
        if not words[-1]:
          notes.note('empty token|empty tokens', lineno)
    if words:
      _add(examples, notes, start, words, tags, f'{split}-{lang}')
    notes.log(len(examples) - before)
  return examples


def _add(examples, notes, start, words, tags, prefix):
  notes.check(start, {'sentence': '\t'.join(words)}, tuple(tags))
  examples.append(TaggingExample(f'{prefix}-{len(examples)}', tuple(words), tuple(tags)))
