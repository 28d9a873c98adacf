"""SQuAD-format JSON: SQuAD v1.1 / v2.0, XQuAD, MLQA, TyDiQA-GoldP.

Layout: {"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
"answers": [{"text", "answer_start"}], "is_impossible"?}]}]}]}.
Every answer is checked: its text must sit at `answer_start` in the context. A mismatch is
an error naming file, question id and both strings; nothing is repaired silently.
"""

import json
from typing import Callable, Optional, Sequence, Union

from xstilts_jax.tasks.examples import Answer, QAExample


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
    data = _load_json(path)
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
          answers = [_answer(ans, context, path, qid, i)
                     for i, ans in enumerate(_field(qa, 'answers', list, path, qwhere))]
          if impossible and answers:
            raise ValueError(f'{path}: question {qid!r} is_impossible but has '
                             f'{len(answers)} answers; expected none')
          if not impossible and not answers:
            raise ValueError(f'{path}: question {qid!r} has no answers; expected at least one'
                             + (' (or is_impossible: true)' if version == 2 else ''))
          examples.append(QAExample(guid=qid, question=question, context=context,
                                    answers=tuple(answers), is_impossible=impossible))
  return examples


def _load_json(path: str) -> list:
  try:
    with open(path, encoding='utf-8') as f:
      obj = json.load(f)
  except FileNotFoundError:
    raise FileNotFoundError(f'{path}: no such file; expected a SQuAD-format JSON file') from None
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


def _answer(ans, context, path, qid, i) -> Answer:
  where = f'question {qid!r} answer {i}'
  text = _field(ans, 'text', str, path, where)
  start = _field(ans, 'answer_start', int, path, where)
  found = context[start:start + len(text)] if start >= 0 else None
  if found != text:
    raise ValueError(f'{path}: question {qid!r} answer {i}: text {text!r} is not at '
                     f'answer_start {start}; the context there reads {found!r}')
  return Answer(text=text, answer_start=start)
