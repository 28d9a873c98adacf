"""Chunk precision / recall / F1 with seqeval 0.0.12 semantics (UD-POS and PAN-X in XTREME).

XTREME scored tagging with seqeval 0.0.12, so its POS numbers depend on how 0.0.12 reads bare
tags: the first character is taken as the BIO(ES) prefix and the whole tag (text after the last
'-') as the type. So for POS, runs of the same tag merge into one chunk, and tags starting with
'S' (SCONJ, SYM) are single-token chunks. seqeval >= 1.0 takes the type from after the first
character instead (CCONJ and SCONJ both become 'CONJ'), which changes POS numbers; we do not.
"""


def _chunk_ends(prev_tag, tag, prev_type, type_):
  """True when a chunk ended between the previous token and this one."""
  if prev_tag in ('E', 'S'):
    return True
  if prev_tag in ('B', 'I') and tag in ('B', 'S', 'O'):
    return True
  return prev_tag not in ('O', '.') and prev_type != type_


def _chunk_starts(prev_tag, tag, prev_type, type_):
  """True when a chunk starts at this token."""
  if tag in ('B', 'S'):
    return True
  if prev_tag in ('E', 'S', 'O') and tag in ('E', 'I'):
    return True
  return tag not in ('O', '.') and prev_type != type_


def get_entities(seq):
  """Chunks (type, start, end) of a tag sequence, or of a list of sentences.

  Sentences are concatenated with an 'O' between them (so chunks never cross a sentence and
  positions count the separators), exactly as seqeval 0.0.12 does.
  """
  if any(isinstance(s, list) for s in seq):
    seq = [tag for sentence in seq for tag in list(sentence) + ['O']]
  chunks = []
  prev_tag, prev_type, begin = 'O', '', 0
  for i, label in enumerate(list(seq) + ['O']):
    tag = label[0]
    type_ = label.split('-')[-1]
    if _chunk_ends(prev_tag, tag, prev_type, type_):
      chunks.append((prev_type, begin, i - 1))
    if _chunk_starts(prev_tag, tag, prev_type, type_):
      begin = i
    prev_tag, prev_type = tag, type_
  return chunks


def chunk_prf(labels, predictions):
  """Micro chunk precision / recall / F1 in percent over lists of sentences of tags."""
  gold = set(get_entities(labels))
  pred = set(get_entities(predictions))
  correct = len(gold & pred)
  p = correct / len(pred) if pred else 0.0
  r = correct / len(gold) if gold else 0.0
  f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
  return {'f1': 100.0 * f1, 'precision': 100.0 * p, 'recall': 100.0 * r}
