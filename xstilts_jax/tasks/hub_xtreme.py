"""Hub converters for the XTREME target tasks: hub rows -> typed examples.

Each takes the rows of one split (a `datasets.Dataset`, or any iterable of dicts with the
hub's columns) and returns what the local reader returns. Class labels are mapped by name
through the dataset's `ClassLabel` features where present, so a different hub label order
cannot silently permute labels.
"""

from xstilts_jax.tasks import hub_intermediate, languages
from xstilts_jax.tasks.examples import ClassificationExample, RetrievalCorpus, TaggingExample
from xstilts_jax.tasks.readers import conllu, panx as panx_reader, tatoeba as tatoeba_reader
from xstilts_jax.tasks.readers import xnli as xnli_reader


def _names(rows, column, default):
  """Label names of a ClassLabel (or Sequence(ClassLabel)) column, else the documented default."""
  feature = (getattr(rows, 'features', None) or {}).get(column)
  feature = getattr(feature, 'feature', feature)
  return list(getattr(feature, 'names', None) or default)


def _label(value, names, labels, where):
  name = names[value] if isinstance(value, int) and 0 <= value < len(names) else str(value)
  name = 'contradiction' if name == 'contradictory' else name
  if name not in labels:
    raise ValueError(f'{where}: unknown label {value!r}; expected one of {labels}')
  return labels.index(name)


def xnli(rows, lang, split=None):
  """facebook/xnli `<lang>`: premise, hypothesis, label (entailment, neutral, contradiction)."""
  names = _names(rows, 'label', ('entailment', 'neutral', 'contradiction'))
  return [ClassificationExample(f'{split}-{lang}-{i}', r['premise'], r['hypothesis'],
                                _label(r['label'], names, xnli_reader.LABELS,
                                       f'facebook/xnli {lang} {split} row {i}'))
          for i, r in enumerate(rows)]


def pawsx(rows, lang, split=None):
  """google-research-datasets/paws-x `<lang>`: id, sentence1, sentence2, label (0/1)."""
  names = _names(rows, 'label', ('0', '1'))
  return [ClassificationExample(f'{split}-{lang}-{i}', r['sentence1'], r['sentence2'],
                                _label(r['label'], names, ('0', '1'),
                                       f'paws-x {lang} {split} row {i}'))
          for i, r in enumerate(rows)]


def _tagging(rows, lang, split, column, default, labels, name):
  names = _names(rows, column, default)
  out = []
  for i, r in enumerate(rows):
    tags = tuple(names[t] if isinstance(t, int) else t for t in r[column])
    bad = [t for t in tags if t not in labels]
    if bad or len(tags) != len(r['tokens']):
      raise ValueError(f'{name} {lang} {split} row {i}: {len(r["tokens"])} tokens, {len(tags)} '
                       f'tags, unknown {bad}; expected one tag of {labels} per token')
    out.append(TaggingExample(f'{split}-{lang}-{i}', tuple(r['tokens']), tags))
  return out


def udpos(rows, lang, split=None):
  """google/xtreme `udpos.<Name>`: tokens, pos_tags (ClassLabel over the 17 UPOS tags)."""
  return _tagging(rows, lang, split, 'pos_tags', conllu.UPOS, conllu.UPOS, 'udpos')


def panx(rows, lang, split=None):
  """google/xtreme `PAN-X.<lang>`: tokens, ner_tags (O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC)."""
  return _tagging(rows, lang, split, 'ner_tags', panx_reader.LABELS, panx_reader.LABELS, 'PAN-X')


def squad_rows(rows, lang, split=None, keep_id=None):
  """google/xtreme XQuAD / MLQA / tydiqa: id, context, question, answers{text, answer_start};
  answers checked (and repaired or dropped, counted) as in `hub_intermediate.squad_rows`."""
  return hub_intermediate.squad_rows(rows, lang, split, hub_id='google/xtreme', keep_id=keep_id)


def tydiqa(rows, lang, split=None):
  """google/xtreme `tydiqa` mixes all languages: keep ids starting with the language name."""
  prefix = languages.TYDIQA_NAMES[lang]
  return squad_rows(rows, lang, split, keep_id=lambda qid: qid.split('-')[0] == prefix)


def bucc(rows, lang, split=None):
  """google/xtreme `bucc18.<lang>`: source_sentence, target_sentence (gold pairs only).

  The hub has no sentence ids: we number the rows (`<lang>-<row>`, `en-<row>`)."""
  rows = list(rows)
  src_ids = [f'{lang}-{i:09d}' for i in range(len(rows))]
  en_ids = [f'en-{i:09d}' for i in range(len(rows))]
  return [RetrievalCorpus(lang=lang, source_ids=src_ids, source=[r['source_sentence'] for r in rows],
                          target_ids=en_ids, target=[r['target_sentence'] for r in rows],
                          gold=list(zip(src_ids, en_ids)))] if rows else []


def tatoeba(rows, lang, split=None):
  """google/xtreme `tatoeba.<iso3>`: aligned source_sentence, target_sentence (English)."""
  rows = list(rows)
  if not rows:
    return []
  return [tatoeba_reader.shuffled_corpus(lang, [r['source_sentence'].strip() for r in rows],
                                         [r['target_sentence'].strip() for r in rows])]


def xcopa(rows, lang, split=None, hub_id='cambridgeltl/xcopa'):
  """cambridgeltl/xcopa `<lang>` (and aps/super_glue `copa`, English): premise, choice1,
  choice2, question, label, idx, as the raw JSON lines."""
  from xstilts_jax.tasks.readers import xcopa as xcopa_reader
  return [xcopa_reader.xcopa_example(dict(r), f'{hub_id} {lang} {split} row', i)
          for i, r in enumerate(rows)]


def copa(rows, lang, split=None):
  return xcopa(rows, lang, split, hub_id='aps/super_glue copa')
