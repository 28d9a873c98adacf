"""Hugging Face copies of the intermediate tasks: their columns -> our typed examples.

Each converter takes the hub split (a `datasets.Dataset`, or any iterable of row dicts) and
names the data set and row in its errors. Column layouts:

  nyu-mll/glue mnli, stanfordnlp/snli, facebook/anli: premise, hypothesis, label
      (ClassLabel entailment 0, neutral 1, contradiction 2; -1 = no gold label) + idx / uid
  nyu-mll/glue qqp: question1, question2, label (not_duplicate 0, duplicate 1), idx
  rajpurkar/squad, rajpurkar/squad_v2: id, title, context, question,
      answers {text: [...], answer_start: [...]} (empty lists = no answer, v2 only)
  Rowan/hellaswag: ind, ctx_a, ctx_b, endings (4), label (a string '0'..'3')
  Cosmos QA release CSV (the columns allenai/cosmos_qa also has): id, context, question,
      answer0..answer3, label (int)
  tau/commonsense_qa: id, question, choices {label: [A..E], text: [...]}, answerKey

Hub NLI labels are mapped by name to our order (0 contradiction, 1 entailment, 2 neutral).
Rows without a gold label (-1) are skipped, counted in `skipped` and logged, as the raw
readers do.
"""

from typing import Callable, Iterable, Optional

from xstilts_jax.tasks.examples import ClassificationExample, MultipleChoiceExample, QAExample
from xstilts_jax.tasks.readers import rawfiles, squad
from xstilts_jax.tasks.readers.commonsenseqa import CHOICE_LABELS
from xstilts_jax.tasks.readers.nli import NLI_LABELS

HUB_NLI_LABELS = ('entailment', 'neutral', 'contradiction')
HUB_QQP_LABELS = ('not_duplicate', 'duplicate')


def nli_rows(rows: Iterable[dict], lang: Optional[str] = None, split: Optional[str] = None, *,
             hub_id: str, guid: str = 'idx', skipped: Optional[dict] = None) -> list:
  """MNLI / SNLI / ANLI rows; `guid` names the id column ('' = the row number)."""
  _check_label_names(rows, HUB_NLI_LABELS, hub_id, split)
  to_ours = [NLI_LABELS.index(name) for name in HUB_NLI_LABELS]
  examples, no_gold = [], 0
  for i, row in enumerate(rows):
    label = _int(row, 'label', hub_id, split, i)
    if label == -1:
      no_gold += 1
      continue
    if not 0 <= label < len(HUB_NLI_LABELS):
      raise ValueError(f'{hub_id} {split} row {i}: unknown label {label}; expected -1 or '
                       f'0..2 ({", ".join(HUB_NLI_LABELS)})')
    examples.append(ClassificationExample(
        guid=str(row[guid]) if guid else str(i), text_a=_str(row, 'premise', hub_id, split, i),
        text_b=_str(row, 'hypothesis', hub_id, split, i), label=to_ours[label]))
  rawfiles.count_skipped(f'{hub_id} {split}', {'no_gold_label': no_gold}, len(examples), skipped)
  return examples


def qqp_rows(rows: Iterable[dict], lang: Optional[str] = None,
             split: Optional[str] = None) -> list:
  hub_id = 'nyu-mll/glue qqp'
  _check_label_names(rows, HUB_QQP_LABELS, hub_id, split)
  examples = []
  for i, row in enumerate(rows):
    label = _int(row, 'label', hub_id, split, i)
    if label not in (0, 1):
      raise ValueError(f'{hub_id} {split} row {i}: unknown label {label}; expected 0 or 1')
    examples.append(ClassificationExample(
        guid=str(row['idx']), text_a=_str(row, 'question1', hub_id, split, i),
        text_b=_str(row, 'question2', hub_id, split, i), label=label))
  return examples


