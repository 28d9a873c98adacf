"""GLUE TSVs: MNLI and QQP as GLUE's download script writes them.

MNLI/train.tsv: index promptID pairID genre sentence1_binary_parse sentence2_binary_parse
sentence1_parse sentence2_parse sentence1 sentence2 label1 gold_label (12 columns);
dev_matched.tsv adds label2..label5 before gold_label (16 columns). gold_label is
contradiction / entailment / neutral, or '-' (no gold label: skipped and counted).
QQP/{train,dev}.tsv: id qid1 qid2 question1 question2 is_duplicate (0 / 1).
Columns are found by header name; every line must have as many fields as the header
(`tsv.read_rows`, shared with the XTREME readers; no quote handling, as csv.QUOTE_NONE).
Duplicate pairs, empty sentences and control characters are kept and counted per file
(`rawfiles.RecordNotes`).
"""

from typing import Optional, Sequence, Union

from xstilts_jax.tasks.examples import ClassificationExample
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.tasks.readers.nli import NLI_LABELS, NO_GOLD
from xstilts_jax.tasks.readers.tsv import read_rows

QQP_LABELS = ('not_duplicate', 'duplicate')


def read_mnli(files: Union[str, Sequence[str]], lang: Optional[str] = None,
              split: Optional[str] = None, skipped: Optional[dict] = None) -> list:
  """MNLI pairs; labels index NLI_LABELS. gold_label '-' pairs count in skipped['no_gold_label']."""
  examples = []
  for path in _as_list(files):
    no_gold, kept, notes = 0, 0, rawfiles.RecordNotes(path)
    for lineno, row in read_rows(path, header=('pairID', 'sentence1', 'sentence2',
                                               'gold_label')):
      if row['gold_label'] == NO_GOLD:
        no_gold += 1
        continue
      label = rawfiles.label_index(row['gold_label'], NLI_LABELS, path, lineno, 'gold_label')
      notes.check(lineno, {'sentence1': row['sentence1'], 'sentence2': row['sentence2']}, label)
      examples.append(ClassificationExample(guid=row['pairID'], text_a=row['sentence1'],
                                            text_b=row['sentence2'], label=label))
      kept += 1
    rawfiles.count_skipped(path, {'no_gold_label': no_gold}, kept, skipped)
    notes.log(kept)
  return examples


def read_qqp(files: Union[str, Sequence[str]], lang: Optional[str] = None,
             split: Optional[str] = None) -> list:
  """QQP question pairs; label 1 = duplicate."""
  examples = []
  for path in _as_list(files):
    notes, before = rawfiles.RecordNotes(path), len(examples)
    for lineno, row in read_rows(path, header=('id', 'question1', 'question2', 'is_duplicate')):
      label = rawfiles.label_index(row['is_duplicate'], ('0', '1'), path, lineno, 'is_duplicate')
      notes.check(lineno, {'question1': row['question1'], 'question2': row['question2']}, label)
      examples.append(ClassificationExample(guid=row['id'], text_a=row['question1'],
                                            text_b=row['question2'], label=label))
    notes.log(len(examples) - before)
  return examples


def _as_list(files):
  return [files] if isinstance(files, str) else list(files)
