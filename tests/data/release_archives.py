"""The original releases, rebuilt from the shipped fixtures in their own archive formats and
nesting, keyed by their original URLs (written out here, independently of the download table).

Each archive also carries what the real one carries beside the files our readers read
(macOS junk, UD's text files, MLQA-like extra members, PAN-X languages outside XTREME), which
the downloader must leave out: the unpacked tree must equal the fixture tree exactly.
"""

import glob
import io
import os
import tarfile
import zipfile

from xstilts_jax.tasks.load import FIXTURES_DIR


def _files(folder):
  """{path relative to the fixture folder `folder`: bytes}."""
  root = os.path.join(FIXTURES_DIR, folder)
  out = {}
  for path in sorted(glob.glob(os.path.join(root, '**', '*'), recursive=True)):
    if os.path.isfile(path):
      with open(path, 'rb') as f:
        out[os.path.relpath(path, root).replace(os.sep, '/')] = f.read()
  return out


def _zip(members):
  buffer = io.BytesIO()
  with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as zf:
    for name, data in members.items():
      zf.writestr(name, data)
  return buffer.getvalue()


def _tar(members, compression=''):
  buffer = io.BytesIO()
  with tarfile.open(fileobj=buffer, mode=f'w:{compression}') as tar:
    for name, data in members.items():
      info = tarfile.TarInfo(name)
      info.size, info.mtime = len(data), 1_600_000_000
      tar.addfile(info, io.BytesIO(data))
  return buffer.getvalue()


def _under(prefix, files):
  return {f'{prefix}{name}': data for name, data in files.items()}