def squad_rows(rows: Iterable[dict], lang: Optional[str] = None, split: Optional[str] = None,
               *, version: int = 1, hub_id: Optional[str] = None,
               keep_id: Optional[Callable[[str], bool]] = None,
               skipped: Optional[dict] = None) -> list:
  """SQuAD-layout rows (rajpurkar/squad, squad_v2, google/xtreme XQuAD / MLQA / tydiqa).

  Every answer is checked against answer_start as the JSON reader does (`squad.check_answers`:
  a misaligned one moves to the nearest occurrence of its text, a missing one is dropped;
  counted and logged per split). `keep_id(qid)` selects questions (TyDiQA's languages).
  """
  hub_id = hub_id or ('rajpurkar/squad' if version == 1 else 'rajpurkar/squad_v2')
  where = ' '.join(str(w) for w in (hub_id, lang, split) if w)
  examples, counts = [], {}
  for i, row in enumerate(rows):
    qid = str(row.get('id'))
    if keep_id is not None and not keep_id(qid):
      continue
    context = _str(row, 'context', hub_id, split, i)
    answers = row.get('answers') or {}
    texts, starts = list(answers.get('text', [])), list(answers.get('answer_start', []))
    if len(texts) != len(starts) or (not texts and version == 1):
      raise ValueError(f'{where} row {i} (id {qid}): {len(texts)} answer texts, '
                       f'{len(starts)} starts; expected equal counts'
                       + (', at least one' if version == 1 else ''))
    checked = squad.check_answers(context, zip(texts, starts), counts)
    if texts and not checked:
      continue  # no answer of this question is in its context: counted, dropped
    examples.append(QAExample(
        guid=qid, question=_str(row, 'question', hub_id, split, i), context=context,
        answers=checked, is_impossible=not texts))
  squad.report_answers(where, counts, len(examples), skipped)
  return examples


def hellaswag_rows(rows: Iterable[dict], lang: Optional[str] = None,
                   split: Optional[str] = None) -> list:
  hub_id = 'Rowan/hellaswag'
  examples = []
  for i, row in enumerate(rows):
    endings = row['endings']
    if len(endings) != 4:
      raise ValueError(f'{hub_id} {split} row {i}: {len(endings)} endings; expected 4')
    label = row['label']
    if label not in ('0', '1', '2', '3'):
      raise ValueError(f'{hub_id} {split} row {i}: label {label!r}; expected "0".."3" '
                       '(the test split is unlabelled)')
    ctx_b = _str(row, 'ctx_b', hub_id, split, i)
    examples.append(MultipleChoiceExample(
        guid=str(row['ind']), prompt=_str(row, 'ctx_a', hub_id, split, i),
        choices=tuple(f'{ctx_b} {e}'.strip() for e in endings), label=int(label)))
  return examples


def cosmosqa_rows(rows: Iterable[dict], lang: Optional[str] = None,
                  split: Optional[str] = None) -> list:
  hub_id = 'Cosmos QA'
  examples = []
  for i, row in enumerate(rows):
    label = _int(row, 'label', hub_id, split, i)
    if label not in range(4):
      raise ValueError(f'{hub_id} {split} row {i}: label {label}; expected 0..3 '
                       '(the test split is unlabelled)')
    examples.append(MultipleChoiceExample(
        guid=str(row['id']), prompt=f'{row["context"]} {row["question"]}',
        choices=tuple(_str(row, f'answer{k}', hub_id, split, i) for k in range(4)), label=label))
  return examples


def commonsenseqa_rows(rows: Iterable[dict], lang: Optional[str] = None,
                       split: Optional[str] = None) -> list:
  hub_id = 'tau/commonsense_qa'
  examples = []
  for i, row in enumerate(rows):
    choices = row['choices']
    if list(choices['label']) != list(CHOICE_LABELS):
      raise ValueError(f'{hub_id} {split} row {i}: choices labelled {choices["label"]}; '
                       f'expected {", ".join(CHOICE_LABELS)}')
    key = row['answerKey']
    if key not in CHOICE_LABELS:
      raise ValueError(f'{hub_id} {split} row {i}: answerKey {key!r}; expected one of '
                       f'{", ".join(CHOICE_LABELS)} (the test split is unlabelled)')
    examples.append(MultipleChoiceExample(
        guid=str(row['id']), prompt=_str(row, 'question', hub_id, split, i),
        choices=tuple(choices['text']), label=CHOICE_LABELS.index(key)))
  return examples


def _check_label_names(rows, expected, hub_id, split):
  # A hub copy with another label order would silently swap classes: check the ClassLabel.
  feature = (getattr(rows, 'features', None) or {}).get('label')
  names = getattr(feature, 'names', None)
  if names is not None and tuple(names) != tuple(expected):
    raise ValueError(f'{hub_id} {split}: label names {names}; expected {list(expected)}')


def _int(row, key, hub_id, split, i):
  value = row.get(key)
  if not isinstance(value, int) or isinstance(value, bool):
    raise ValueError(f'{hub_id} {split} row {i}: column {key!r} is {value!r}; expected an int')
  return value


def _str(row, key, hub_id, split, i):
  value = row.get(key)
  if not isinstance(value, str):
    raise ValueError(f'{hub_id} {split} row {i}: column {key!r} is {value!r}; expected a string')
  return value
