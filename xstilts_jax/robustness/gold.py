"""Perturbing typed examples so the gold stays valid, and checking that it did.

What each format perturbs (`kinds_for_format` says which kinds apply):
- classification: both sentences; multiple choice: the prompt; retrieval: one side, by
  default `source`, the non-English sentences of `lang` (the input whose robustness is in
  question; in XTREME's Tatoeba direction the English side queries them), or `target` (the
  English side, perturbed as English) with `retrieval_side='target'`; these take every kind.
- span QA: the question; with `qa_context=True` also the context outside every answer span
  (segments touching an answer are left alone) and `answer_start` is recomputed.
- ranking (Mewsli-X, LAReQA): the queries only (mention contexts, questions), each keyed by
  its query id; candidates, their contexts and the gold stay as they are, so the gold is valid
  by construction (and checked); every kind applies.
- tagging: inside words only (char, keyboard, one-word code-switching): the words are never
  re-split, dropped, moved or repeated, so the word count and the labels stay valid.
Every perturbed example goes through `check_example`; its violations are returned.
"""

import bisect
import dataclasses

from xstilts_jax.robustness import code_switch, graphemes, perturb

FORMATS = ('classification', 'multiple_choice', 'span_qa', 'tagging', 'retrieval', 'ranking')


def kinds_for_format(fmt: str) -> tuple:
  """The perturbation kinds that keep the gold of format `fmt` valid (combinable with +)."""
  if fmt == 'tagging':
    return perturb.IN_WORD_KINDS
  if fmt in FORMATS:
    return perturb.KINDS
  raise ValueError(f'no perturbation for format {fmt!r}; formats: {" ".join(FORMATS)}')


def perturb_example(example, fmt: str, lang: str, kind: str, level: float, seed: int, *,
                    task: str, example_id: str, qa_context: bool = False,
                    dictionary=None, retrieval_side: str = 'source') -> tuple:
  """(perturbed copy of `example`, gold violations found by `check_example`).

  The key of each text is (seed, lang, kind, level, task, example_id, field); retrieval
  and ranking key each sentence (query) by its own id instead of `example_id`.
  """
  allowed = kinds_for_format(fmt)
  bad = [p for p in perturb.parse_kind(kind) if p not in allowed]
  if bad:
    raise ValueError(f'kind {kind!r} does not keep {fmt} gold valid ({" ".join(bad)}); '
                     f'allowed: {" ".join(allowed)}')

  def text(value, field, example_key=example_id):
    return perturb.perturb_text(value, lang, kind, level, seed, dictionary=dictionary,
                                key=(task, example_key, field))

  if fmt == 'classification':
    new = dataclasses.replace(
        example, text_a=text(example.text_a, 'text_a'),
        text_b=None if example.text_b is None else text(example.text_b, 'text_b'))
  elif fmt == 'multiple_choice':
    new = dataclasses.replace(example, prompt=text(example.prompt, 'prompt'))
  elif fmt == 'span_qa':
    new = dataclasses.replace(example, question=text(example.question, 'question'))
    if qa_context:
      new = _perturb_context(new, lang, kind, level, seed, (task, example_id, 'context'),
                             dictionary)
  elif fmt == 'tagging':
    words = perturb.perturb_words(example.words, lang, kind, level, seed,
                                  key=(task, example_id, 'words'), dictionary=dictionary)
    new = dataclasses.replace(example, words=words)
  elif fmt == 'ranking':
    new = dataclasses.replace(example, queries=[
        text(q, 'query', qid) for qid, q in zip(example.query_ids, example.queries)])
  elif retrieval_side == 'source':
    new = dataclasses.replace(example, source=[
        text(s, 'source', sid) for sid, s in zip(example.source_ids, example.source)])
  elif retrieval_side == 'target':
    if 'code_switch' in perturb.parse_kind(kind):  # English switched into `lang`
      dictionary = code_switch.resolve(lang, dictionary)
    new = dataclasses.replace(example, target=[
        perturb.perturb_text(t, 'en', kind, level, seed, dictionary=dictionary,
                             key=(task, tid, 'target'))
        for tid, t in zip(example.target_ids, example.target)])
  else:
    raise ValueError(f"retrieval_side is 'source' or 'target', got {retrieval_side!r}")
  return new, check_example(example, new, fmt)


