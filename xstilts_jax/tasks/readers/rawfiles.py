"""Line-oriented raw files: JSON lines and CSV with a header (TSV: `tsv.read_rows`).

Every error names the file, the line and what was expected. Records a reader drops on
purpose (NLI pairs without a gold label) are counted, never silent: the reader adds them to
the `skipped` dict its caller may pass (reason -> count, the convention of `read_squad`) and
logs one warning per file on the `xstilts_jax.tasks` logger, so a run that goes through
`load_examples` shows the counts in its log (absl logging forwards this logger). Records
kept but worth knowing (duplicates, empty fields, control characters) are counted the same
way by `RecordNotes`. Every reader opens its files with `open_text`, so a byte that is not
UTF-8 or a carriage return inside a line is named by file, line and offset.
"""

import csv
import json
import logging
import os
import re
from typing import Iterator, Optional, Sequence, Tuple, Union

logger = logging.getLogger('xstilts_jax.tasks')


def open_text(path: str, expected: str, lone_cr: bool = False) -> 'TextFile':
  """A UTF-8 file to iterate line by line (line ends kept) or `read()` whole.

  A byte that is not UTF-8 is an error naming the file, the line and the byte offset; so is
  a carriage return that does not end a line (`\\r` alone; CSV passes lone_cr=True, a
  quoted field may hold one). Lines end at `\\n` only.
  """
  if os.path.isdir(path):
    raise IsADirectoryError(f'{path}: a folder; expected a file ({expected})')
  try:
    return TextFile(path, open(path, 'rb'), expected, lone_cr)
  except FileNotFoundError:
    raise FileNotFoundError(f'{path}: no such file; expected {expected}') from None


class TextFile:
  """A binary file decoded line by line, so a decode error knows its line and offset."""

  def __init__(self, path, stream, expected, lone_cr):
    self.path, self._stream, self._expected, self._lone_cr = path, stream, expected, lone_cr

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self._stream.close()

  def __iter__(self) -> Iterator[str]:
    offset = 0
    for lineno, raw in enumerate(self._stream, 1):
      try:
        line = raw.decode('utf-8')
      except UnicodeDecodeError as e:
        raise self._decode_error(raw, e.start, lineno, offset) from None
      cr = line.find('\r')
      if cr != -1 and not self._lone_cr and line[cr:] != '\r\n':
        raise ValueError(f'{self.path}:{lineno}: a carriage return (\\r) without a line feed '
                         f'at column {cr + 1}; expected lines ending in \\n or \\r\\n '
                         f'({self._expected})')
      offset += len(raw)
      yield line

  def read(self) -> str:
    data = self._stream.read()
    try:
      return data.decode('utf-8')
    except UnicodeDecodeError as e:
      start = data.rfind(b'\n', 0, e.start) + 1
      lineno = data.count(b'\n', 0, start) + 1
      raise self._decode_error(data[start:e.end], e.start - start, lineno, start) from None

  def _decode_error(self, raw: bytes, at: int, lineno: int, offset: int) -> ValueError:
    """The error for byte `at` of line `lineno`, which starts at byte `offset` of the file."""
    column = len(raw[:at].decode('utf-8', 'replace')) + 1
    return ValueError(f'{self.path}:{lineno}: invalid UTF-8 byte 0x{raw[at]:02x} at byte '
                      f'offset {offset + at} (column {column}); expected UTF-8 text '
                      f'({self._expected})')


def jsonl_records(path: str, expected: str) -> Iterator[Tuple[int, dict]]:
  """(line number, object) for each non-blank line of a JSON-lines file."""
  with open_text(path, expected) as f:
    for lineno, line in enumerate(f, 1):
      if not line.strip():
        continue
      try:
        obj = json.loads(line)
      except json.JSONDecodeError as e:
        raise ValueError(f'{path}:{lineno}: malformed JSON ({e.msg}); expected one JSON '
                         f'object per line ({expected})') from None
      if not isinstance(obj, dict):
        raise ValueError(f'{path}:{lineno}: a JSON {type(obj).__name__}; expected an object '
                         f'({expected})')
      yield lineno, obj


def csv_records(path: str, required: Sequence[str],
                expected: str) -> Iterator[Tuple[int, dict]]:
  """(line number, {column: value}) for each record of a comma-separated file with a header.

  The line number is where the record ends (quoted fields may span lines).
  """
  with open_text(path, expected, lone_cr=True) as f:
    reader = csv.reader(f)
    try:
      header = next(reader, [])
      _check_header(path, header, required, expected)
      for values in reader:
        if not values:
          continue
        if len(values) != len(header):
          raise ValueError(f'{path}:{reader.line_num}: {len(values)} comma-separated columns; '
                           f'expected {len(header)} as in the header ({expected})')
        yield reader.line_num, dict(zip(header, values))
    except csv.Error as e:
      raise ValueError(f'{path}:{reader.line_num}: malformed CSV ({e}); expected {expected}') \
          from None


