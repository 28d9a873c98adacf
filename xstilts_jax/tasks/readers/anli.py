"""ANLI v1.0 JSON lines (`anli_v1.0/R{1,2,3}/{train,dev,test}.jsonl`).

Fields used: uid, context (the premise), hypothesis, label ('c' / 'e' / 'n', which sorts as
NLI_LABELS: 0 contradiction, 1 entailment, 2 neutral). Every ANLI record has a gold label.
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles

ANLI_CODES = ('c', 'e', 'n')  # same order as nli.NLI_LABELS


def read_anli(files: Union[str, Sequence[str]], lang: Optional[str] = None,
              split: Optional[str] = None) -> list:
  expected = 'ANLI JSON lines with uid, context, hypothesis, label (c/e/n)'
  examples = []
  for path in [files] if isinstance(files, str) else files:
    notes, before = rawfiles.RecordNotes(path), len(examples)
    for lineno, obj in rawfiles.jsonl_records(path, expected):
      label = rawfiles.field(obj, 'label', str, path, lineno)
      example = ClassificationExample(
          guid=rawfiles.field(obj, 'uid', str, path, lineno),
          text_a=rawfiles.field(obj, 'context', str, path, lineno),
          text_b=rawfiles.field(obj, 'hypothesis', str, path, lineno),
          label=rawfiles.label_index(label, ANLI_CODES, path, lineno))
      notes.check(lineno, {'context': example.text_a, 'hypothesis': example.text_b},
                  example.label)
      examples.append(example)
    notes.log(len(examples) - before)
  return examples
