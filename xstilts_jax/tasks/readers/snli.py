"""SNLI 1.0 JSON lines (`snli_1.0/snli_1.0_{train,dev,test}.jsonl`).

Fields used: pairID, sentence1, sentence2, gold_label (contradiction / entailment / neutral,
or '-' when the annotators did not agree: skipped and counted in skipped['no_gold_label']).
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.tasks.readers.nli import NLI_LABELS, NO_GOLD


def read_snli(files: Union[str, Sequence[str]], lang: Optional[str] = None,
              split: Optional[str] = None, skipped: Optional[dict] = None) -> list:
  expected = 'SNLI JSON lines with pairID, sentence1, sentence2, gold_label'
  examples = []
  for path in [files] if isinstance(files, str) else files:
    no_gold, kept, notes = 0, 0, rawfiles.RecordNotes(path)
    for lineno, obj in rawfiles.jsonl_records(path, expected):
      gold = rawfiles.field(obj, 'gold_label', str, path, lineno)
      if gold == NO_GOLD:
        no_gold += 1
        continue
      example = ClassificationExample(
          guid=rawfiles.field(obj, 'pairID', str, path, lineno),
          text_a=rawfiles.field(obj, 'sentence1', str, path, lineno),
          text_b=rawfiles.field(obj, 'sentence2', str, path, lineno),
          label=rawfiles.label_index(gold, NLI_LABELS, path, lineno, 'gold_label'))
      notes.check(lineno, {'sentence1': example.text_a, 'sentence2': example.text_b},
                  example.label)
      examples.append(example)
      kept += 1
    rawfiles.count_skipped(path, {'no_gold_label': no_gold}, kept, skipped)
    notes.log(kept)
  return examples
