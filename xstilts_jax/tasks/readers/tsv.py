"""Tab-separated lines as the XTREME data sets write them (no CSV quoting: a quote is text)."""

from typing import Iterator, Optional, Sequence, Tuple

from xstilts_jax.tasks.readers import rawfiles


def read_rows(path: str, num_fields: Optional[int] = None, header: Optional[Sequence[str]] = None
              ) -> Iterator[Tuple[int, dict]]:
  """Yields (line number, row); with `header` the first line must name those columns (others
  may follow) and rows are dicts by column name, else rows are lists of `num_fields` fields."""
  with rawfiles.open_text(path, 'a tab-separated file') as f:
    names = None
    for lineno, line in enumerate(f, 1):
      line = line.rstrip('\r\n')
      if header is not None and names is None:
        names = line.split('\t')
        missing = [h for h in header if h not in names]
        if missing:
          raise ValueError(f'{path}:1: header {names} lacks columns {missing}; '
                           f'expected a header with {list(header)}')
        continue
      if not line.strip():
        continue
      fields = line.split('\t')
      want = len(names) if names is not None else num_fields
      if want is not None and len(fields) != want:
        raise ValueError(f'{path}:{lineno}: {len(fields)} tab-separated fields; expected {want} '
                         f'(line: {line[:80]!r})')
      yield lineno, dict(zip(names, fields)) if names is not None else fields