def _check_header(path, header, required, expected):
  missing = [c for c in required if c not in header]
  if missing:
    raise ValueError(f'{path}:1: header lacks column(s) {", ".join(missing)}; expected a '
                     f'header with {", ".join(required)} ({expected}); got {header}')


def field(obj: dict, key: str, kind, path: str, lineno: int):
  """obj[key], checked to be of `kind` (bool is not an int here)."""
  if key not in obj:
    raise ValueError(f'{path}:{lineno}: no field {key!r}')
  value = obj[key]
  if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
    raise ValueError(f'{path}:{lineno}: field {key!r} is {type(value).__name__} {value!r}; '
                     f'expected {getattr(kind, "__name__", kind)}')
  return value


def label_index(value, labels: Sequence, path: str, lineno: int, what: str = 'label') -> int:
  """Position of `value` in `labels`, or an error listing the allowed values."""
  try:
    return list(labels).index(value)
  except ValueError:
    raise ValueError(f'{path}:{lineno}: unknown {what} {value!r}; expected one of '
                     f'{", ".join(map(repr, labels))}') from None


def count_skipped(path: str, counts: dict, kept: int, skipped: Optional[dict]) -> None:
  """Adds `counts` (reason -> n) to the caller's `skipped` dict and logs them."""
  counts = {reason: n for reason, n in counts.items() if n}
  if not counts:
    return
  if skipped is not None:
    for reason, n in counts.items():
      skipped[reason] = skipped.get(reason, 0) + n
  detail = ', '.join(f'{n} {reason}' for reason, n in sorted(counts.items()))
  logger.warning('%s: skipped %s; kept %d records', path, detail, kept)


# C0 and C1 control characters except tab, line feed and carriage return (line ends are
# handled by open_text; a tab separates fields).
CONTROL_CHARS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')


class RecordNotes:
  """Records a reader keeps as XTREME does but a user should hear about, counted per file:
  duplicate records, empty text fields, text with control characters (kept unchanged: the
  tokenizer's normaliser decides, as in XTREME). `log` writes one warning naming the count
  and the first line of each kind; nothing is logged for a clean file.

    notes = RecordNotes(path)
    notes.check(lineno, {'sentence1': s1, 'sentence2': s2}, label)
    notes.log(kept=len(examples))
  """

  def __init__(self, where: str, record: str = 'record'):
    self.where, self.record = where, record
    self.counts, self.first = {}, {}
    self._seen = set()

  def note(self, what: str, at: Union[int, str], detail: str = ''):
    """Counts one record of kind `what` ('<singular>|<plural>' when they differ) at line `at`
    (or a record named by the string `at`, where a file has no lines: JSON)."""
    self.counts[what] = self.counts.get(what, 0) + 1
    at = f'line {at}' if isinstance(at, int) else at
    self.first.setdefault(what, f'{at}: {detail}' if detail else at)

  def check(self, at: Union[int, str], texts: dict, *key):
    """Notes a record whose `texts` (field -> text) and `key` (e.g. its label) repeat an
    earlier record, an empty field, and control characters in any field."""
    record = (tuple(texts.values()),) + key
    if record in self._seen:
      self.note(f'duplicate {self.record}|duplicate {self.record}s', at)
    self._seen.add(record)
    for name, text in texts.items():
      if not text.strip():
        self.note(f'empty {name}', at)
    for text in texts.values():
      control = CONTROL_CHARS.search(text)
      if control:
        kind = f'{self.record} with control characters|{self.record}s with control characters'
        self.note(kind, at, f'U+{ord(control.group()):04X}')
        break

  def log(self, kept: int):
    if not self.counts:
      return
    parts = []
    for kind, n in self.counts.items():
      one, _, many = kind.partition('|')
      parts.append(f'{n} {one if n == 1 or not many else many} (first at {self.first[kind]})')
    logger.warning('%s: kept all %d %ss; %s', self.where, kept, self.record, ', '.join(parts))


def read_label_list(path: str) -> tuple:
  """A label list file: one label per line, no blanks, no spaces, no repeats."""
  labels, seen = [], {}
  with open_text(path, 'a label list, one label per line') as f:
    for lineno, line in enumerate(f, 1):
      label = line.rstrip('\r\n')
      if not label or ' ' in label:
        raise ValueError(f'{path}:{lineno}: {label!r}; expected one label per line')
      if label in seen:
        raise ValueError(f'{path}:{lineno}: label {label!r} repeats line {seen[label]}; '
                         'expected each label once')
      seen[label] = lineno
      labels.append(label)
  if not labels:
    raise ValueError(f'{path}: empty; expected one label per line')
  return tuple(labels)
