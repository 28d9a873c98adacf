"""Mewsli-X (Botha et al.; XTREME-R) in XTREME-R's download layout, under `mewslix/`:

  candidate_set_entities.jsonl        the candidate entities: entity_id, title, description,
                                      sentence_spans [{start, end}], description_language, ...
  wikipedia_pairs-{train,dev}.jsonl   English Wikipedia mention/entity pairs (training):
                                      {"contextual_mention": {"context", "mention"}, "entity"}
  wikinews_mentions/{dev,test}-<lang>.jsonl   WikiNews mentions, one context per line:
                                      {"context": {language, text, sentence_spans, ...},
                                       "mentions": [{example_id, mention_span {start, end,
                                       text}, entity_id}]}  (test: entity_id '' after
                                      XTREME-R's preprocessing)
  wikinews_labels/{dev,test}-<lang>.json      {example_id: [gold entity_id]}

Texts are built as XTREME-R's `utils_mewslix` builds them: a query is the mention's sentence
with the mention marked, "<mention>: <left> { <mention> } <right>" (braces already in the text
become parentheses), a candidate the entity's description sentences joined by spaces.
Training (`read_pairs`, as `scripts/train_mewslix.sh`): one `QueryCandidateExample` per
English Wikipedia pair. Evaluation (`read_mentions`): one `RankingCorpus` per language, every
candidate entity ranked for every mention, one gold entity each. The candidate set is read
once per file and shared (the same tuples) by every language's corpus.
"""

import json
import os
import re
from typing import Optional, Sequence

from xstilts_jax.tasks.examples import QueryCandidateExample, RankingCorpus
from xstilts_jax.tasks.readers import rawfiles

_BRACES = re.compile(r'\{(.*?)\}')
_CANDIDATES = {}  # (path, size, mtime) -> (ids, texts): one copy for every language


def _spans(obj, key, text, where, lineno):
  spans = []
  for i, span in enumerate(rawfiles.field(obj, key, list, where, lineno)):
    start, end = (rawfiles.field(span, k, int, where, lineno) if isinstance(span, dict)
                  else None for k in ('start', 'end'))
    if start is None or not 0 <= start < end <= len(text):
      raise ValueError(f'{where}:{lineno}: {key}[{i}] {span!r}; expected {{"start", "end"}} '
                       f'with 0 <= start < end <= {len(text)} (the text\'s length)')
    spans.append((start, end))
  return spans


def _normalise(text: str) -> str:
  return ' '.join(text.splitlines()).replace('  ', ' ').strip()


def entity_text(entity: dict, where: str, lineno: int) -> str:
  """An entity's description sentences joined by spaces (XTREME-R's candidate string)."""
  description = rawfiles.field(entity, 'description', str, where, lineno)
  spans = _spans(entity, 'sentence_spans', description, where, lineno)
  return _normalise(' '.join(description[s:e] for s, e in spans))


def mention_text(context: dict, mention: dict, where: str, lineno: int) -> str:
  """The query: the mention's sentence, the mention repeated in front and marked in braces."""
  text = rawfiles.field(context, 'text', str, where, lineno)
  span = rawfiles.field(mention, 'mention_span', dict, where, lineno)
  start, end = (rawfiles.field(span, k, int, where, lineno) for k in ('start', 'end'))
  surface = rawfiles.field(span, 'text', str, where, lineno)
  example_id = mention.get('example_id')
  if not 0 <= start < end <= len(text) or text[start:end] != surface:
    raise ValueError(f'{where}:{lineno}: mention {example_id!r} span [{start}:{end}] is '
                     f'{text[max(start, 0):end]!r}; expected its text {surface!r}')
  sentence = next(((s, e) for s, e in _spans(context, 'sentence_spans', text, where, lineno)
                   if s <= start and end <= e), None)
  if sentence is None:
    raise ValueError(f'{where}:{lineno}: mention {example_id!r} [{start}:{end}] is not inside '
                     'one sentence of sentence_spans; expected a mention within a sentence')
  left = _BRACES.sub(r'(\1)', text[sentence[0]:start])
  right = _BRACES.sub(r'(\1)', text[end:sentence[1]])
  return _normalise(f'{surface}: {left} {{ {surface} }} {right}')


def read_candidates(path: str) -> tuple:
  """(entity ids, candidate texts) of `candidate_set_entities.jsonl`, cached per file."""
  stat = os.stat(path)
  key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
  if key not in _CANDIDATES:
    ids, texts, seen = [], [], {}
    expected = 'Mewsli-X candidate entities, one JSON object per line'
    for lineno, entity in rawfiles.jsonl_records(path, expected):
      entity_id = rawfiles.field(entity, 'entity_id', str, path, lineno)
      if entity_id in seen:
        raise ValueError(f'{path}:{lineno}: entity_id {entity_id!r} repeats line '
                         f'{seen[entity_id]}; expected each entity once')
      seen[entity_id] = lineno
      ids.append(entity_id)
      texts.append(entity_text(entity, path, lineno))
    _CANDIDATES.clear()  # one candidate set at a time (1M entities in the real data)
    _CANDIDATES[key] = (tuple(ids), tuple(texts))
  return _CANDIDATES[key]


