"""XTREME-R's three new target tasks (Ruder et al. 2021; PROTOCOL.md "XTREME-R").

  xcopa     multiple choice, 11 languages. Test and dev: XCOPA's own repository (gold test
            labels). English training: COPA (SuperGLUE), the target trained from the
            intermediate encoder; XTREME-R trains SIQA first, which our intermediate phase
            is the place for (docs/design.md).
              xcopa/data/<lang>/{val,test}.<lang>.jsonl, copa/{train,val}.jsonl
  mewslix   ranking (dual encoder), 11 languages: WikiNews mentions against the candidate
            entity set; trained on English Wikipedia pairs (scripts/train_mewslix.sh).
              mewslix/ in XTREME-R's layout (readers/mewslix.py)
  lareqa    ranking, XQuAD-R's 11 languages; trained on SQuAD v1.1 English question/answer
            sentence pairs (scripts/train_lareqa.sh), model selection on SQuAD v1.1 dev.
              lareqa/xquad-r/<lang>.json, squad/{train,dev}-v1.1.json

A 'ranking' reader returns `QueryCandidateExample`s for train and one `RankingCorpus` per
language for dev and test. The XTREME tasks XTREME-R extends (UD-POS, PAN-X, XQuAD, Tatoeba)
are in `xtreme.py`; which languages each benchmark scores is `benchmarks.py`.
"""

from xstilts_jax.tasks import hub_xtreme, languages
from xstilts_jax.tasks.readers import lareqa, mewslix, xcopa
from xstilts_jax.tasks.registry import HubSource, LocalSource, Task, register


def _english_train(split, lang):
  if split == 'train' and lang != 'en':
    raise ValueError(f'split {split!r} exists for English only (zero-shot transfer); '
                     f'got language {lang!r}')


def read_xcopa(files, lang, split=None):
  _english_train(split, lang)
  return xcopa.read_xcopa(files, lang, split)


def read_mewslix(files, lang, split=None):
  """train: English Wikipedia pairs; dev/test: the language's WikiNews mentions."""
  _english_train(split, lang)
  if split == 'train':
    return mewslix.read_pairs(files, lang, split)
  return mewslix.read_mentions(files, lang, split)


def read_lareqa(files, lang, split=None):
  """train: SQuAD v1.1 pairs; dev: SQuAD v1.1 dev ranked (English); test: XQuAD-R."""
  _english_train(split, lang)
  if split == 'test':
    return lareqa.read_xquad_r(files, lang, split)
  return lareqa.read_squad_pairs(files, lang, split)


XCOPA_REVISION = 'main'  # cambridgeltl/xcopa, aps/super_glue: no commit sha verified offline
_MEWSLIX = 'mewslix'

register(Task(
    name='xcopa', xtreme_name='XCOPA', category='classification', format='multiple_choice',
    metric='accuracy', labels=('0', '1'), num_choices=2, languages=languages.XTREME_R['xcopa'],
    max_seq_length=128,
    local=LocalSource(
        reader=read_xcopa,
        paths={'train': 'copa/train.jsonl', 'dev': 'xcopa/data/{lang}/val.{lang}.jsonl',
               'test': 'xcopa/data/{lang}/test.{lang}.jsonl'},
        lang_paths={'en': {'dev': 'copa/val.jsonl'}}),
    hub=(HubSource(path='aps/super_glue', name='copa', splits={'train': 'train',
                                                             'dev': 'validation'},
                   convert=hub_xtreme.copa, revision=XCOPA_REVISION, languages=('en',),
                   note='English COPA (SuperGLUE) for training and model selection.'),
         HubSource(path='cambridgeltl/xcopa', name='{lang}',
                   splits={'dev': 'validation', 'test': 'test'}, convert=hub_xtreme.xcopa,
                   revision=XCOPA_REVISION, languages=languages.XTREME_R['xcopa'],
                   note='The XCOPA repository as released, gold test labels included.')),
))

register(Task(
    name='mewslix', xtreme_name='Mewsli-X', category='retrieval', format='ranking',
    metric='map@20', languages=languages.XTREME_R['mewslix'], max_seq_length=64,
    local=LocalSource(
        reader=read_mewslix,
        paths={'train': f'{_MEWSLIX}/wikipedia_pairs-train.jsonl',
               **{s: (f'{_MEWSLIX}/wikinews_mentions/{s}-{{lang}}.jsonl',
                      f'{_MEWSLIX}/wikinews_labels/{s}-{{lang}}.json',
                      f'{_MEWSLIX}/candidate_set_entities.jsonl') for s in ('dev', 'test')}}),
    no_hub='Mewsli-X has no hub copy; its WikiNews text is rebuilt from dumps by the '
           "dataset's own script (see python -m xstilts_jax.data.download --tasks mewslix)",
))

register(Task(
    name='lareqa', xtreme_name='LAReQA', category='retrieval', format='ranking',
    metric='map@20', languages=languages.XTREME_R['lareqa'], max_seq_length=352,
    local=LocalSource(
        reader=read_lareqa,
        paths={'train': 'squad/train-v1.1.json',
               'test': tuple(f'lareqa/xquad-r/{lang}.json' for lang in languages.XQUAD)},
        lang_paths={'en': {'dev': 'squad/dev-v1.1.json'}}),
    no_hub='LAReQA (XQuAD-R) has no hub copy: use the local files (python -m '
           'xstilts_jax.data.download --tasks lareqa)',
))
