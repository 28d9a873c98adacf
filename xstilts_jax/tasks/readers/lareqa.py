"""LAReQA (Roy et al. 2020; XTREME-R): language-agnostic answer retrieval on XQuAD-R.

Evaluation (`read_xquad_r`): `lareqa/xquad-r/<lang>.json` for the 11 XQuAD languages, SQuAD
format plus `sentence_breaks` [[start, end], ...] per paragraph, as the LAReQA repository ships
it. As XTREME-R's `utils_lareqa.load_data`: every sentence of every paragraph of every language
is a candidate (id `<lang>_<paragraph number>_<sentence number>`, its paragraph the context);
a question (id `<question id>_<lang>`) has one gold answer in each language, the sentence
holding the answer of the question with the same id. One `RankingCorpus` per language: its
questions against the candidates of all languages (mAP@20).

Training (`read_squad_pairs`, as XTREME-R's `run_retrieval_qa.py` on SQuAD v1.1): one
`QueryCandidateExample` per English question, the candidate its answer sentence
(`sentences.sentence_breaks`) with the paragraph as context. A question whose answer starts
outside every sentence is skipped and counted, as XTREME-R skips it. The English dev split
(model selection) is SQuAD v1.1 dev as a `RankingCorpus`: its questions against all its
sentences.
"""

import logging
import os
from typing import Optional, Sequence

from xstilts_jax.tasks.examples import QueryCandidateExample, RankingCorpus
from xstilts_jax.tasks.readers import rawfiles, sentences, squad

logger = logging.getLogger('xstilts_jax.tasks')


def _answer_sentence(breaks, start):
  return next((k for k, (s, e) in enumerate(breaks) if s <= start < e), None)


def _paragraphs(path):
  """(paragraph number from 1, context, [(qid, question, answer_start)], paragraph dict,
  where) per paragraph of a SQuAD-format file."""
  number = 0
  for a, article in enumerate(squad._load_json(path)):
    for p, paragraph in enumerate(squad._field(article, 'paragraphs', list, path, f'data[{a}]')):
      where = f'data[{a}].paragraphs[{p}]'
      number += 1
      context = squad._field(paragraph, 'context', str, path, where)
      qas = []
      for q, qa in enumerate(squad._field(paragraph, 'qas', list, path, where)):
        qwhere = f'{where}.qas[{q}]'
        qid = str(squad._field(qa, 'id', (str, int), path, qwhere))
        answers = squad._field(qa, 'answers', list, path, qwhere)
        if not answers:
          raise ValueError(f'{path}: question {qid!r} has no answers; expected at least one')
        _, start = squad._answer_fields(answers[0], path, qid, 0)
        qas.append((qid, squad._field(qa, 'question', str, path, qwhere), start))
      yield number, context, qas, paragraph, where


def _xquad_r_breaks(paragraph, context, path, where):
  breaks = squad._field(paragraph, 'sentence_breaks', list, path, where)
  out = []
  for i, pair in enumerate(breaks):
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, int) for x in pair)
            and 0 <= pair[0] < pair[1] <= len(context)):
      raise ValueError(f'{path}: {where}.sentence_breaks[{i}] is {pair!r}; expected [start, '
                       f'end] with 0 <= start < end <= {len(context)}')
    out.append(tuple(pair))
  return out


def read_xquad_r(files: Sequence[Sequence[str]], lang: str, split: Optional[str] = None):
  """[RankingCorpus] of `lang`'s questions over the candidates of every file."""
  paths = [p for group in files for p in group]
  if not any(os.path.basename(p) == f'{lang}.json' for p in paths):
    raise ValueError(f'LAReQA: no file {lang}.json among {", ".join(paths)}')
  candidate_ids, candidates, contexts = [], [], []
  answers = {}   # question id -> [candidate id of its answer, one per language]
  queries = []   # (question id, question) of `lang`
  skipped = 0
  for path in paths:
    file_lang = os.path.splitext(os.path.basename(path))[0]
    for number, context, qas, paragraph, where in _paragraphs(path):
      breaks = _xquad_r_breaks(paragraph, context, path, where)
      ids = [f'{file_lang}_{number}_{k}' for k in range(len(breaks))]
      candidate_ids += ids
      candidates += [context[s:e] for s, e in breaks]
      contexts += [context] * len(breaks)
      for qid, question, start in qas:
        k = _answer_sentence(breaks, start)
        if k is None:  # XTREME-R skips these too (a sentence-breaking error)
          skipped += 1
          continue
        answers.setdefault(qid, []).append(ids[k])
        if file_lang == lang:
          queries.append((qid, question))
  if skipped:
    logger.warning('LAReQA %s: skipped %d questions whose answer starts outside every '
                   'sentence_breaks span (as XTREME-R)', lang, skipped)
  if not queries:
    return []
  query_ids = tuple(f'{qid}_{lang}' for qid, _ in queries)
  gold = {f'{qid}_{lang}': tuple(answers[qid]) for qid, _ in queries}
  return [RankingCorpus(lang=lang, query_ids=query_ids, queries=tuple(q for _, q in queries),
                        candidate_ids=tuple(candidate_ids), candidates=tuple(candidates),
                        gold=gold, candidate_contexts=tuple(contexts))]


def read_squad_pairs(files, lang: Optional[str] = None, split: Optional[str] = None,
                     skipped: Optional[dict] = None):
  """SQuAD v1.1 as LAReQA training pairs (train) or an English ranking problem (dev)."""
  examples = []
  for path in [files] if isinstance(files, str) else files:
    counts = {'answer outside every sentence': 0}
    ids, texts, contexts, query_ids, queries, gold = [], [], [], [], [], {}
    for number, context, qas, _, _ in _paragraphs(path):
      breaks = sentences.sentence_breaks(context)
      cand = [f'en_{number}_{k}' for k in range(len(breaks))]
      ids += cand
      texts += [context[s:e] for s, e in breaks]
      contexts += [context] * len(breaks)
      for qid, question, start in qas:
        k = _answer_sentence(breaks, start)
        if k is None:
          counts['answer outside every sentence'] += 1
          continue
        if split == 'train':
          s, e = breaks[k]
          examples.append(QueryCandidateExample(guid=qid, query=question,
                                                candidate=context[s:e],
                                                candidate_context=context))
        else:
          query_ids.append(qid)
          queries.append(question)
          gold[qid] = (cand[k],)
    kept = len(examples) if split == 'train' else len(queries)
    rawfiles.count_skipped(path, counts, kept, skipped)
    if split != 'train' and queries:
      examples.append(RankingCorpus(lang='en', query_ids=tuple(query_ids),
                                    queries=tuple(queries), candidate_ids=tuple(ids),
                                    candidates=tuple(texts), gold=gold,
                                    candidate_contexts=tuple(contexts)))
  return examples
