"""SQuAD-format JSON: SQuAD v1.1 / v2.0, XQuAD, MLQA, TyDiQA-GoldP.

Layout: {"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
"answers": [{"text", "answer_start"}], "is_impossible"?}]}]}]}.
Every answer is checked: its text must sit at `answer_start` in the context. A misaligned
answer is moved to the occurrence of its text nearest to `answer_start` (`answer_repaired`);
one whose text is not in the context is dropped (`answer_not_found`), and a question left
with no answer is dropped too (`question_without_answer`). The counts go to the caller's
`skipped` dict and one warning per file (hub: per data set and split) on the
`xstilts_jax.tasks` logger; nothing is changed or dropped silently. Empty questions,
repeated (question, context) pairs and control characters are kept and counted
(`rawfiles.RecordNotes`). The hub converters (`hub_intermediate`, `hub_xtreme`) use the
same `check_answers`.
"""

import json
import logging
from typing import Callable, Iterable, Optional, Sequence, Tuple, Union

from xstilts_jax.tasks.examples import Answer, QAExample
from xstilts_jax.tasks.readers import rawfiles

logger = logging.getLogger('xstilts_jax.tasks')


def read_squad(files: Union[str, Sequence[str]], lang: Optional[str] = None,
               split: Optional[str] = None, version: int = 1,
               keep_id: Optional[Callable[[str], bool]] = None,
               skipped: Optional[dict] = None) -> list:
  """QA examples from one or more SQuAD-format files, in file order.

  version=2 accepts `is_impossible` questions with no answers (SQuAD v2.0); version=1 needs
  at least one answer per question. `keep_id(qid)` selects questions (TyDiQA-GoldP's English
  training ids); the others are counted in `skipped['filtered']` when a dict is given.
  """
  files = [files] if isinstance(files, str) else list(files)
  examples, seen = [], set()
  for path in files:
    data, counts, before = _load_json(path), {}, len(examples)
    notes = rawfiles.RecordNotes(path, 'question')
    for a, article in enumerate(data):
      paragraphs = _field(article, 'paragraphs', list, path, f'data[{a}]')
      for p, paragraph in enumerate(paragraphs):
        where = f'data[{a}].paragraphs[{p}]'
        context = _field(paragraph, 'context', str, path, where)
        for q, qa in enumerate(_field(paragraph, 'qas', list, path, where)):
          qwhere = f'{where}.qas[{q}]'
          qid = str(_field(qa, 'id', (str, int), path, qwhere))
          if keep_id is not None and not keep_id(qid):
            if skipped is not None:
              skipped['filtered'] = skipped.get('filtered', 0) + 1
            continue
          if qid in seen:
            raise ValueError(f'{path}: question id {qid!r} appears twice; expected unique ids')
          seen.add(qid)
          question = _field(qa, 'question', str, path, qwhere)
          impossible = bool(qa.get('is_impossible', False))
          if impossible and version != 2:
            raise ValueError(f'{path}: question {qid!r} is_impossible but this is read as '
                             f'SQuAD v{version}; expected answerable questions only')
          raw = [_answer_fields(ans, path, qid, i)
                 for i, ans in enumerate(_field(qa, 'answers', list, path, qwhere))]
          if impossible and raw:
            raise ValueError(f'{path}: question {qid!r} is_impossible but has '
                             f'{len(raw)} answers; expected none')
          if not impossible and not raw:
            raise ValueError(f'{path}: question {qid!r} has no answers; expected at least one'
                             + (' (or is_impossible: true)' if version == 2 else ''))
          notes.check(f'question {qid!r}', {'question': question, 'context': context})
          answers = check_answers(context, raw, counts)
          if raw and not answers:
            continue  # every answer was missing from the context: counted, dropped
          examples.append(QAExample(guid=qid, question=question, context=context,
                                    answers=answers, is_impossible=impossible))
    report_answers(path, counts, len(examples) - before, skipped)
    notes.log(len(examples) - before)
  return examples


def aligned_start(context: str, text: str, start: int) -> Optional[int]:
  """Where `text` starts in `context`: `start` when it sits there, else the occurrence
  nearest to `start`; None when the text is empty or not in the context."""
  if not text:
    return None
  if start >= 0 and context[start:start + len(text)] == text:
    return start
  best, at = None, context.find(text)
  while at != -1:
    if best is None or abs(at - start) < abs(best - start):
      best = at
    at = context.find(text, at + 1)
  return best


def check_answers(context: str, answers: Iterable[Tuple[str, int]], counts: dict) -> tuple:
  """(text, answer_start) pairs -> Answers at their true offsets. Adds to `counts`:
  answer_repaired (moved to the nearest occurrence), answer_not_found (dropped), and
  question_without_answer when none is left of a question that had answers."""
  out, had = [], False
  for text, start in answers:
    had = True
    found = aligned_start(context, text, start)
    if found is None:
      counts['answer_not_found'] = counts.get('answer_not_found', 0) + 1
      continue
    if found != start:
      counts['answer_repaired'] = counts.get('answer_repaired', 0) + 1
    out.append(Answer(text=text, answer_start=found))
  if had and not out:
    counts['question_without_answer'] = counts.get('question_without_answer', 0) + 1
  return tuple(out)


def report_answers(where: str, counts: dict, kept: int, skipped: Optional[dict] = None):
  """Logs one warning for a file (or hub split) with repaired or dropped answers, and adds
  the counts to the caller's `skipped` dict."""
  counts = {k: n for k, n in counts.items() if n}
  if not counts:
    return
  if skipped is not None:
    for k, n in counts.items():
      skipped[k] = skipped.get(k, 0) + n
  logger.warning('%s: %d answers misaligned with answer_start, moved to the nearest '
                 'occurrence of their text; %d answers not in their context, dropped; %d '
                 'questions left without an answer, dropped; kept %d questions', where,
                 counts.get('answer_repaired', 0), counts.get('answer_not_found', 0),
                 counts.get('question_without_answer', 0), kept)


def _load_json(path: str) -> list:
  with rawfiles.open_text(path, 'a SQuAD-format JSON file') as f:
    text = f.read()
  try:
    obj = json.loads(text)
  except json.JSONDecodeError as e:
    raise ValueError(f'{path}: malformed JSON at line {e.lineno} column {e.colno}: {e.msg}; '
                     'expected a SQuAD-format JSON file') from None
  if not isinstance(obj, dict) or not isinstance(obj.get('data'), list):
    raise ValueError(f'{path}: expected a JSON object with a "data" list (SQuAD format)')
  return obj['data']


def _field(obj, key, kind, path, where):
  if not isinstance(obj, dict) or key not in obj:
    raise ValueError(f'{path}: {where} has no field {key!r}; expected SQuAD format')
  value = obj[key]
  if not isinstance(value, kind) or isinstance(value, bool):
    raise ValueError(f'{path}: {where}.{key} is {type(value).__name__}; expected {kind}')
  return value


def _answer_fields(ans, path, qid, i) -> Tuple[str, int]:
  where = f'question {qid!r} answer {i}'
  return _field(ans, 'text', str, path, where), _field(ans, 'answer_start', int, path, where)
