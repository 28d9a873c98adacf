"""Grapheme clusters (what a reader sees as one character), via the `regex` package's \\X.

Every character-level edit works on whole clusters: Hindi `हिन्दी` is two clusters, `हि` and
`न्दी` (Unicode 15.1's conjunct rule keeps `न्द` together), never six code points.
"""

import regex

_CLUSTER = regex.compile(r'\X')
_MARK = regex.compile(r'\p{M}')
_LETTER = regex.compile(r'\p{L}')
_DETACHED = regex.compile(r'(?:^|(?<=[\s\p{Cc}]))\p{M}+')


def clusters(text: str) -> list:
  """The extended grapheme clusters of `text`, in order; ''.join gives `text` back."""
  return _CLUSTER.findall(text)


def is_mark(char: str) -> bool:
  """A combining mark (general category M*): it belongs to the character before it."""
  return bool(_MARK.match(char))


def is_letter(char: str) -> bool:
  return bool(_LETTER.match(char))


def has_letter(text: str) -> bool:
  return bool(_LETTER.search(text))


def detached_marks(text: str) -> int:
  """How many clusters of `text` hold combining marks with no base letter: marks at the start,
  after a control character (a cluster starts there) or after a space (\\X joins ' ' + U+093F
  into one cluster, still a mark with no letter)."""
  return len(_DETACHED.findall(text))