def build() -> dict:
  """{original URL: bytes} for every downloadable release."""
  urls = {}
  xnli = _files('xnli')
  urls['https://dl.fbaipublicfiles.com/XNLI/XNLI-1.0.zip'] = _zip({
      **{n: d for n, d in xnli.items() if n.startswith('XNLI-1.0/')},
      '__MACOSX/XNLI-1.0/._xnli.dev.tsv': b'\0\5\26\7 macOS resource fork'})
  urls['https://dl.fbaipublicfiles.com/XNLI/XNLI-MT-1.0.zip'] = _zip(
      {n: d for n, d in xnli.items() if n.startswith('XNLI-MT-1.0/')})
  urls['https://storage.googleapis.com/paws/pawsx/x-final.tar.gz'] = _tar(_files('pawsx'), 'gz')
  ud = _files('udpos')
  ud['ud-treebanks-v2.5/UD_English-EWT/en_ewt-ud-test.txt'] = b'raw text, not read\n'
  ud['ud-treebanks-v2.5/UD_English-EWT/LICENSE.txt'] = b'CC BY-SA 4.0\n'
  ud['ud-treebanks-v2.5/UD_Czech-PDT/cs_pdt-ud-test.conllu'] = ud[  # not an XTREME language
      'ud-treebanks-v2.5/UD_German-GSD/de_gsd-ud-test.conllu']
  v25 = {n: d for n, d in ud.items() if n.startswith('ud-treebanks-v2.5/')}
  urls['https://lindat.mff.cuni.cz/repository/xmlui/bitstream/handle/11234/1-3105/'
       'ud-treebanks-v2.5.tgz'] = _tar(v25, 'gz')
  # UD v2.7 holds every language again: only XTREME-R's five added ones are taken from it.
  v27 = {n: d for n, d in ud.items() if n.startswith('ud-treebanks-v2.7/')}
  v27['ud-treebanks-v2.7/UD_English-EWT/en_ewt-ud-test.conllu'] = ud[
      'ud-treebanks-v2.5/UD_German-GSD/de_gsd-ud-test.conllu']
  urls['https://lindat.mff.cuni.cz/repository/xmlui/bitstream/handle/11234/1-3424/'
       'ud-treebanks-v2.7.tgz'] = _tar(v27, 'gz')
  # PAN-X: panx_dataset.tar holds <lang>.tar.gz, each with train/dev/test.
  by_lang = {}
  for name, data in _files('panx/panx_dataset').items():
    lang, split = name.rsplit('-', 1)
    by_lang.setdefault(lang, {})[split] = data
  by_lang['ace'] = {s: b'ace:Aceh\tB-LOC\n\n' for s in ('train', 'dev', 'test')}  # not XTREME's
  urls['https://www.dropbox.com/s/dl/12h3qqog6q4bjve/panx_dataset.tar'] = _tar(
      {f'{lang}.tar.gz': _tar(splits, 'gz') for lang, splits in by_lang.items()})
  for name, data in _files('xquad').items():
    urls[f'https://raw.githubusercontent.com/deepmind/xquad/master/{name}'] = data
  urls['https://dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip'] = _zip(_files('mlqa'))
  tydiqa = _files('tydiqa')
  urls['https://storage.googleapis.com/tydiqa/v1.1/tydiqa-goldp-v1.1-train.json'] = \
      tydiqa.pop('tydiqa-goldp-v1.1-train.json')
  urls['https://storage.googleapis.com/tydiqa/v1.1/tydiqa-goldp-v1.1-dev.tgz'] = _tar(tydiqa, 'gz')
  # BUCC: bucc2018-<lang>-en.<part>-gold.tar.bz2 holds bucc2018/<lang>-en/<lang>-en.<part>.*
  bucc = _files('bucc2018')
  for lang in ('de', 'fr', 'ru', 'zh'):
    for part in ('sample', 'training'):
      members = {f'bucc2018/{lang}-en/{n}': d for n, d in bucc.items()
                 if n.startswith(f'{lang}-en.{part}.')}
      urls[f'https://comparable.limsi.fr/bucc2018/bucc2018-{lang}-en.{part}-gold.tar.bz2'] = \
          _tar(members, 'bz2')
  for name, data in _files('tatoeba').items():
    urls['https://raw.githubusercontent.com/facebookresearch/LASER/main/data/tatoeba/v1/'
         f'{name}'] = data
  for name, data in _files('squad').items():
    urls[f'https://rajpurkar.github.io/SQuAD-explorer/dataset/{name}'] = data
  for name, zip_name in (('MNLI', 'MNLI.zip'), ('QQP', 'QQP-clean.zip')):
    urls[f'https://dl.fbaipublicfiles.com/glue/data/{zip_name}'] = _zip(
        _under(f'{name}/', _files(f'glue/{name}')))
  snli = _files('snli')
  snli['snli_1.0/snli_1.0_train.txt'] = b'the same pairs as text, not read\n'
  snli['__MACOSX/snli_1.0/._snli_1.0_train.jsonl'] = b'\0\5\26\7'
  urls['https://nlp.stanford.edu/projects/snli/snli_1.0.zip'] = _zip(snli)
  urls['https://dl.fbaipublicfiles.com/anli/anli_v1.0.zip'] = _zip(_files('anli'))
  for name, data in _files('hellaswag').items():
    urls[f'https://raw.githubusercontent.com/rowanz/hellaswag/master/data/{name}'] = data
  for name, data in _files('cosmosqa').items():
    urls[f'https://raw.githubusercontent.com/wilburOne/cosmosqa/master/data/{name}'] = data
  for name, data in _files('commonsenseqa').items():
    urls[f'https://s3.amazonaws.com/commensenseqa/{name}'] = data
  # XTREME-R: XCOPA's and LAReQA's repository archives (<repo>-master/...), SuperGLUE's
  # COPA.zip, the Mewsli-X archive (WikiNews mentions without their text: not read).
  xcopa = _under('xcopa-master/', _files('xcopa'))
  xcopa['xcopa-master/data-gmt/it/test.it.jsonl'] = b'{"premise": "machine translated"}\n'
  xcopa['xcopa-master/README.md'] = b'# XCOPA\n'
  urls['https://github.com/cambridgeltl/xcopa/archive/master.zip'] = _zip(xcopa)
  copa = _under('COPA/', _files('copa'))
  copa['COPA/test.jsonl'] = b'{"premise": "no label", "idx": 0}\n'
  urls['https://dl.fbaipublicfiles.com/glue/superglue/data/v2/COPA.zip'] = _zip(copa)
  mewslix = {n: d for n, d in _files('mewslix').items() if '/' not in n}
  mewslix['wikinews_mentions_no_text-test.jsonl'] = b'{"context": {"text": ""}}\n'
  urls['https://storage.googleapis.com/gresearch/mewsli/mewsli-x_20220518_6.zip'] = _zip(mewslix)
  lareqa = _under('lareqa-master/', _files('lareqa'))
  lareqa['lareqa-master/mlqa-r/de.json'] = b'{"data": []}\n'
  lareqa['lareqa-master/LICENSE'] = b'CC BY-SA 4.0\n'
  urls['https://github.com/google-research-datasets/lareqa/archive/master.zip'] = _zip(lareqa)
  # XTREME's translate-train files: plain files in the bucket's own layout.
  for name, data in _files('xtreme_translations').items():
    urls[f'https://storage.googleapis.com/xtreme_translations/{name}'] = data
  return urls


# Not downloadable as files: Mewsli-X's WikiNews mentions (rebuilt from dumps by its script).
NOT_DOWNLOADED = ('mewslix/wikinews_mentions/', 'mewslix/wikinews_labels/')


def fixture_tree(exclude=('ccg', 'mlm')) -> dict:
  """{path under the data dir: bytes} of every fixture file of the downloadable data sets."""
  return {name: data for name, data in _files('').items()
          if name.split('/')[0] not in exclude and not name.startswith(NOT_DOWNLOADED)}
