"""English sentence breaks for SQuAD paragraphs, after XTREME-R's `sb_sed.py` (LAReQA training).

XTREME-R cuts SQuAD v1.1 paragraphs into sentences with a sed-style rule set to pair each
question with its answer sentence. Kept here: its main cut (sentence-final punctuation, space,
an optional opening quote or bracket, then a capital or a digit), its cut after wiki citation
marks (".[12] The"), and its rejoins after titles, common abbreviations, month names and
initials. Its handful of SQuAD-specific special cases (single article names) are left out,
so a few answer sentences differ from XTREME-R's.
"""

import re

_CUT = re.compile(r'''([.?!][)'" \u201D]*)\s(\s*[\['"(\u201C]?[A-Z0-9])''')
_CUT_CITATION = re.compile(r'''([.?!]['"]?)((\[[a-zA-Z0-9 ?]+\])+)\s(\s*['"(]?[A-Z0-9])''')
_REJOIN = tuple(re.compile(p) for p in (
    r'\b(Mrs?|Ms|Dr|Prof|Fr|Rev|Msgr|Sta?)\.\n',
    r'\b(Lt|Gen|Col|Maj|Adm|Capt|Sgt|Rep|Gov|Sen|Pres)\.\n',
    r'\b(e\.g|i\.?e|vs?|pp?|cf|a\.k\.a|approx|app|es[pt]|tr)\.\n',
    r'\b(Jan|Aug|Oct|Nov|Dec)\.\n',
    r'\b(Mt|Ft)\.\n',
))
_INITIALS = (
    (re.compile(r'\b([A-Z]\.)[ \n]([A-Z]\.)[ \n]([A-Z]\.)[ \n]("?[A-Z][a-z])'), r'\1 \2 \3 \4'),
    (re.compile(r'\b([A-Z]\.)[ \n]([A-Z]\.)[ \n]("?[A-Z][a-z])'), r'\1 \2 \3'),
    (re.compile(r'\b([A-Z]\.[A-Z]\.)\n("?[A-Z][a-z])'), r'\1 \2'),
    (re.compile(r'\b([A-Z]\.)\n("?[A-Z][a-z])'), r'\1 \2'),
)


def sentence_breaks(text: str) -> list:
  """[(start, end)] of the sentences of `text`, character offsets, surrounding spaces out."""
  marked = _CUT.sub(r'\1\n\2', text.replace('\n', ' '))
  marked = _CUT_CITATION.sub(r'\1\2\n\4', marked)
  for pattern in _REJOIN:
    marked = pattern.sub(r'\1. ', marked)
  for pattern, joined in _INITIALS:
    marked = pattern.sub(joined, marked)
  # Every substitution keeps the length (a space becomes a newline or back), so offsets into
  # `marked` are offsets into `text`.
  assert len(marked) == len(text)
  breaks, start = [], 0
  for piece in marked.split('\n'):
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    if body:
      breaks.append((start + lead, start + lead + len(body)))
    start += len(piece) + 1
  return breaks
