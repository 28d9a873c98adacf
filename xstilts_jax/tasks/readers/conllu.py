"""UD-POS from CoNLL-U, converted the way XTREME converts UD v2.5.

XTREME (scripts/download_data.sh) runs ud-conversion-tools' `conllu_to_conll.py
--replace_subtokens_with_fused_forms` on every treebank file, then
utils_preprocess.udpos_preprocess concatenates all treebanks of a language per split (files in
sorted name order). We do the same in one pass:

- A multi-word token (`4-5  zum`, over `zu` + `dem`) becomes one word with the fused surface
  form. Its UPOS is that of the span's head chosen as ud-conversion-tools does
  (`_choose_spanhead_from_heuristics`): the span word with the fewest ancestors in the
  dependency graph (basic heads plus the enhanced DEPS heads) if that is unique; on a tie, the
  first tied word in the POS precedence list (German `zu dem` -> ADP, so 'zum' is ADP).
- Empty nodes (`8.1`) and comment lines are ignored, as there.
- A sentence whose forms are all (or all but one) '_' is dropped, as udpos_preprocess does
  (treebanks distributed without text); the drops are counted and logged.
- ZERO WIDTH NON-JOINER is removed from words and spaces inside a word are deleted, as
  udpos_preprocess.remove_empty_space does (Persian, Vietnamese multi-syllable words).
"""

import logging
import os
from typing import Optional

from xstilts_jax.tasks.examples import TaggingExample
from xstilts_jax.tasks.readers import rawfiles

UPOS = ('ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON',
        'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X')

# ud-conversion-tools' POSRANKPRECEDENCEDICT (German uses the default list there).
_PRECEDENCE = {
    'default': 'VERB NOUN PROPN PRON ADJ NUM ADV INTJ AUX ADP DET PART CCONJ SCONJ X PUNCT'.split(),
    'es': 'VERB AUX PRON ADP DET'.split(),
    'fr': 'VERB AUX PRON NOUN ADJ ADV ADP DET PART SCONJ CONJ'.split(),
    'it': 'VERB AUX ADV PRON ADP DET INTJ'.split(),
}

log = logging.getLogger(__name__)


def read_conllu(files, lang, split=None, stats: Optional[dict] = None):
  """Tagging examples (fused words, UPOS) from all treebank files of one language and split.

  `stats`, when given, receives counts: sentences, words, fused (multi-word tokens replaced),
  dropped_no_text (sentences without text).
  """
  counts = {'sentences': 0, 'words': 0, 'fused': 0, 'dropped_no_text': 0}
  examples = []
  precedence = _PRECEDENCE.get(lang, _PRECEDENCE['default'])
  for path in sorted(files, key=os.path.basename):  # XTREME's order: sorted file names
    for lineno, tokens, multi in _sentences(path):
      words, tags = _fuse(tokens, multi, precedence, counts)
      num_empty = sum(w == '_' for w in words)
      if num_empty and num_empty >= len(words) - 1:
        counts['dropped_no_text'] += 1
        continue
      words = [''.join(w.replace('\u200c', '').split(' ')) for w in words]
      for tag in tags:
        if tag not in UPOS:
          raise ValueError(f'{path}: sentence at line {lineno}: unknown UPOS tag {tag!r}; '
                           f'expected one of {UPOS}')
      examples.append(TaggingExample(guid=f'{split}-{lang}-{len(examples)}', words=tuple(words),
                                     labels=tuple(tags)))
      counts['sentences'] += 1
      counts['words'] += len(words)
  level = logging.WARNING if counts['dropped_no_text'] else logging.INFO
  log.log(level, 'UD %s %s: %s', lang, split, counts)
  if stats is not None:
    stats.update(counts)
  return examples


