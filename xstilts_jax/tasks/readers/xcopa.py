"""XCOPA and COPA JSON lines (cambridgeltl/xcopa `data/<lang>/{val,test}.<lang>.jsonl`;
SuperGLUE's `COPA/{train,val}.jsonl`, XCOPA's English training data).

Fields used: premise, choice1, choice2, question ('cause' or 'effect'), label (0 or 1), idx.
As XTREME-R's `run_xcopa.py`, the prompt is the premise followed by "What was the cause?" or
"What was the effect?"; each choice is encoded as the pair (prompt, choice). XCOPA's own
repository keeps the gold test labels (XTREME-R's download script sets them to 0).
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import MultipleChoiceExample
from xstilts_jax.tasks.readers import rawfiles

QUESTIONS = ('cause', 'effect')
NUM_CHOICES = 2


def xcopa_example(obj: dict, where: str, lineno=None) -> MultipleChoiceExample:
  """One record (a JSON line or a hub row) as a two-choice example; `where` names it."""
  get = lambda key, kind: rawfiles.field(obj, key, kind, where, lineno)
  question = get('question', str)
  if question not in QUESTIONS:
    raise ValueError(f'{where}:{lineno}: question {question!r}; expected one of '
                     f'{", ".join(map(repr, QUESTIONS))}')
  label = get('label', int)
  rawfiles.label_index(label, range(NUM_CHOICES), where, lineno)
  return MultipleChoiceExample(
      guid=str(get('idx', int)), prompt=f"{get('premise', str)} What was the {question}?",
      choices=(get('choice1', str), get('choice2', str)), label=label)


def read_xcopa(files: Union[str, Sequence[str]], lang: Optional[str] = None,
               split: Optional[str] = None) -> list:
  expected = 'XCOPA/COPA JSON lines with premise, choice1, choice2, question, label, idx'
  examples, seen = [], {}
  for path in [files] if isinstance(files, str) else files:
    for lineno, obj in rawfiles.jsonl_records(path, expected):
      example = xcopa_example(obj, path, lineno)
      if example.guid in seen:
        raise ValueError(f'{path}:{lineno}: idx {example.guid} repeats line '
                         f'{seen[example.guid]}; expected each idx once')
      seen[example.guid] = lineno
      examples.append(example)
  return examples
