"""The nine XTREME target tasks (PROTOCOL.md), read from XTREME's download layout or the hub.

Each holds every language XTREME or XTREME-R evaluates (UD-POS 38, PAN-X 48, XQuAD 12, Tatoeba
41); `benchmarks.py` says which a benchmark scores. XTREME-R's added UD-POS languages (lt pl
uk wo ro) come from UD v2.7, as XTREME-R's download script takes them; the hub copies
(google/xtreme) have XTREME's languages only, XQuAD's Romanian is google/xquad's.

Training data is English only (zero-shot): train paths name the English files, and asking for
a non-English train split is an error.
XNLI trains on MNLI (XNLI-MT-1.0's `multinli.train.en.tsv`, what XTREME trains on), XQuAD and
MLQA on SQuAD v1.1 (`squad/train-v1.1.json`, dev `squad/dev-v1.1.json`, the files the `squad`
intermediate task reads), TyDiQA-GoldP on the English records of its training file only.
BUCC and Tatoeba have no training split. Local layouts, relative to the data dir:

  xnli/XNLI-1.0/xnli.{dev,test}.tsv, xnli/XNLI-MT-1.0/multinli/multinli.train.en.tsv
  pawsx/x-final/<lang>/{train,dev_2k,test_2k}.tsv
  udpos/ud-treebanks-v2.5/UD_*/<lang>_*-ud-{train,dev,test}.conllu
  udpos/ud-treebanks-v2.7/UD_*/<lang>_*-ud-{dev,test}.conllu     (lt pl uk wo ro)
  panx/panx_dataset/<lang>-{train,dev,test}
  xquad/xquad.<lang>.json
  mlqa/MLQA_V1/{dev,test}/{dev,test}-context-<lang>-question-<lang>.json
  tydiqa/tydiqa-goldp-v1.1-train.json, tydiqa/tydiqa-goldp-v1.1-dev/tydiqa-goldp-dev-<name>.json
  bucc2018/<lang>-en.{sample,training}.{<lang>,en,gold}
  tatoeba/tatoeba.<iso3>-eng.{<iso3>,eng}
  (xquad/xquad.ro.json, panx/panx_dataset/<lang>-*, tatoeba/* of XTREME-R's added languages)

Hub copies are pinned to commits: facebook/xnli, google-research-datasets/paws-x (Parquet on
main; full shas as public projects pin them), google/xtreme (Parquet on main; no commit sha could be verified offline,
so it reads 'main': pin it with `XTREME_REVISION` once known). On the hub XQuAD and MLQA
train on rajpurkar/squad (SQuAD v1.1, the squad_v1 task's copy), as XTREME does; XQuAD's dev
split is SQuAD v1.1 dev as locally.
"""

import dataclasses
import functools
import logging

from xstilts_jax.tasks import hub_xtreme, languages
from xstilts_jax.tasks.intermediate import SQUAD_V1_HUB
from xstilts_jax.tasks.readers import bucc, conllu, panx, pawsx, squad, tatoeba, xnli
from xstilts_jax.tasks.registry import HubSource, LocalSource, Task, register

log = logging.getLogger(__name__)


def _english_only(reader, splits=('train',)):
  """XTREME is zero-shot: these splits exist in English only."""
  @functools.wraps(reader)
  def read(files, lang, split=None, **kwargs):
    if split in splits and lang != 'en':
      raise ValueError(f'split {split!r} exists for English only (zero-shot transfer); '
                       f'got language {lang!r}')
    return reader(files, lang=lang, split=split, **kwargs)
  return read


def read_tydiqa(files, lang, split=None):
  """TyDiQA-GoldP: only questions whose id starts with `<language name>-` (the training file
  holds all nine languages; jiant once trained 'English' on all of them). The others are
  counted and logged."""
  prefix = languages.TYDIQA_NAMES[lang]
  skipped = {}
  examples = squad.read_squad(files, lang=lang, split=split,
                              keep_id=lambda qid: qid.split('-')[0] == prefix, skipped=skipped)
  if skipped.get('filtered'):
    log.info('TyDiQA %s %s: kept %d %s questions, left out %d of other languages',
             lang, split, len(examples), prefix, skipped['filtered'])
  return examples


def read_xnli(files, lang, split=None):
  """XNLI-1.0 dev/test rows of `lang`; the train split is MNLI in XNLI-MT-1.0's format."""
  if split == 'train':
    return xnli.read_mnli_train(files, lang=lang, split=split)
  return xnli.read_xnli(files, lang=lang, split=split)


