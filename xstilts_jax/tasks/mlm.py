"""Continued multilingual masked LM as one more task (PROTOCOL.md: 15% masking, 80/10/10, LM head
tied to the word embeddings, multilingual text mixed in as one more task).

The task `mlm` (format 'mlm') covers the 40 XTREME languages (the union of every target task's
list, which is PAN-X's). Its examples are `TextExample`s, one per document:

  local   mlm/train/<lang>.txt, mlm/dev/<lang>.txt   UTF-8, one document (or sentence, or
          paragraph) per line; blank lines skipped and counted (`readers/text.py`). A
          decompressed CC-100 file (`<lang>.txt`) fits as is.
  hub     wikimedia/wikipedia, config `20231101.<lang>` (pinned commit), column `text`, one
          example per article (train split only: the hub has no dev split). With
          max_per_language N the split is streamed and only its first N articles are read,
          instead of downloading a whole language (English: 6.4M articles).

`load_examples('mlm', split, lang)` reads one language; `load_multilingual(split, ...)`
concatenates several (all 40 by default), which is the one task a multi-task run mixes in.
Guids start with the language, so they stay unique across languages.

Featurizing (`data.featurize`) stores the unmasked `<s> tokens </s>` rows (a long document
is cut into several rows); `data.mlm.masker(tokenizer, seed)` masks each batch, keyed by
(seed, epoch, row), so masks change every epoch and a resumed run repeats them exactly.
Metric `mlm_accuracy`: top-1 accuracy of the predictions at the masked positions (labels !=
-100), with the dev masks drawn by a fixed seed and epoch 0; higher is better, so model
selection can maximise it as every other task's score. Perplexity is exp(mean loss) of the
same positions. The head is named `mlm`, the name `models.load_pretrained` gives XLM-R's
pretrained `lm_head`, so continued MLM starts from the pretrained head.
"""

import logging

from xstilts_jax.tasks import languages as L
from xstilts_jax.tasks import load
from xstilts_jax.tasks.examples import TextExample
from xstilts_jax.tasks.readers import rawfiles, text
from xstilts_jax.tasks.registry import HubSource, LocalSource, Task, register

log = logging.getLogger('xstilts_jax.tasks')

XTREME_LANGUAGES = tuple(sorted(set().union(L.XNLI, L.PAWSX, L.UDPOS, L.PANX, L.XQUAD, L.MLQA,
                                            L.TYDIQA, L.BUCC, L.TATOEBA)))
HUB_ID = 'wikimedia/wikipedia'
WIKIPEDIA_REVISION = 'b04c8d1ceb2f5cd4588862100d08de323dccfbaa'


def wikipedia_rows(rows, lang=None, split=None, *, skipped=None) -> list:
  """wikimedia/wikipedia rows (id, url, title, text) -> one TextExample per article."""
  examples, empty = [], 0
  for i, row in enumerate(rows):
    body = row.get('text')
    if not isinstance(body, str):
      raise ValueError(f'{HUB_ID} {lang} {split} row {i}: column text is '
                       f'{type(body).__name__}; expected a string')
    if not body.strip():
      empty += 1
      continue
    examples.append(TextExample(guid=f'{lang}:{row.get("id", i)}', text=body))
  rawfiles.count_skipped(f'{HUB_ID} {lang} {split}', {'empty_article': empty}, len(examples),
                         skipped)
  return examples


MLM = register(Task(
    name='mlm', format='mlm', metric='mlm_accuracy', languages=XTREME_LANGUAGES,
    splits=('train', 'dev'),
    local=LocalSource(text.read_text, {'train': 'mlm/train/{lang}.txt',
                                       'dev': 'mlm/dev/{lang}.txt'}),
    hub=HubSource(
        HUB_ID, '20231101.{lang}', {'train': 'train'}, wikipedia_rows,
        revision=WIKIPEDIA_REVISION,
        note='Whole articles of the 2023-11-01 dumps, train split only; without '
             'max_per_language a config downloads in full (English: 6.4M articles).')))


def load_multilingual(split='train', languages=None, *, max_per_language=0, skip_missing=False,
                      source='local', data_dir=None, hub_dir=None) -> list:
  """The `mlm` examples of several languages (default: all 40), concatenated in that order.

  `max_per_language` > 0 keeps the first N documents of each language (so English Wikipedia
  does not drown the rest); on the hub only those N rows are streamed. `skip_missing`
  skips, with a warning, languages without text (local files or saved hub copies).
  """
  examples, missing = [], []
  for lang in languages or MLM.languages:
    try:
      part = load.load_examples(MLM, split, lang, source=source, data_dir=data_dir,
                                hub_dir=hub_dir, limit=max_per_language)
    except FileNotFoundError:
      if not skip_missing:
        raise
      missing.append(lang)
      continue
    examples.extend(part)
  if missing:
    log.warning('mlm %s: no text for %d languages, skipped: %s', split, len(missing),
                ' '.join(missing))
  if not examples:
    raise ValueError(f'mlm {split}: no text in any of the languages asked for')
  return examples
