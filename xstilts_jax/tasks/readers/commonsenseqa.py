"""CommonsenseQA JSON lines (`train_rand_split.jsonl`, `dev_rand_split.jsonl`).

Each line: {"answerKey": "A".."E", "id", "question": {"question_concept", "stem",
"choices": [{"label": "A", "text"}, ... "E"]}}. The prompt is the stem; choices in A-E order.
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import MultipleChoiceExample
from xstilts_jax.tasks.readers import rawfiles

CHOICE_LABELS = ('A', 'B', 'C', 'D', 'E')


def read_commonsenseqa(files: Union[str, Sequence[str]], lang: Optional[str] = None,
                       split: Optional[str] = None) -> list:
  expected = 'CommonsenseQA JSON lines with id, answerKey, question.stem, question.choices'
  examples = []
  for path in [files] if isinstance(files, str) else files:
    for lineno, obj in rawfiles.jsonl_records(path, expected):
      question = rawfiles.field(obj, 'question', dict, path, lineno)
      choices = rawfiles.field(question, 'choices', list, path, lineno)
      got = [c.get('label') if isinstance(c, dict) else c for c in choices]
      if got != list(CHOICE_LABELS) or not all(isinstance(c.get('text'), str) for c in choices):
        raise ValueError(f'{path}:{lineno}: question.choices labelled {got}; expected five '
                         f'{{"label", "text"}} objects labelled {", ".join(CHOICE_LABELS)}')
      answer = rawfiles.field(obj, 'answerKey', str, path, lineno)
      examples.append(MultipleChoiceExample(
          guid=rawfiles.field(obj, 'id', str, path, lineno),
          prompt=rawfiles.field(question, 'stem', str, path, lineno),
          choices=tuple(c['text'] for c in choices),
          label=rawfiles.label_index(answer, CHOICE_LABELS, path, lineno, 'answerKey')))
  return examples
