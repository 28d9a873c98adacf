"""Cosmos QA CSV as its release ships it (`train.csv`, `valid.csv`).

Columns: id, context, question, answer0..answer3, label (0-3). The prompt is
context + ' ' + question (as in jiant); the four answers are the choices.
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import MultipleChoiceExample
from xstilts_jax.tasks.readers import rawfiles

NUM_CHOICES = 4
_ANSWERS = tuple(f'answer{i}' for i in range(NUM_CHOICES))


def read_cosmosqa(files: Union[str, Sequence[str]], lang: Optional[str] = None,
                  split: Optional[str] = None) -> list:
  expected = 'a Cosmos QA CSV with id, context, question, answer0..answer3, label'
  required = ('id', 'context', 'question') + _ANSWERS + ('label',)
  examples = []
  for path in [files] if isinstance(files, str) else files:
    for lineno, row in rawfiles.csv_records(path, required, expected):
      label = rawfiles.label_index(row['label'], [str(i) for i in range(NUM_CHOICES)], path,
                                   lineno)
      examples.append(MultipleChoiceExample(
          guid=row['id'], prompt=f'{row["context"]} {row["question"]}',
          choices=tuple(row[a] for a in _ANSWERS), label=label))
  return examples
