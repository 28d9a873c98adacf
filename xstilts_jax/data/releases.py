"""Where every data set of the project comes from: one `Release` per data set, as data.

A release lists the files to fetch (`Download`: URL, kind, optional pinned sha256) and what to
take out of each (`Unpack`: member globs, leading parts to strip, where to put them), so that
the data set's `folder` under the data dir holds exactly the layout the task registry reads
(`tasks/xtreme.py`, `intermediate.py`, `mlm.py`; the shipped `tasks/fixtures/` mirror it).
`download.py` is the generic engine (fetch, verify, unpack, check, place).

Where XTREME's `scripts/download_data.sh` post-processes a release, the readers read the raw
files instead (PAN-X prefixes, BUCC ids, Tatoeba order, UD fused forms), so the only
rearranging left is unpacking: PAN-X's per-language archives (`<lang>.tar.gz` inside
`panx_dataset.tar`, each holding `train`, `dev`, `test`) become `panx_dataset/<lang>-<split>`
as XTREME's script names them, and BUCC's `bucc2018/<lang>-en/` folders are flattened.

Choices where the original source is gone or awkward:
  PAN-X     the Dropbox copy of Rahimi et al.'s `panx_dataset.tar` named in XTREME issue 101
            (`/s/dl/` form; the Amazon Cloud Drive share of the script is dead).
  Tatoeba   the 72 files of LASER `data/tatoeba/v1` one by one from raw.githubusercontent.com
            (XTREME downloads the whole LASER repository zip for them).
  Cosmos QA the release's own CSVs in github.com/wilburOne/cosmosqa (`data/`); the hub copy is
            a loading script that `datasets` >= 4 refuses.
  MLM text  no plain-file release is fetched: the one plain-text source at hand, CC-100
            (data.statmt.org/cc-100/<lang>.txt.xz, XLM-R's own corpus), is tens of GB per
            large language and has no dev split. Put text at `mlm/{train,dev}/<lang>.txt`
            (a decompressed CC-100 file fits as is) or use the hub (Wikipedia).
  CCGbank   licensed (LDC2005T13): placed by hand, checked by the tool.

`size` is the approximate download size (for the README and the closing table); the exact
sizes and sha256 of what was fetched are recorded in DEST/MANIFEST.json. `releases.sha256`
pins the sha256 of most fetched files (`Download.sha256`, by file name), as recorded by
huggingface/datasets for the same URLs; PAN-X, ANLI v1.0, the TyDiQA dev archive,
xquad.ru.json and Tatoeba's Telugu pair have no recorded hash and are not pinned; nor are
XTREME-R's additions (UD v2.7, XCOPA's and LAReQA's branch archives, COPA, Mewsli-X,
xquad.ro.json, the five added Tatoeba pairs): no recorded hash could be checked offline.

XTREME-R: UD v2.7 is a second archive of the `udpos` data set (`udpos/ud-treebanks-v2.7/`,
the five added languages only); PAN-X, XQuAD and Tatoeba fetch their added languages;
`xcopa`, `copa`, `mewslix` and `lareqa` are new. Mewsli-X's WikiNews text cannot be
downloaded as files (`Release.notice` says how to rebuild it).
"""

import dataclasses
import os
from typing import Optional, Sequence

from xstilts_jax.tasks import languages as L

KINDS = ('file', 'zip', 'tar')  # 'tar' is any tarfile compression (gz, bz2, xz, none)
JUNK = ('__MACOSX/*', '*/.DS_Store', '.DS_Store', '*/._*', '._*')


@dataclasses.dataclass(frozen=True)
class Unpack:
  """Which archive members to keep and where.

  A member (a regular file) is kept when its path matches a glob of `members` (fnmatch: `*`
  also crosses `/`) and none of `exclude`; its first `strip` path parts are dropped (tar's
  --strip-components) and it is written to `into/<rename>` under the data set's folder, where
  `rename` formats `{path}` (the rest) and `{stem}` (the archive's name without `.tar.gz`,
  `.zip`, ...). `nested`: the kept members are archives themselves, each unpacked by that
  inner `Unpack`.
  """
  members: Sequence[str] = ('*',)
  strip: int = 0
  into: str = ''
  exclude: Sequence[str] = JUNK
  rename: str = '{path}'
  nested: Optional['Unpack'] = None


