"""HellaSwag JSON lines (`hellaswag_train.jsonl`, `hellaswag_val.jsonl`).

Fields used: ind, ctx_a, ctx_b, endings (4 strings), label (int 0-3). As in jiant, the prompt
is ctx_a and choice i is ctx_b + ' ' + endings[i] (stripped: ctx_b is sometimes empty).
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import MultipleChoiceExample
from xstilts_jax.tasks.readers import rawfiles

NUM_CHOICES = 4


def read_hellaswag(files: Union[str, Sequence[str]], lang: Optional[str] = None,
                   split: Optional[str] = None) -> list:
  expected = 'HellaSwag JSON lines with ind, ctx_a, ctx_b, endings, label'
  examples = []
  for path in [files] if isinstance(files, str) else files:
    for lineno, obj in rawfiles.jsonl_records(path, expected):
      ctx_b = rawfiles.field(obj, 'ctx_b', str, path, lineno)
      endings = rawfiles.field(obj, 'endings', list, path, lineno)
      if len(endings) != NUM_CHOICES or not all(isinstance(e, str) for e in endings):
        raise ValueError(f'{path}:{lineno}: endings {endings!r}; expected {NUM_CHOICES} strings')
      label = rawfiles.field(obj, 'label', int, path, lineno)
      rawfiles.label_index(label, range(NUM_CHOICES), path, lineno)
      examples.append(MultipleChoiceExample(
          guid=str(rawfiles.field(obj, 'ind', int, path, lineno)),
          prompt=rawfiles.field(obj, 'ctx_a', str, path, lineno),
          choices=tuple(f'{ctx_b} {e}'.strip() for e in endings),
          label=label))
  return examples
