"""Ranking (the dual encoder: Mewsli-X, LAReQA): query rows and candidate rows, encoded apart.

Training pairs (`QueryCandidateExample`) become `input_ids` / `attention_mask` [N, Tq] (the
query, `<s> query </s>`) and `candidate_input_ids` / `candidate_attention_mask` [N, Tc]; the
other candidates of a batch are the negatives. An evaluation corpus (`RankingCorpus`) becomes
two `Features` of single rows, its queries and its candidates (`featurize_corpus`).

A candidate with a context (LAReQA: the answer sentence and its paragraph) is, as XTREME-R's
`processors/lareqa.py` and `evaluate_retrieval.py` encode it, one text: sentence + paragraph
concatenated with nothing between them, newlines removed (`candidate_context='concat'`, the
default); `'pair'` writes `<s> sentence </s></s> paragraph </s>` instead (longest first).
Rows are cut at the end as `encode_plus(max_length=...)` cuts them; cuts are counted.
"""

import dataclasses
from typing import Any

import numpy as np

from xstilts_jax.data import features as F

CONTEXT_MODES = ('concat', 'pair')


@dataclasses.dataclass
class CorpusFeatures:
  """One `RankingCorpus` featurized: its query rows and its candidate rows (same order)."""
  corpus: Any
  queries: F.Features
  candidates: F.Features

  def __len__(self):
    return len(self.queries)


def options(task, ranking_config) -> dict:
  """The featurizer options of `task` from a config's `ranking` section (per-task query and
  candidate lengths; a task not listed takes max_seq_length for both, 0)."""
  r = ranking_config or {}
  return dict(max_query_length=int((r.get('max_query_length') or {}).get(task.name, 0)),
              max_candidate_length=int((r.get('max_candidate_length') or {}).get(task.name, 0)),
              candidate_context=r.get('candidate_context', 'concat'))


def _check_mode(candidate_context):
  if candidate_context not in CONTEXT_MODES:
    raise ValueError(f'candidate_context={candidate_context!r}: expected one of {CONTEXT_MODES}')


def _rows(tokenizer, firsts, seconds, max_len, prefix):
  """Packed rows of `firsts` (with `seconds` as a second segment where not None)."""
  sp = F.special_ids(tokenizer)
  enc_a = F.encode(tokenizer, firsts)
  pairs = [i for i, s in enumerate(seconds) if s is not None]
  enc_b = dict(zip(pairs, F.encode(tokenizer, [seconds[i] for i in pairs])))
  rows, truncated, cut_tokens = [], 0, 0
  for i, a in enumerate(enc_a):
    row, cut = F.pair_row(a.ids, enc_b[i].ids if i in enc_b else None, max_len, sp)
    rows.append(row)
    truncated += cut > 0
    cut_tokens += cut
  ids, mask = F.pack(rows, max_len, sp.pad)
  return ids, mask, {f'{prefix}truncated': int(truncated),
                     f'{prefix}truncated_tokens': int(cut_tokens)}


def _candidate_texts(candidates, contexts, candidate_context):
  """(first segments, second segments or None each) of the candidates."""
  _check_mode(candidate_context)
  contexts = list(contexts) if contexts is not None else [None] * len(candidates)
  if len(contexts) != len(candidates):
    raise ValueError(f'{len(contexts)} candidate contexts for {len(candidates)} candidates')
  if candidate_context == 'pair':
    return list(candidates), contexts
  # XTREME-R: (sentence + paragraph).replace('\n', ''), one segment.
  texts = [c if ctx is None else (c + ctx).replace('\n', '')
           for c, ctx in zip(candidates, contexts)]
  return texts, [None] * len(texts)


def featurize(task, examples, tokenizer, max_seq_length, *, max_query_length=0,
              max_candidate_length=0, candidate_context='concat'):
  """Training pairs -> Features: the query [N, Tq] and its candidate [N, Tc].

  Tq = max_query_length, Tc = max_candidate_length (0: max_seq_length, for either)."""
  del task
  tq = max_query_length or max_seq_length
  tc = max_candidate_length or max_seq_length
  q_ids, q_mask, q_stats = _rows(tokenizer, [e.query for e in examples],
                                 [None] * len(examples), tq, 'query_')
  firsts, seconds = _candidate_texts([e.candidate for e in examples],
                                     [e.candidate_context for e in examples], candidate_context)
  c_ids, c_mask, c_stats = _rows(tokenizer, firsts, seconds, tc, 'candidate_')
  arrays = dict(input_ids=q_ids, attention_mask=q_mask, candidate_input_ids=c_ids,
                candidate_attention_mask=c_mask,
                example_index=np.arange(len(examples), dtype=np.int32))
  stats = dict(examples=len(examples), features=len(examples), **q_stats, **c_stats)
  return F.Features(arrays, stats)


def _single(ids, mask, stats):
  n = len(ids)
  return F.Features(dict(input_ids=ids, attention_mask=mask,
                         example_index=np.arange(n, dtype=np.int32)),
                    dict(examples=n, features=n, **stats))


def featurize_corpus(corpus, tokenizer, max_seq_length, *, max_query_length=0,
                     max_candidate_length=0, candidate_context='concat', max_queries=0):
  """A `RankingCorpus` -> CorpusFeatures (queries [Nq, Tq], candidates [Nc, Tc]).

  max_queries > 0 keeps the first N queries (dev model selection, smoke runs); every
  candidate stays, since the ranking is over all of them."""
  if max_queries and max_queries < len(corpus.query_ids):
    corpus = dataclasses.replace(corpus, query_ids=list(corpus.query_ids)[:max_queries],
                                 queries=list(corpus.queries)[:max_queries])
  check_corpus(corpus)
  tq = max_query_length or max_seq_length
  tc = max_candidate_length or max_seq_length
  queries = _single(*_rows(tokenizer, list(corpus.queries), [None] * len(corpus.queries), tq,
                           ''))
  firsts, seconds = _candidate_texts(corpus.candidates, corpus.candidate_contexts,
                                     candidate_context)
  candidates = _single(*_rows(tokenizer, firsts, seconds, tc, ''))
  return CorpusFeatures(corpus, queries, candidates)


def check_corpus(corpus):
  """Ids and texts agree in number, ids are unique; gold names known ids (one line each)."""
  name = f'ranking corpus {corpus.lang!r}'
  for ids, texts, what in ((corpus.query_ids, corpus.queries, 'query'),
                           (corpus.candidate_ids, corpus.candidates, 'candidate')):
    if len(ids) != len(texts):
      raise ValueError(f'{name}: {len(ids)} {what} ids for {len(texts)} {what} texts')
    if len(set(ids)) != len(ids):
      seen = set()
      dup = next(i for i in ids if i in seen or seen.add(i))
      raise ValueError(f'{name}: {what} id {dup!r} appears twice')
  if not corpus.query_ids or not corpus.candidate_ids:
    raise ValueError(f'{name}: {len(corpus.query_ids)} queries, {len(corpus.candidate_ids)} '
                     'candidates; expected at least one of each')
  known = set(corpus.candidate_ids)
  queries = set(corpus.query_ids)
  for qid, golds in corpus.gold.items():
    if qid not in queries:
      continue  # a query left out by max_queries
    missing = [g for g in golds if g not in known]
    if missing:
      raise ValueError(f'{name}: query {qid!r} has gold {missing[0]!r}, not a candidate id')