_SQUAD_SPLITS = {'train': 'squad/train-v1.1.json', 'dev': 'squad/dev-v1.1.json'}
XNLI_REVISION = 'b8dd5d7af51114dbda02c0e3f6133f332186418e'
PAWSX_REVISION = '4cd8187c404bda33cb1f62b49b001115862acf37'
XTREME_REVISION = 'main'  # google/xtreme: no verified commit sha yet (see the docstring)
XQUAD_REVISION = 'main'   # google/xquad: likewise

register(Task(
    name='xnli', xtreme_name='XNLI', category='classification', format='classification',
    metric='accuracy', labels=xnli.LABELS, languages=languages.XNLI,
    local=LocalSource(
        reader=_english_only(read_xnli),
        paths={'train': 'xnli/XNLI-MT-1.0/multinli/multinli.train.en.tsv',
               'dev': 'xnli/XNLI-1.0/xnli.dev.tsv', 'test': 'xnli/XNLI-1.0/xnli.test.tsv'}),
    hub=HubSource(
        path='facebook/xnli', name='{lang}',
        splits={'train': 'train', 'dev': 'validation', 'test': 'test'},
        convert=hub_xtreme.xnli, revision=XNLI_REVISION,
        note="facebook/xnli 'en' train is MNLI (392,702 pairs); its non-English train splits "
             'are machine translations (translate-train), not used zero-shot. Labels are '
             'remapped by name (hub order entailment, neutral, contradiction).'),
))
register(Task(
    name='pawsx', xtreme_name='PAWS-X', category='classification', format='classification',
    metric='accuracy', labels=pawsx.LABELS, languages=languages.PAWSX,
    local=LocalSource(
        reader=_english_only(pawsx.read_pawsx),
        paths={'train': 'pawsx/x-final/en/train.tsv', 'dev': 'pawsx/x-final/{lang}/dev_2k.tsv',
               'test': 'pawsx/x-final/{lang}/test_2k.tsv'}),
    hub=HubSource(
        path='google-research-datasets/paws-x', name='{lang}',
        splits={'train': 'train', 'dev': 'validation', 'test': 'test'}, convert=hub_xtreme.pawsx,
        revision=PAWSX_REVISION,
        note='Same data as x-final; non-English train splits are translations (not zero-shot).'),
))

register(Task(
    name='udpos', xtreme_name='UD-POS', category='structured', format='tagging',
    metric='seqeval_f1', labels=conllu.UPOS, languages=languages.XTREME_R['udpos'],
    file_codes=languages.UDPOS_HUB_NAMES,
    local=LocalSource(
        reader=_english_only(conllu.read_conllu),
        paths={'train': 'udpos/ud-treebanks-v2.5/UD_*/en_*-ud-train.conllu',
               **{s: f'udpos/ud-treebanks-v2.5/UD_*/{{lang}}_*-ud-{s}.conllu' for s in ('dev', 'test')}},
        lang_paths={lang: {s: f'udpos/ud-treebanks-v2.7/UD_*/{lang}_*-ud-{s}.conllu'
                           for s in ('dev', 'test')} for lang in languages.UDPOS_V27}),
    hub=HubSource(
        path='google/xtreme', name='udpos.{code}',
        splits={'train': 'train', 'dev': 'validation', 'test': 'test'}, convert=hub_xtreme.udpos,
        revision=XTREME_REVISION, languages=languages.UDPOS,
        note='The hub copy keeps the split syntactic words of multi-word tokens (zu + dem, not '
             "'zum'), so its words and tags differ from XTREME's fused-form conversion; scores "
             'are not comparable. Use the local UD v2.5 source for XTREME numbers.'),
))

register(Task(
    name='panx', xtreme_name='PAN-X', category='structured', format='tagging',
    metric='seqeval_f1', labels=panx.LABELS, languages=languages.XTREME_R['panx'],
    local=LocalSource(
        reader=_english_only(panx.read_panx),
        paths={'train': 'panx/panx_dataset/en-train',
               **{s: f'panx/panx_dataset/{{lang}}-{s}' for s in ('dev', 'test')}}),
    hub=HubSource(
        path='google/xtreme', name='PAN-X.{lang}',
        splits={'train': 'train', 'dev': 'validation', 'test': 'test'}, convert=hub_xtreme.panx,
        revision=XTREME_REVISION, languages=languages.PANX,
        note="XTREME's balanced train/dev/test splits of WikiANN (Rahimi et al.), as local."),
))