def _perturb_context(example, lang, kind, level, seed, key, dictionary):
  spans = [(a.answer_start, a.answer_start + len(a.text)) for a in example.answers]
  pieces, out = perturb.perturb_around(example.context, lang, kind, level, seed,
                                       protected=spans, key=key, dictionary=dictionary)
  starts, new_starts, old, new = [], [], 0, 0
  for piece, piece_out in zip(pieces, out):
    starts.append(old)
    new_starts.append(new)
    old += len(piece)
    new += len(piece_out)

  def moved(start):  # the answer's piece is protected: it moved, unchanged, with the rest
    k = bisect.bisect_right(starts, start) - 1
    return new_starts[k] + start - starts[k] if k >= 0 else start

  answers = [dataclasses.replace(a, answer_start=moved(a.answer_start)) for a in example.answers]
  return dataclasses.replace(example, context=''.join(out), answers=answers)


def _marks(name, before, after, problems, where):
  if before != after and graphemes.detached_marks(after) > graphemes.detached_marks(before):
    problems.append(f'{where}: {name} has a combining mark detached from its base')


def check_example(original, perturbed, fmt: str) -> list:
  """The ways `perturbed` breaks the gold of `original` (empty when it is valid)."""
  where = getattr(original, 'guid', None) or getattr(original, 'lang', '?')
  if type(original) is not type(perturbed):
    return [f'{where}: type {type(perturbed).__name__}, expected {type(original).__name__}']
  problems = []

  def same(*fields):
    for f in fields:
      if getattr(original, f) != getattr(perturbed, f):
        problems.append(f'{where}: {f} changed')

  if fmt == 'classification':
    same('guid', 'label')
    if (original.text_b is None) != (perturbed.text_b is None):
      problems.append(f'{where}: text_b presence changed')
    _marks('text_a', original.text_a, perturbed.text_a, problems, where)
    if original.text_b is not None and perturbed.text_b is not None:
      _marks('text_b', original.text_b, perturbed.text_b, problems, where)
  elif fmt == 'multiple_choice':
    same('guid', 'label')
    if list(original.choices) != list(perturbed.choices):
      problems.append(f'{where}: choices changed')
    _marks('prompt', original.prompt, perturbed.prompt, problems, where)
  elif fmt == 'span_qa':
    same('guid', 'is_impossible')
    if [a.text for a in original.answers] != [a.text for a in perturbed.answers]:
      problems.append(f'{where}: answer texts changed')
    for a in perturbed.answers:
      if perturbed.context[a.answer_start:a.answer_start + len(a.text)] != a.text:
        problems.append(f'{where}: answer {a.text!r} is not at answer_start {a.answer_start}')
    _marks('question', original.question, perturbed.question, problems, where)
    _marks('context', original.context, perturbed.context, problems, where)
  elif fmt == 'tagging':
    same('guid', 'labels')
    if len(original.words) != len(perturbed.words):
      problems.append(f'{where}: {len(perturbed.words)} words, expected {len(original.words)}')
    for i, (a, b) in enumerate(zip(original.words, perturbed.words)):
      if not b or (any(c.isspace() for c in b) and not any(c.isspace() for c in a)):
        problems.append(f'{where}: word {i} {a!r} became {b!r} (empty or split)')
      _marks(f'word {i}', a, b, problems, where)
  elif fmt == 'retrieval':
    same('lang', 'source_ids', 'target_ids', 'gold')
    for side in ('source', 'target'):
      before, after = list(getattr(original, side)), list(getattr(perturbed, side))
      if len(before) != len(after):
        problems.append(f'{where}: {len(after)} {side} sentences, expected {len(before)}')
      for sid, a, b in zip(getattr(original, side + '_ids'), before, after):
        _marks(f'{side} {sid}', a, b, problems, where)
    if (list(original.source) != list(perturbed.source)
        and list(original.target) != list(perturbed.target)):
      problems.append(f'{where}: both sides changed; one side only keeps the gold pairs')
  elif fmt == 'ranking':
    same('lang', 'query_ids', 'candidate_ids', 'gold')
    for f in ('candidates', 'candidate_contexts'):
      if list(getattr(original, f) or []) != list(getattr(perturbed, f) or []):
        problems.append(f'{where}: {f} changed; only the queries may be perturbed')
    if len(original.queries) != len(perturbed.queries):
      problems.append(f'{where}: {len(perturbed.queries)} queries, expected '
                      f'{len(original.queries)}')
    for qid, a, b in zip(original.query_ids, original.queries, perturbed.queries):
      _marks(f'query {qid}', a, b, problems, where)
  else:
    raise ValueError(f'no gold check for format {fmt!r}; formats: {" ".join(FORMATS)}')
  return problems