def read_pairs(files, lang: Optional[str] = None, split: Optional[str] = None) -> list:
  """English Wikipedia mention/entity pairs as dual-encoder training examples."""
  expected = 'Mewsli-X mention/entity pairs, one JSON object per line'
  examples, seen = [], {}
  for path in [files] if isinstance(files, str) else files:
    for lineno, pair in rawfiles.jsonl_records(path, expected):
      cm = rawfiles.field(pair, 'contextual_mention', dict, path, lineno)
      mention = rawfiles.field(cm, 'mention', dict, path, lineno)
      example_id = rawfiles.field(mention, 'example_id', str, path, lineno)
      if example_id in seen:
        raise ValueError(f'{path}:{lineno}: example_id {example_id!r} repeats line '
                         f'{seen[example_id]}; expected each mention once')
      seen[example_id] = lineno
      query = mention_text(rawfiles.field(cm, 'context', dict, path, lineno), mention, path,
                           lineno)
      candidate = entity_text(rawfiles.field(pair, 'entity', dict, path, lineno), path, lineno)
      examples.append(QueryCandidateExample(guid=example_id, query=query, candidate=candidate))
  return examples


def read_labels(path: str) -> dict:
  with rawfiles.open_text(path, 'a Mewsli-X label file {example_id: [entity_id]}') as f:
    text = f.read()
  try:
    labels = json.loads(text)
  except json.JSONDecodeError as e:
    raise ValueError(f'{path}:{e.lineno}: malformed JSON ({e.msg}); expected '
                     '{example_id: [entity_id]}') from None
  if not isinstance(labels, dict):
    raise ValueError(f'{path}: a JSON {type(labels).__name__}; expected {{example_id: '
                     '[entity_id]}')
  for example_id, gold in labels.items():
    if not (isinstance(gold, list) and len(gold) == 1 and isinstance(gold[0], str)
            and gold[0].strip()):
      raise ValueError(f'{path}: example {example_id!r} has {gold!r}; expected a list of one '
                       'entity id')
  return {k: v[0].strip() for k, v in labels.items()}


def read_mentions(files: Sequence[Sequence[str]], lang: str, split: Optional[str] = None):
  """[RankingCorpus] of one language: files = ([mentions], [labels], [candidates])."""
  (mention_path,), (label_path,), (candidate_path,) = files
  candidate_ids, candidates = read_candidates(candidate_path)
  known = set(candidate_ids)
  labels = read_labels(label_path)
  expected = 'Mewsli-X WikiNews contexts with their mentions, one JSON object per line'
  query_ids, queries, gold, seen = [], [], {}, {}
  for lineno, record in rawfiles.jsonl_records(mention_path, expected):
    context = rawfiles.field(record, 'context', dict, mention_path, lineno)
    language = rawfiles.field(context, 'language', str, mention_path, lineno)
    if language != lang:
      raise ValueError(f'{mention_path}:{lineno}: context in language {language!r}; expected '
                       f'{lang!r} only (XTREME-R shards the mentions by language)')
    for mention in rawfiles.field(record, 'mentions', list, mention_path, lineno):
      example_id = rawfiles.field(mention, 'example_id', str, mention_path, lineno)
      if example_id in seen:
        raise ValueError(f'{mention_path}:{lineno}: example_id {example_id!r} repeats line '
                         f'{seen[example_id]}; expected each mention once')
      seen[example_id] = lineno
      if example_id not in labels:
        raise ValueError(f'{mention_path}:{lineno}: mention {example_id!r} has no gold entity '
                         f'in {label_path}; expected one for every mention')
      entity_id = mention.get('entity_id') or ''
      if entity_id and entity_id != labels[example_id]:
        raise ValueError(f'{mention_path}:{lineno}: mention {example_id!r} is linked to '
                         f'{entity_id!r} but {label_path} says {labels[example_id]!r}')
      if labels[example_id] not in known:
        raise ValueError(f'{label_path}: gold entity {labels[example_id]!r} of mention '
                         f'{example_id!r} is not in {candidate_path}; expected the candidate '
                         'set to hold every gold entity')
      query_ids.append(example_id)
      queries.append(mention_text(context, mention, mention_path, lineno))
      gold[example_id] = (labels[example_id],)
  extra = sorted(set(labels) - set(seen))
  if extra:
    raise ValueError(f'{label_path}: {len(extra)} labelled mentions not in {mention_path} '
                     f'(first {extra[0]!r}); expected the same mentions in both')
  if not queries:
    return []
  return [RankingCorpus(lang=lang, query_ids=tuple(query_ids), queries=tuple(queries),
                        candidate_ids=candidate_ids, candidates=candidates, gold=gold)]