@dataclasses.dataclass(frozen=True)
class Download:
  """One file to fetch. kind 'file' is placed as is at `into/<name>` (`name`: the URL's last
  part unless given); 'zip' and 'tar' are unpacked by `unpack`. `sha256` pins the fetched
  file's hash (checked at download)."""
  url: str
  kind: str = 'file'
  unpack: Unpack = Unpack()
  name: str = ''
  sha256: Optional[str] = None

  def __post_init__(self):
    if self.kind not in KINDS:
      raise ValueError(f'{self.url}: kind {self.kind!r}; expected one of {KINDS}')

  @property
  def filename(self) -> str:
    return self.name or self.url.rstrip('/').rsplit('/', 1)[-1]


@dataclasses.dataclass(frozen=True)
class Release:
  """A data set: it appears at `folder` under the data dir, complete, or not at all.

  `absent`: (task, split, lang) files the release itself lacks (UD v2.5 has no dev set for
  some languages), so their absence is not a failed download. `manual`: the data set is not
  downloadable; the text says where to get it and where to put it. `notice`: a step the tool
  cannot do for a data set it downloads (Mewsli-X's WikiNews text), shown in the closing table.
  """
  name: str
  folder: str
  homepage: str
  licence: str
  size: str  # approximate download size, '' for manual data sets
  files: Sequence[Download] = ()
  absent: Sequence[tuple] = ()
  manual: str = ''
  notice: str = ''


_GLUE = 'https://dl.fbaipublicfiles.com/glue/data'
_LASER = 'https://raw.githubusercontent.com/facebookresearch/LASER/main/data/tatoeba/v1'
_SQUAD = 'https://rajpurkar.github.io/SQuAD-explorer/dataset'
_XT = 'xtreme_translations'  # the bucket's name, also our folder
_XT_URL = 'https://storage.googleapis.com/xtreme_translations'
_XT_HOME = 'https://github.com/google-research/xtreme#translations'
_UD = ('https://lindat.mff.cuni.cz/repository/xmlui/bitstream/handle/11234/1-3105/'
       'ud-treebanks-v2.5.tgz')
_UD27 = ('https://lindat.mff.cuni.cz/repository/xmlui/bitstream/handle/11234/1-3424/'
         'ud-treebanks-v2.7.tgz')
_MEWSLIX = 'https://storage.googleapis.com/gresearch/mewsli/mewsli-x_20220518_6.zip'
_MEWSLIX_TEXT = (
    "Mewsli-X's WikiNews mentions are released without their article text: rebuild them "
    'with the dataset\'s own script (github.com/google-research/google-research, '
    'dense_representations_for_entity_retrieval/mel: bash get-mewsli-x.sh), then shard them '
    "as XTREME-R does (its utils_preprocess.py --task mewslix --data_dir <mel>/mewsli_x/output/"
    'dataset --output_dir {dest}/mewslix) into mewslix/wikinews_mentions/ and '
    'mewslix/wikinews_labels/; the candidate set and the English training pairs are here')

