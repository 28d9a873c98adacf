"""Plain text for masked-LM training: one document (or sentence, or paragraph) per line.

Blank lines (document separators in CC-100 style dumps) are skipped, counted in the caller's
`skipped` dict and logged on the `xstilts_jax.tasks` logger (`rawfiles.count_skipped`).
A guid is `<lang>:<line>`, or `<lang>:<file index>:<line>` when several files are read.
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import TextExample
from xstilts_jax.tasks.readers import rawfiles


def read_text(files: Union[str, Sequence[str]], lang: Optional[str] = None,
              split: Optional[str] = None, *, skipped: Optional[dict] = None) -> list:
  files = [files] if isinstance(files, str) else list(files)
  examples = []
  for f, path in enumerate(files):
    prefix = f'{lang}:' if len(files) == 1 else f'{lang}:{f}:'
    kept, blank = 0, 0
    with rawfiles.open_text(path, 'UTF-8 text, one document per line') as stream:
      for lineno, line in enumerate(stream, 1):
        text = line.rstrip('\r\n')
        if lineno == 1:
          text = text.lstrip('\ufeff')  # a byte-order mark is not text
        if not text.strip():
          blank += 1
          continue
        examples.append(TextExample(guid=f'{prefix}{lineno}', text=text))
        kept += 1
    rawfiles.count_skipped(path, {'blank_line': blank}, kept, skipped)
  return examples