register(Task(
    name='xquad', xtreme_name='XQuAD', category='qa', format='span_qa', metric='squad_f1_em',
    languages=languages.XTREME_R['xquad'], max_seq_length=384,
    local=LocalSource(
        reader=_english_only(squad.read_squad, splits=('train', 'dev')),
        paths={**_SQUAD_SPLITS, 'test': 'xquad/xquad.{lang}.json'}),
    hub=(SQUAD_V1_HUB, HubSource(
        path='google/xtreme', name='XQuAD.{lang}', splits={'test': 'validation'},
        convert=hub_xtreme.squad_rows, revision=XTREME_REVISION, languages=languages.XQUAD,
        note='Test split = hub split validation; train/dev are SQuAD v1.1 (rajpurkar/squad).'),
        HubSource(
            path='google/xquad', name='xquad.{lang}', splits={'test': 'validation'},
            convert=hub_xtreme.squad_rows, revision=XQUAD_REVISION, languages=('ro',),
            note="XTREME-R's Romanian XQuAD (google/xquad; google/xtreme has XTREME's 11).")),
))

register(Task(
    name='mlqa', xtreme_name='MLQA', category='qa', format='span_qa', metric='mlqa_f1_em',
    languages=languages.MLQA, max_seq_length=384,
    local=LocalSource(
        reader=_english_only(squad.read_squad, splits=('train',)),
        paths={'train': _SQUAD_SPLITS['train'],
               'dev': 'mlqa/MLQA_V1/dev/dev-context-{lang}-question-{lang}.json',
               'test': 'mlqa/MLQA_V1/test/test-context-{lang}-question-{lang}.json'}),
    hub=(dataclasses.replace(SQUAD_V1_HUB, splits={'train': 'train'}), HubSource(
        path='google/xtreme', name='MLQA.{lang}.{lang}',
        splits={'dev': 'validation', 'test': 'test'}, convert=hub_xtreme.squad_rows,
        revision=XTREME_REVISION,
        note='Same-language context/question pairs only, as XTREME. Train is SQuAD v1.1 '
             '(rajpurkar/squad).')),
))

register(Task(
    name='tydiqa', xtreme_name='TyDiQA-GoldP', category='qa', format='span_qa',
    metric='squad_f1_em', languages=languages.TYDIQA, max_seq_length=384,
    file_codes=languages.TYDIQA_NAMES,
    local=LocalSource(
        reader=_english_only(read_tydiqa),
        # TyDiQA-GoldP has no held-out test set: XTREME reports its public dev set, so our dev
        # and test are the same files (English dev for model selection, as jiant does).
        paths={'train': 'tydiqa/tydiqa-goldp-v1.1-train.json',
               'dev': 'tydiqa/tydiqa-goldp-v1.1-dev/tydiqa-goldp-dev-{code}.json',
               'test': 'tydiqa/tydiqa-goldp-v1.1-dev/tydiqa-goldp-dev-{code}.json'}),
    hub=HubSource(
        path='google/xtreme', name='tydiqa',
        splits={'train': 'train', 'dev': 'validation', 'test': 'validation'},
        convert=hub_xtreme.tydiqa, revision=XTREME_REVISION,
        note='One config mixing all nine languages in train and validation; the converter keeps '
             'the requested language by id prefix (the train split is NOT English-only).'),
))

register(Task(
    name='bucc2018', xtreme_name='BUCC', category='retrieval', format='retrieval',
    metric='bucc_f1', languages=languages.BUCC, splits=('dev', 'test'), max_seq_length=512,
    local=LocalSource(
        reader=bucc.read_bucc,
        paths={s: tuple(f'bucc2018/{{lang}}-en.{part}.{ext}' for ext in ('{lang}', 'en', 'gold'))
               for s, part in (('dev', 'sample'), ('test', 'training'))}),
    hub=HubSource(
        path='google/xtreme', name='bucc18.{lang}', splits={'dev': 'validation', 'test': 'test'},
        convert=hub_xtreme.bucc, revision=XTREME_REVISION,
        note='The hub copy holds only the gold pairs, without the distractor sentences of the '
             'BUCC corpora (and without their ids): mining is trivially easier and F1 is not '
             'comparable to XTREME. Use the local BUCC 2018 files for real numbers.'),
))

register(Task(
    name='tatoeba', xtreme_name='Tatoeba', category='retrieval', format='retrieval',
    metric='accuracy', languages=languages.XTREME_R['tatoeba'], splits=('test',),
    max_seq_length=512,
    file_codes=languages.TATOEBA_ISO3,
    local=LocalSource(
        reader=tatoeba.read_tatoeba,
        paths={'test': ('tatoeba/tatoeba.{code}-eng.{code}', 'tatoeba/tatoeba.{code}-eng.eng')}),
    hub=HubSource(
        path='google/xtreme', name='tatoeba.{code}', splits={'test': 'validation'},
        convert=hub_xtreme.tatoeba, revision=XTREME_REVISION, languages=languages.TATOEBA,
        note='Aligned pairs (hub split validation); the converter applies the same '
             'alphabetical shuffle of the English side as the local reader.'),
))