RELEASES = (
    # The nine XTREME targets.
    Release(
        'xnli', 'xnli', 'https://github.com/facebookresearch/XNLI', 'CC BY-NC 4.0', '0.48 GB',
        files=(Download('https://dl.fbaipublicfiles.com/XNLI/XNLI-1.0.zip', 'zip',
                        Unpack(('XNLI-1.0/*',))),
               # MNLI train in XNLI's format (what XTREME trains on) and its translations.
               Download('https://dl.fbaipublicfiles.com/XNLI/XNLI-MT-1.0.zip', 'zip',
                        Unpack(('XNLI-MT-1.0/*',))))),
    Release(
        'pawsx', 'pawsx', 'https://github.com/google-research-datasets/paws/tree/master/pawsx',
        'free for any use, acknowledge Google (PAWS-X terms)', '30 MB',
        files=(Download('https://storage.googleapis.com/paws/pawsx/x-final.tar.gz', 'tar',
                        Unpack(('x-final/*',))),)),
    Release(
        'udpos', 'udpos', 'https://universaldependencies.org', 'per treebank (mostly CC BY-SA '
        '4.0 / CC BY-NC-SA)', '0.75 GB',
        # The treebanks of XTREME's languages only (XTREME converts only those), and from UD
        # v2.7 XTREME-R's five added languages (as its download script).
        files=(Download(_UD, 'tar', Unpack(tuple(f'ud-treebanks-v2.5/UD_*/{lang}_*-ud-*.conllu'
                                                 for lang in L.UDPOS))),
               Download(_UD27, 'tar', Unpack(tuple(
                   f'ud-treebanks-v2.7/UD_*/{lang}_*-ud-*.conllu' for lang in L.UDPOS_V27)))),
        absent=tuple(('udpos', 'dev', lang) for lang in ('kk', 'th', 'tl', 'yo'))),
    Release(
        'panx', 'panx', 'https://github.com/afshinrahimi/mmner', 'not stated (WikiANN, '
        'Pan et al. 2017; splits of Rahimi et al. 2019)', '0.23 GB',
        files=(Download(
            'https://www.dropbox.com/s/dl/12h3qqog6q4bjve/panx_dataset.tar', 'tar',
            Unpack(tuple(p for lang in L.XTREME_R['panx']
                         for p in (f'{lang}.tar.gz', f'*/{lang}.tar.gz')),
                   nested=Unpack(('train', 'dev', 'test'), into='panx_dataset',
                                 rename='{stem}-{path}'))),)),
    Release(
        'xquad', 'xquad', 'https://github.com/google-deepmind/xquad', 'CC BY-SA 4.0', '13 MB',
        files=tuple(Download(f'https://raw.githubusercontent.com/deepmind/xquad/master/'
                             f'xquad.{lang}.json') for lang in L.XTREME_R['xquad'])),
    Release(
        'mlqa', 'mlqa', 'https://github.com/facebookresearch/MLQA', 'CC BY-SA 3.0', '75 MB',
        files=(Download('https://dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip', 'zip',
                        Unpack(('MLQA_V1/*',))),)),
    Release(
        'tydiqa', 'tydiqa', 'https://github.com/google-research-datasets/tydiqa', 'Apache 2.0',
        '60 MB',
        files=(Download('https://storage.googleapis.com/tydiqa/v1.1/tydiqa-goldp-v1.1-train.json'),
               Download('https://storage.googleapis.com/tydiqa/v1.1/tydiqa-goldp-v1.1-dev.tgz',
                        'tar', Unpack(('tydiqa-goldp-v1.1-dev/*',))))),
    Release(
        'bucc2018', 'bucc2018', 'https://comparable.limsi.fr/bucc2018/',
        'not stated (BUCC 2018 shared task)', '0.1 GB',
        files=tuple(Download(f'https://comparable.limsi.fr/bucc2018/bucc2018-{lang}-en.'
                             f'{part}-gold.tar.bz2', 'tar',
                             Unpack(('bucc2018/*',), strip=2))  # bucc2018/<lang>-en/<file>
                    for lang in L.BUCC for part in ('sample', 'training'))),
    Release(
        'tatoeba', 'tatoeba', 'https://github.com/facebookresearch/LASER/tree/main/data/tatoeba/v1',
        'CC BY 2.0 FR', '3 MB',
        files=tuple(Download(f'{_LASER}/tatoeba.{code}-eng.{ext}')
                    for code in (L.TATOEBA_ISO3[lang] for lang in L.XTREME_R['tatoeba'])
                    for ext in (code, 'eng'))),
    # XTREME-R's new tasks. XCOPA: its repository (gold test labels), English COPA (SuperGLUE)
    # for training; Mewsli-X: the candidate set and Wikipedia pairs (`notice`); LAReQA: the
    # XQuAD-R files of its repository (SQuAD v1.1 trains it: the squad data set).
    Release(
        'xcopa', 'xcopa', 'https://github.com/cambridgeltl/xcopa', 'CC BY 4.0', '0.5 MB',
        files=(Download('https://github.com/cambridgeltl/xcopa/archive/master.zip', 'zip',
                        Unpack(('xcopa-master/data/*.jsonl',), strip=1),
                        name='xcopa-master.zip'),)),
    Release(
        'copa', 'copa', 'https://people.ict.usc.edu/~gordon/copa.html', 'BSD 2-Clause',
        '44 KB',
        files=(Download('https://dl.fbaipublicfiles.com/glue/superglue/data/v2/COPA.zip', 'zip',
                        Unpack(('COPA/train.jsonl', 'COPA/val.jsonl'), strip=1)),)),
    Release(
        'mewslix', 'mewslix', 'https://github.com/google-research/google-research/tree/master/'
        'dense_representations_for_entity_retrieval/mel', 'per source: WikiNews CC BY 2.5, '
        'Wikipedia CC BY-SA 3.0', '0.3 GB (estimate)',
        files=(Download(_MEWSLIX, 'zip', Unpack(('candidate_set_entities.jsonl',
                                                 'wikipedia_pairs-train.jsonl',
                                                 'wikipedia_pairs-dev.jsonl'))),),
        absent=tuple(('mewslix', split, lang) for split in ('dev', 'test')
                     for lang in L.XTREME_R['mewslix']),
        notice=_MEWSLIX_TEXT),
    Release(
        'lareqa', 'lareqa', 'https://github.com/google-research-datasets/lareqa',
        'CC BY-SA 4.0', '4 MB',
        files=(Download('https://github.com/google-research-datasets/lareqa/archive/master.zip',
                        'zip', Unpack(('lareqa-master/xquad-r/*.json',), strip=1),
                        name='lareqa-master.zip'),)),
    # XTREME's translate-train files (tasks/translated.py): MNLI, PAWS-X, SQuAD v1.1 train and
    # dev, TyDiQA-GoldP train, machine-translated; the bucket's own layout. No recorded sha256.
    Release(
        'xnli_translate_train', f'{_XT}/XNLI', _XT_HOME, 'CC BY-NC 4.0 (XNLI / MNLI terms)',
        '2 GB (estimate)',
        files=tuple(Download(f'{_XT_URL}/XNLI/translate-train/en-{lang}-translated.tsv',
                             unpack=Unpack(into='translate-train'))
                    for lang in L.XNLI if lang != 'en')),
    Release(
        'pawsx_translate_train', f'{_XT}/PAWSX', _XT_HOME,
        'free for any use, acknowledge Google (PAWS-X terms)', '90 MB (estimate)',
        files=tuple(Download(f'{_XT_URL}/PAWSX/translate-train/en-{lang}-translated.tsv',
                             unpack=Unpack(into='translate-train'))
                    for lang in L.PAWSX if lang != 'en')),
    Release(
        'squad_translate_train', f'{_XT}/SQuAD', _XT_HOME, 'CC BY-SA 4.0 (SQuAD terms)',
        '0.5 GB (estimate)',
        files=tuple(Download(f'{_XT_URL}/SQuAD/translate-{split}/squad.translate.{split}.en-'
                             f'{lang}.json', unpack=Unpack(into=f'translate-{split}'))
                    for split in ('train', 'dev') for lang in L.XQUAD if lang != 'en')),
    Release(
        'tydiqa_translate_train', f'{_XT}/TyDiQA-GoldP', _XT_HOME, 'Apache 2.0 (TyDiQA terms)',
        '25 MB (estimate)',
        files=tuple(Download(f'{_XT_URL}/TyDiQA-GoldP/translate-train/tydiqa.translate.train.en-'
                             f'{lang}.json', unpack=Unpack(into='translate-train'))
                    for lang in L.TYDIQA if lang != 'en')),
    # SQuAD v1.1 and v2.0: the squad_v1/squad_v2 intermediate tasks, XQuAD/MLQA training.
    Release(
        'squad', 'squad', 'https://rajpurkar.github.io/SQuAD-explorer/', 'CC BY-SA 4.0', '82 MB',
        files=tuple(Download(f'{_SQUAD}/{name}') for name in (
            'train-v1.1.json', 'dev-v1.1.json', 'train-v2.0.json', 'dev-v2.0.json'))),
    # The English intermediate tasks.
    Release(
        'mnli', 'glue/MNLI', 'https://cims.nyu.edu/~sbowman/multinli/',
        'OANC / CC BY-SA 3.0 / CC BY 3.0 (per genre)', '0.31 GB',
        files=(Download(f'{_GLUE}/MNLI.zip', 'zip', Unpack(('MNLI/*',), strip=1)),)),
    Release(
        'qqp', 'glue/QQP', 'https://gluebenchmark.com/tasks', 'Quora terms (non-commercial)',
        '42 MB',
        files=(Download(f'{_GLUE}/QQP-clean.zip', 'zip', Unpack(('QQP/*',), strip=1)),)),
    Release(
        'snli', 'snli', 'https://nlp.stanford.edu/projects/snli/', 'CC BY-SA 4.0', '94 MB',
        files=(Download('https://nlp.stanford.edu/projects/snli/snli_1.0.zip', 'zip',
                        Unpack(('snli_1.0/*.jsonl', 'snli_1.0/README.txt'))),)),
    Release(
        'anli', 'anli', 'https://github.com/facebookresearch/anli', 'CC BY-NC 4.0', '19 MB',
        files=(Download('https://dl.fbaipublicfiles.com/anli/anli_v1.0.zip', 'zip',
                        Unpack(('anli_v1.0/*',))),)),
    Release(
        'hellaswag', 'hellaswag', 'https://rowanzellers.com/hellaswag/', 'MIT', '60 MB',
        files=tuple(Download(f'https://raw.githubusercontent.com/rowanz/hellaswag/master/data/'
                             f'hellaswag_{split}.jsonl') for split in ('train', 'val'))),
    Release(
        'cosmosqa', 'cosmosqa', 'https://wilburone.github.io/cosmos/', 'CC BY 4.0', '19 MB',
        files=tuple(Download(f'https://raw.githubusercontent.com/wilburOne/cosmosqa/master/data/'
                             f'{split}.csv') for split in ('train', 'valid'))),
    Release(
        'commonsenseqa', 'commonsenseqa', 'https://www.tau-nlp.org/commonsenseqa', 'MIT', '4 MB',
        files=tuple(Download(f'https://s3.amazonaws.com/commensenseqa/{split}_rand_split.jsonl')
                    for split in ('train', 'dev'))),
    # Not downloadable: checked only.
    Release(
        'ccg', 'ccg', 'https://catalog.ldc.upenn.edu/LDC2005T13', 'LDC User Agreement', '',
        manual='CCGbank is licensed by the LDC (LDC2005T13): unpack it, move or link its '
               'ccgbank_1_1/ folder to {dest}/ccg/ccgbank (so that ccg/ccgbank/data/AUTO/00 '
               'exists), then build the supertag list with `python -m '
               'xstilts_jax.tasks.readers.ccg {dest}/ccg/ccgbank {dest}/ccg/labels.txt`'),
    Release(
        'mlm', 'mlm', 'https://data.statmt.org/cc-100/', 'CC-100: Common Crawl terms', '',
        manual='no plain-text release is downloaded for MLM: put UTF-8 text, one document per '
               'line, at {dest}/mlm/train/<lang>.txt and {dest}/mlm/dev/<lang>.txt (a '
               'decompressed CC-100 <lang>.txt.xz fits as is), or use the hub source '
               '(--config.data.source=hub: Wikipedia)'),
)


def read_pins(path=os.path.join(os.path.dirname(__file__), 'releases.sha256')) -> dict:
  """{file name: sha256} from a `sha256sum` file (`<hash>  <name>` lines, # comments)."""
  pins = {}
  with open(path, encoding='utf-8') as f:
    for lineno, line in enumerate(f, 1):
      if not line.strip() or line.startswith('#'):
        continue
      digest, _, name = line.rstrip('\n').partition('  ')
      if len(digest) != 64 or not name or name in pins:
        raise ValueError(f'{path}:{lineno}: expected "<sha256>  <file name>" once per file, '
                         f'got {line.strip()[:80]!r}')
      pins[name] = digest
  return pins


def pinned(releases, pins) -> tuple:
  """`releases` with `Download.sha256` set from `pins` (by file name)."""
  return tuple(dataclasses.replace(r, files=tuple(
      dataclasses.replace(d, sha256=pins.get(d.filename, d.sha256)) for d in r.files))
      for r in releases)


PINS = read_pins()
RELEASES = pinned(RELEASES, PINS)
