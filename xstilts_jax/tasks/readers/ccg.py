"""CCGbank AUTO files (`ccgbank/data/AUTO/<section>/wsj_<section><nn>.auto`) and the supertag list.

An AUTO file holds two lines per sentence: `ID=wsj_0001.1 PARSER=GOLD NUMPARSE=1`, then the
derivation on one line, e.g. `(<T S[dcl] 0 2> (<L NP[nb]/N DT DT The NP[nb]_1/N_1>) ...)`.
Each leaf `(<L category modified-POS original-POS word predicate-argument-category>)` gives a
word and its supertag (the category). PTB bracket escapes (-LRB- ...) become the brackets.

The supertag list is a file, one tag per line in id order (`ccg/labels.txt` in our data
layout), because CCGbank does not ship one and every split must map tags to the same ids.
Build it once from the corpus:

  python -m xstilts_jax.tasks.readers.ccg CCGBANK_DIR OUT_FILE [--sections 02-21,00,23]

Tags are ordered by their count in the training sections (02-21), then tags seen only in
the other sections you list, alphabetically. The default lists the standard train/dev/test
sections, so dev and test can be read and scored (a tag never seen in training cannot be
predicted, and counts as an error); `--sections 02-21` gives the training-only list. The
reader rejects any tag missing from the list, naming file, line and sentence.
"""

import argparse
import collections
import glob
import os
import re
from typing import Optional, Sequence

from xstilts_jax.tasks.examples import TaggingExample
from xstilts_jax.tasks.readers import rawfiles

TRAIN_SECTIONS = tuple(f'{s:02d}' for s in range(2, 22))
_LEAF = re.compile(r'\(<L (\S+) (\S+) (\S+) (\S+) (\S+)>\)')
_UNESCAPE = {'-LRB-': '(', '-RRB-': ')', '-LSB-': '[', '-RSB-': ']', '-LCB-': '{', '-RCB-': '}'}


def read_ccg(files: Sequence[Sequence[str]], lang: Optional[str] = None,
             split: Optional[str] = None) -> list:
  """`files` = [[labels file], AUTO files, more AUTO files ...] (one list per glob pattern)."""
  (labels_file,), *auto_groups = files
  labels = set(read_labels(labels_file))
  examples = []
  for path in [p for group in auto_groups for p in group]:
    for lineno, sid, words, tags in auto_sentences(path):
      for word, tag in zip(words, tags):
        if tag not in labels:
          raise ValueError(f'{path}:{lineno}: sentence {sid}: unknown supertag {tag!r} '
                           f'(word {word!r}); expected a tag listed in {labels_file}')
      examples.append(TaggingExample(guid=sid, words=tuple(words), labels=tuple(tags)))
  return examples


def read_labels(path: str) -> tuple:
  """The supertag list: one tag per line, no blanks, no repeats."""
  return rawfiles.read_label_list(path)


def auto_sentences(path: str):
  """(line number of the tree, sentence id, words, supertags) for each sentence of a file."""
  expected = 'CCGbank AUTO: an ID= line followed by a derivation line, per sentence'
  with rawfiles.open_text(path, expected) as f:
    sid, id_line = None, 0
    for lineno, line in enumerate(f, 1):
      line = line.strip()
      if not line:
        continue
      if line.startswith('ID='):
        if sid is not None:
          raise ValueError(f'{path}:{lineno}: ID line after ID line {id_line}; expected the '
                           f'derivation of {sid}')
        sid, id_line = line.split()[0][3:], lineno
        continue
      if sid is None:
        raise ValueError(f'{path}:{lineno}: derivation without an ID= line before it; '
                         f'expected {expected}')
      leaves = _LEAF.findall(line)
      if not leaves or len(leaves) != line.count('(<L ') or line.count('(') != line.count(')'):
        raise ValueError(f'{path}:{lineno}: malformed derivation of {sid}; expected balanced '
                         'brackets and leaves (<L category POS POS word predarg>)')
      words = [_UNESCAPE.get(leaf[3], leaf[3]) for leaf in leaves]
      yield lineno, sid, words, [leaf[0] for leaf in leaves]
      sid = None
    if sid is not None:
      raise ValueError(f'{path}:{id_line}: ID line of {sid} has no derivation after it')


def build_labels(ccgbank_dir: str, sections: Sequence[str]) -> list:
  """Tags by count in the training sections, then tags only in the other sections (sorted)."""
  train, other = collections.Counter(), set()
  for section in sections:
    paths = sorted(glob.glob(os.path.join(ccgbank_dir, 'data', 'AUTO', section, '*.auto')))
    if not paths:
      raise FileNotFoundError(f'{ccgbank_dir}/data/AUTO/{section}: no .auto files; expected '
                              'the CCGbank layout data/AUTO/<section>/wsj_*.auto')
    for path in paths:
      for _, _, _, tags in auto_sentences(path):
        if section in TRAIN_SECTIONS:
          train.update(tags)
        else:
          other.update(tags)
  ordered = sorted(train, key=lambda t: (-train[t], t))
  return ordered + sorted(other - set(train))


def _sections(spec: str) -> list:
  out = []
  for part in spec.split(','):
    lo, _, hi = part.partition('-')
    out += [f'{s:02d}' for s in range(int(lo), int(hi or lo) + 1)]
  return out


def main(argv=None):
  parser = argparse.ArgumentParser(description='Write the CCG supertag list from CCGbank.')
  parser.add_argument('ccgbank_dir', help='the CCGbank folder holding data/AUTO/')
  parser.add_argument('out_file', help='where to write the list, e.g. DATA_DIR/ccg/labels.txt')
  parser.add_argument('--sections', default='02-21,00,23',
                      help='sections to collect tags from (default: train, dev and test)')
  args = parser.parse_args(argv)
  labels = build_labels(args.ccgbank_dir, _sections(args.sections))
  with open(args.out_file, 'w', encoding='utf-8') as f:
    f.write(''.join(f'{t}\n' for t in labels))
  print(f'{args.out_file}: {len(labels)} supertags')


if __name__ == '__main__':
  main()
