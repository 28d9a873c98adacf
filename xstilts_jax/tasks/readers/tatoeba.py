"""Tatoeba (LASER `data/tatoeba/v1`): `tatoeba.<iso3>-eng.<iso3>` and `tatoeba.<iso3>-eng.eng`,
line i of one aligned with line i of the other.

XTREME (utils_preprocess.tatoeba_preprocess) hides the alignment by sorting the English lines
alphabetically (Python's stable `sorted` on the stripped text, so equal sentences keep their
original order) and scores, for source sentence i, the predicted index against the position
of English line i in that sorted list. We do exactly that: `target` is the sorted English
side, target ids are positions in it, and gold pairs source i with that position.

Blank lines at the end of a file are ignored and counted (a warning); a blank line before
the last sentence is an error, since dropping it would shift the alignment and keeping it
would score a phantom pair. Control characters are kept and counted (`RecordNotes`).
"""

from xstilts_jax.tasks.examples import RetrievalCorpus
from xstilts_jax.tasks.readers import rawfiles


def read_tatoeba(files, lang, split=None):
  """`files` = ([source file], [English file]); returns [RetrievalCorpus]."""
  (src_path,), (en_path,) = files
  src, en = _lines(src_path), _lines(en_path)
  if len(src) != len(en):
    raise ValueError(f'{src_path} has {len(src)} lines but {en_path} has {len(en)}; '
                     'expected aligned files of equal length')
  if not src:
    raise ValueError(f'{src_path}: no lines; expected one sentence per line')
  return [shuffled_corpus(lang, src, en)]  # a list of one corpus: load_examples returns lists


def shuffled_corpus(lang, src, en):
  """The aligned pairs (src[i], en[i]) with the English side sorted as XTREME sorts it."""
  order = [i for _, i in sorted(zip(en, range(len(en))), key=lambda x: x[0])]
  position = {original: p for p, original in enumerate(order)}
  return RetrievalCorpus(
      lang=lang, source_ids=[str(i) for i in range(len(src))], source=list(src),
      target_ids=[str(p) for p in range(len(en))], target=[en[i] for i in order],
      gold=[(str(i), str(position[i])) for i in range(len(src))])


def _lines(path):
  with rawfiles.open_text(path, 'a Tatoeba file') as f:
    lines = [line.strip() for line in f]
  blank_at_end = 0
  while lines and not lines[-1]:
    lines.pop()
    blank_at_end += 1
  notes = rawfiles.RecordNotes(path, 'sentence')
  for lineno, line in enumerate(lines, 1):
    if not line:
      raise ValueError(f'{path}:{lineno}: blank line; expected one sentence per line (a blank '
                       'line would break the alignment with the other side)')
    notes.check(lineno, {'sentence': line})
  if blank_at_end:
    rawfiles.logger.warning('%s: ignored %d blank lines at the end; kept %d sentences', path,
                            blank_at_end, len(lines))
  notes.log(len(lines))
  return lines