def _sentences(path):
  """Yields (first line number, tokens, multi-word ranges) per sentence.

  tokens: {id: (form, upos, parents)}; parents are the HEAD and the integer DEPS heads
  (None for HEAD '_'). Multi-word ranges: [(start, end, form, line number)], checked to
  lie inside the sentence without overlapping (`_check_ranges`).
  """
  tokens, multi, start = {}, [], None
  with rawfiles.open_text(path, 'a CoNLL-U file') as f:
    for lineno, line in enumerate(f, 1):
      line = line.rstrip('\r\n')
      if not line.strip():
        if tokens:
          _check_ranges(path, tokens, multi)
          yield start, tokens, multi
        tokens, multi, start = {}, [], None
        continue
      if line.startswith('#'):
        continue
      cols = line.split('\t')
      if len(cols) != 10:
        raise ValueError(f'{path}:{lineno}: {len(cols)} tab-separated columns; expected 10 '
                         f'(CoNLL-U); line: {line[:80]!r}')
      start = start or lineno
      wid = cols[0]
      if '.' in wid:
        continue  # empty node of the enhanced graph, not a word
      try:
        if '-' in wid:
          a, b = (int(x) for x in wid.split('-'))
          multi.append((a, b, cols[1], lineno))
          continue
        wid = int(wid)
        parents = {None if cols[6] == '_' else int(cols[6])}
      except ValueError:
        raise ValueError(f'{path}:{lineno}: bad ID {cols[0]!r} or HEAD {cols[6]!r}; expected '
                         'integers (or a range a-b)') from None
      if cols[8] != '_':
        for dep in cols[8].split('|'):
          head = dep.split(':')[0]
          if head.isdigit():
            parents.add(int(head))
      if wid != len(tokens) + 1:
        raise ValueError(f'{path}:{lineno}: word ID {wid} out of order; expected {len(tokens) + 1}')
      tokens[wid] = (cols[1], cols[3], parents)
    if tokens:
      _check_ranges(path, tokens, multi)
      yield start, tokens, multi


def _check_ranges(path, tokens, multi):
  """Every multi-word range lies inside the sentence, in order, and overlaps no other."""
  previous = None
  for a, b, _form, lineno in sorted(multi):
    what = None
    if b < a:
      what = 'is reversed'
    elif a < 1:
      what = 'starts before word 1'
    elif b > len(tokens):
      what = f"ends past the sentence's {len(tokens)} words"
    elif previous and a <= previous[1]:
      what = f'overlaps {previous[0]}-{previous[1]} (line {previous[2]})'
    if what:
      raise ValueError(f'{path}:{lineno}: multi-word range {a}-{b} {what}; expected a-b with '
                       f'1 <= a <= b <= {len(tokens)}, ranges not overlapping')
    previous = (a, b, lineno)


def _fuse(tokens, multi, precedence, counts):
  """Words and tags with every multi-word range replaced by its fused form."""
  head_of_span = {}
  for a, b, form, _ in multi:
    head_of_span[a] = (b, form, _span_head(tokens, range(a, b + 1), precedence))
  words, tags, i = [], [], 1
  while i <= len(tokens):
    if i in head_of_span:
      b, form, head = head_of_span[i]
      words.append(form)
      tags.append(tokens[head][1])
      counts['fused'] += 1
      i = b + 1
    else:
      words.append(tokens[i][0])
      tags.append(tokens[i][1])
      i += 1
  return words, tags


def _span_head(tokens, span, precedence):
  depth = {x: _num_ancestors(tokens, x) for x in span}
  top = min(depth.values())
  highest = [x for x in span if depth[x] == top]
  if len(highest) == 1:
    return highest[0]
  # A tie: the first by POS precedence (an unlisted tag ranks after all listed ones).
  rank = lambda x: precedence.index(tokens[x][1]) if tokens[x][1] in precedence else len(precedence)
  return min(highest, key=rank)


def _num_ancestors(tokens, x):
  seen, todo = set(), [x]
  while todo:
    node = todo.pop()
    parents = tokens[node][2] if node in tokens else ()
    for p in parents:
      if p not in seen and p != x:
        seen.add(p)
        todo.append(p)
  return len(seen)
