"""The downloader against a loopback server serving the original releases rebuilt from the
fixtures: the result is the fixture layout; downloads resume; corruption, 404s and a missing
network fail in one line naming data set and file or URL; nothing half-written is ever read."""

import io
import os
import shutil
import socket
import sys
import urllib.parse
import zipfile

import pytest

from xstilts_jax.data import download, releases
from xstilts_jax.data.unpack import UnpackError, unpack
from xstilts_jax.tasks import registry
from xstilts_jax.tasks.load import FIXTURES_DIR, load_examples

sys.path.insert(0, os.path.dirname(__file__))
import loopback_server  # noqa: E402
import release_archives  # noqa: E402

ORIGINALS = release_archives.build()
# The archives rebuilt from the fixtures are not the real files: the tests run on the table
# without its pins (`unpinned`), except where they test the pins.
PINNED = releases.RELEASES
UNPINNED = releases.pinned(PINNED, {f.filename: None for r in PINNED for f in r.files})


def _path(url):
  parts = urllib.parse.urlsplit(url)
  return f'/{parts.netloc}{parts.path}'


@pytest.fixture(scope='module', autouse=True)
def unpinned():
  with pytest.MonkeyPatch.context() as patch:
    patch.setattr(releases, 'RELEASES', UNPINNED)
    yield


@pytest.fixture(scope='module')
def server():
  srv = loopback_server.LoopbackServer()
  srv.files.update({_path(url): data for url, data in ORIGINALS.items()})
  yield srv
  srv.stop()


@pytest.fixture
def fresh(server):
  server.reset()
  yield server
  server.files.update({_path(url): data for url, data in ORIGINALS.items()})


def _get(dest, tasks=None, server=None, **kwargs):
  kwargs.setdefault('retries', 0)
  statuses = download.download(dest, tasks, mirror=server.url, progress=False, timeout=10,
                               **kwargs)
  return {s['name']: s for s in statuses}


@pytest.fixture(scope='module')
def downloaded(server, tmp_path_factory):
  dest = str(tmp_path_factory.mktemp('data'))
  server.reset()
  return dest, _get(dest, server=server)


def _tree(root):
  out = {}
  for base, dirs, names in os.walk(root):
    dirs[:] = [d for d in dirs if d != download.PARTIAL]
    for name in names:
      path = os.path.join(base, name)
      relative = os.path.relpath(path, root).replace(os.sep, '/')
      if relative != download.MANIFEST:
        with open(path, 'rb') as f:
          out[relative] = f.read()
  return out


def test_every_release_unpacks_to_the_fixture_layout(downloaded):
  dest, statuses = downloaded
  # Mewsli-X's WikiNews mentions cannot be fetched as files: the table says how to make them.
  assert 'get-mewsli-x.sh' in statuses['mewslix']['notice']
  assert 'get-mewsli-x.sh' in download.format_table(list(statuses.values()))
  assert not any(s.get('notice') for n, s in statuses.items() if n != 'mewslix')
  mewslix, = [r for r in releases.RELEASES if r.name == 'mewslix']
  assert not download._notice_applies(mewslix, os.path.join(FIXTURES_DIR, 'mewslix'))
  downloadable = [r.name for r in releases.RELEASES if not r.manual]
  assert {n: statuses[n]['state'] for n in downloadable} == dict.fromkeys(downloadable,
                                                                         'downloaded')
  assert statuses['ccg']['state'] == statuses['mlm']['state'] == 'missing'
  want, got = release_archives.fixture_tree(), _tree(dest)
  assert sorted(got) == sorted(want)  # no junk, nothing left out
  assert [p for p in want if got[p] != want[p]] == []
  assert not os.path.exists(os.path.join(dest, download.PARTIAL))  # staging, archives gone


def _cases():
  for task in registry.all_tasks().values():
    if task.name in ('ccg', 'mlm') or task.local is None:
      continue
    for split in task.splits:
      for lang in ((task.train_language,) if split == 'train' else task.languages):
        yield task.name, split, lang


def test_the_readers_load_the_same_examples_as_from_the_fixtures(downloaded):
  dest, _ = downloaded
  failing = set()
  not_files = {tuple(who) for r in releases.RELEASES for who in r.absent if r.notice}
  for name, split, lang in _cases():
    if (name, split, lang) in not_files:  # Mewsli-X's WikiNews mentions: rebuilt by hand
      load_examples(name, split, lang, source='local', data_dir=FIXTURES_DIR)
      with pytest.raises(FileNotFoundError, match='wikinews_mentions'):
        load_examples(name, split, lang, source='local', data_dir=dest)
      continue
    try:
      want = load_examples(name, split, lang, source='local', data_dir=FIXTURES_DIR)
    except (FileNotFoundError, ValueError) as e:
      failing.add((name, split, lang))
      with pytest.raises(type(e)):  # the downloaded copy fails the same way
        load_examples(name, split, lang, source='local', data_dir=dest)
      continue
    assert load_examples(name, split, lang, source='local', data_dir=dest) == want, \
        (name, split, lang)
  # Only what the releases lack (UD v2.5 dev of kk, th, tl, yo) or what is English only
  # (XQuAD's dev is SQuAD's) fails.
  # LAReQA's dev is SQuAD's (English) too.
  assert failing == ({('udpos', 'dev', lang) for lang in ('kk', 'th', 'tl', 'yo')}
                     | {(task, 'dev', lang) for task in ('xquad', 'lareqa')
                        for lang in registry.get_task(task).languages if lang != 'en'})
  assert len(not_files) == 22


def test_a_later_run_verifies_and_fetches_nothing(downloaded, server, capsys):
  dest, _ = downloaded
  server.reset()
  code = download.main(['--dest', dest, '--mirror', server.url, '--no-progress'])
  table = capsys.readouterr().out
  assert code == 0 and server.requests == []
  assert table.splitlines()[2].split()[:3] == ['xnli', 'xnli', 'present']
  assert 'ccg: CCGbank is licensed by the LDC' in table


def test_an_interrupted_download_resumes_with_a_range_request(fresh, tmp_path):
  dest = str(tmp_path)
  url = 'https://rajpurkar.github.io/SQuAD-explorer/dataset/train-v1.1.json'
  body = ORIGINALS[url]
  fresh.cut[_path(url)] = len(body) // 2
  first = _get(dest, ['squad_v1'], fresh)['squad']
  assert first['state'] == 'error'
  assert first['detail'].startswith(f'squad: {fresh.url}/rajpurkar.github.io/SQuAD-explorer/'
                                    'dataset/train-v1.1.json: connection broken after ')
  assert 'run again to resume' in first['detail']
  part = os.path.join(dest, download.PARTIAL, 'downloads', 'squad', 'train-v1.1.json.part')
  assert os.path.getsize(part) == len(body) // 2
  # Nothing readable yet: the squad folder does not exist.
  assert not os.path.exists(os.path.join(dest, 'squad'))
  with pytest.raises(FileNotFoundError, match='no file matches'):
    load_examples('squad_v1', 'train', source='local', data_dir=dest)

  fresh.requests.clear()
  assert _get(dest, ['squad_v1'], fresh)['squad']['state'] == 'downloaded'
  assert fresh.requests[0] == (_path(url), f'bytes={len(body) // 2}-')
  with open(os.path.join(dest, 'squad', 'train-v1.1.json'), 'rb') as f:
    assert f.read() == body
  assert load_examples('squad_v1', 'train', source='local', data_dir=dest) == \
      load_examples('squad_v1', 'train', source='local')


def test_a_file_changed_on_the_server_is_fetched_whole_not_spliced(fresh, tmp_path):
  """The resumed request carries If-Range with the first response's ETag; the server's file
  changed meanwhile, so it answers with the whole new file, which replaces the old part."""
  dest = str(tmp_path)
  url = 'https://raw.githubusercontent.com/wilburOne/cosmosqa/master/data/train.csv'
  fresh.cut[_path(url)] = len(ORIGINALS[url]) // 2
  assert _get(dest, ['cosmosqa'], fresh)['cosmosqa']['state'] == 'error'
  changed = ORIGINALS[url].replace(b'rain', b'snow')
  assert changed != ORIGINALS[url]
  fresh.files[_path(url)] = changed
  fresh.requests.clear()
  fresh.if_ranges.clear()
  assert _get(dest, ['cosmosqa'], fresh)['cosmosqa']['state'] == 'downloaded'
  assert fresh.requests[0] == (_path(url), f'bytes={len(ORIGINALS[url]) // 2}-')
  assert fresh.if_ranges[0] == loopback_server.etag_of(ORIGINALS[url])
  with open(os.path.join(dest, 'cosmosqa', 'train.csv'), 'rb') as f:
    assert f.read() == changed
  assert not os.path.exists(os.path.join(dest, download.PARTIAL))  # validator removed too


def test_within_one_run_a_retry_resumes(fresh, tmp_path):
  url = 'https://dl.fbaipublicfiles.com/anli/anli_v1.0.zip'
  fresh.cut[_path(url)] = 1000
  assert _get(str(tmp_path), ['anli'], fresh, retries=1)['anli']['state'] == 'downloaded'
  assert [r for p, r in fresh.requests if p == _path(url)] == [None, 'bytes=1000-']


def test_a_server_ignoring_range_restarts_the_file_cleanly(fresh, tmp_path):
  dest = str(tmp_path)
  url = 'https://s3.amazonaws.com/commensenseqa/train_rand_split.jsonl'
  part = os.path.join(dest, download.PARTIAL, 'downloads', 'commonsenseqa',
                      'train_rand_split.jsonl.part')
  os.makedirs(os.path.dirname(part))
  with open(part, 'wb') as f:
    f.write(b'stale bytes of another version')
  fresh.ignore_range.add(_path(url))
  assert _get(dest, ['commonsenseqa'], fresh)['commonsenseqa']['state'] == 'downloaded'
  assert (_path(url), 'bytes=30-') in fresh.requests
  with open(os.path.join(dest, 'commonsenseqa', 'train_rand_split.jsonl'), 'rb') as f:
    assert f.read() == ORIGINALS[url]


def test_a_pinned_sha256_mismatch_names_file_and_data_set(fresh, tmp_path):
  """The shipped pins are those of the real Cosmos QA files, not of the fixture's."""
  dest = str(tmp_path)
  status = _get(dest, ['cosmosqa'], fresh, releases=PINNED)['cosmosqa']
  assert status['state'] == 'error'
  assert status['detail'].startswith(f'cosmosqa: train.csv from {fresh.url}/')
  assert (f'is not the {releases.PINS["train.csv"]} pinned in xstilts_jax/data/'
          'releases.sha256') in status['detail']
  assert not os.path.exists(os.path.join(dest, 'cosmosqa'))
  assert not os.path.exists(os.path.join(dest, download.PARTIAL, 'downloads', 'cosmosqa',
                                         'train.csv'))  # removed: the next run fetches again


def test_every_pin_names_one_file_of_the_table():
  names = [f.filename for r in PINNED for f in r.files]
  # A pin is keyed by file name, so it must name one file (XTREME's translation files repeat
  # names across data sets: XNLI's and PAWS-X's en-de-translated.tsv; none has a pin).
  assert [n for n in releases.PINS if names.count(n) != 1] == []
  assert set(releases.PINS) <= set(names)
  translations = [f for r in PINNED if r.folder.startswith('xtreme_translations/')
                  for f in r.files]
  assert len(translations) == 48 and all(f.sha256 is None for f in translations)
  assert sorted(f.filename for r in PINNED for f in r.files
                if f.sha256 is None and f not in translations) == sorted([
      'ud-treebanks-v2.7.tgz', 'panx_dataset.tar', 'xquad.ro.json', 'xquad.ru.json',
      'tydiqa-goldp-v1.1-dev.tgz', 'tatoeba.tel-eng.tel', 'tatoeba.tel-eng.eng',
      *(f'tatoeba.{c}-eng.{e}' for c in ('aze', 'lit', 'pol', 'ron', 'ukr') for e in (c, 'eng')),
      'xcopa-master.zip', 'COPA.zip', 'mewsli-x_20220518_6.zip', 'lareqa-master.zip',
      'anli_v1.0.zip'])  # XTREME-R's additions: no recorded hash could be checked offline


def test_a_file_changed_after_download_fails_the_next_run(fresh, tmp_path, capsys):
  dest = str(tmp_path)
  assert _get(dest, ['hellaswag'], fresh)['hellaswag']['state'] == 'downloaded'
  path = os.path.join(dest, 'hellaswag', 'hellaswag_val.jsonl')
  with open(path, 'r+b') as f:  # same size, one byte changed
    first = f.read(1)
    f.seek(0)
    f.write(b'X' if first != b'X' else b'Y')
  args = ['--dest', dest, '--mirror', fresh.url, '--tasks', 'hellaswag', '--no-progress']
  assert download.main(args + ['--check', '--quick']) == 0  # sizes only: same size passes
  assert download.main(args + ['--check']) == 1
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and err[0].startswith(
      'error: hellaswag: hellaswag/hellaswag_val.jsonl changed after download: sha256 ')
  assert 'MANIFEST.json' in err[0]
  assert download.main(args + ['--force']) == 0  # downloads again, replaces when complete
  assert download.main(args + ['--check']) == 0


def test_a_404_names_the_data_set_and_the_url(fresh, tmp_path):
  dest = str(tmp_path)
  url = 'https://dl.fbaipublicfiles.com/glue/data/QQP-clean.zip'
  del fresh.files[_path(url)]
  status = _get(dest, ['qqp'], fresh)['qqp']
  assert status['detail'] == (f'qqp: {fresh.url}/dl.fbaipublicfiles.com/glue/data/'
                              'QQP-clean.zip returned HTTP 404 Not Found (the release moved? '
                              'its entry is in xstilts_jax/data/releases.py)')
  assert not os.path.exists(os.path.join(dest, 'glue', 'QQP'))
  with pytest.raises(FileNotFoundError):
    load_examples('qqp', 'train', source='local', data_dir=dest)


def test_no_network_names_the_url_and_the_hub_path(tmp_path):
  with socket.socket() as s:  # a port nothing listens on
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
  statuses = download.download(str(tmp_path), ['cosmosqa'], mirror=f'http://127.0.0.1:{port}',
                               progress=False, timeout=10)
  detail = statuses[0]['detail']
  assert detail.startswith(f'cosmosqa: cannot reach http://127.0.0.1:{port}/'
                           'raw.githubusercontent.com/wilburOne/cosmosqa/master/data/train.csv')
  assert detail.endswith('--config.data.source=hub')


def test_a_release_missing_a_file_is_never_placed(fresh, tmp_path):
  """MLQA_V1.zip without one test file unpacks (the others are in staging) but the folder
  never appears, so no reader sees the incomplete data set."""
  dest = str(tmp_path)
  url = 'https://dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip'
  with zipfile.ZipFile(io.BytesIO(ORIGINALS[url])) as zf:
    members = {n: zf.read(n) for n in zf.namelist()
               if n != 'MLQA_V1/test/test-context-zh-question-zh.json'}
  buffer = io.BytesIO()
  with zipfile.ZipFile(buffer, 'w') as zf:
    for name, data in members.items():
      zf.writestr(name, data)
  fresh.files[_path(url)] = buffer.getvalue()
  status = _get(dest, ['mlqa'], fresh)['mlqa']
  assert status['detail'] == ('mlqa: the release unpacked without '
                              'mlqa/MLQA_V1/test/test-context-zh-question-zh.json (mlqa test zh);'
                              ' its layout differs from what the readers expect')
  assert os.path.exists(os.path.join(dest, download.PARTIAL, 'staging', 'mlqa', 'MLQA_V1',
                                     'test', 'test-context-de-question-de.json'))
  assert not os.path.exists(os.path.join(dest, 'mlqa'))
  with pytest.raises(FileNotFoundError):
    load_examples('mlqa', 'test', 'de', source='local', data_dir=dest)


def test_a_folder_placed_by_other_means_is_left_alone(fresh, tmp_path, capsys):
  dest = str(tmp_path)
  args = ['--dest', dest, '--mirror', fresh.url, '--tasks', 'cosmosqa', '--no-progress']
  assert download.main(args + ['--check']) == 1  # missing
  shutil.copytree(os.path.join(FIXTURES_DIR, 'cosmosqa'), os.path.join(dest, 'cosmosqa'))
  assert download.main(args) == 0 and fresh.requests == []
  assert 'cosmosqa: not downloaded by this tool: not verified' in capsys.readouterr().out
  os.remove(os.path.join(dest, 'cosmosqa', 'valid.csv'))
  assert download.main(args) == 1 and fresh.requests == []
  assert ('cosmosqa: not downloaded by this tool: not verified; missing cosmosqa/valid.csv '
          '(cosmosqa dev en)') in capsys.readouterr().out


def test_ccgbank_is_checked_not_downloaded(tmp_path):
  dest = str(tmp_path)
  status = download.download(dest, ['ccg'], check_only=True, progress=False)[0]
  assert status['state'] == 'missing' and 'LDC2005T13' in status['detail']
  shutil.copytree(os.path.join(FIXTURES_DIR, 'ccg', 'ccgbank'),
                  os.path.join(dest, 'ccg', 'ccgbank'))
  status = download.download(dest, ['ccg'], check_only=True, progress=False)[0]
  assert status['state'] == 'partial'
  assert status['detail'].startswith('missing ccg/labels.txt (ccg train en)')
  shutil.copy(os.path.join(FIXTURES_DIR, 'ccg', 'labels.txt'),
              os.path.join(dest, 'ccg', 'labels.txt'))
  assert download.main(['--dest', dest, '--tasks', 'ccg', '--check']) == 0
  assert load_examples('ccg', 'dev', source='local', data_dir=dest)


def test_archive_members_cannot_escape_the_folder(tmp_path):
  buffer = io.BytesIO()
  with zipfile.ZipFile(buffer, 'w') as zf:
    zf.writestr('data/../../evil.txt', b'x')
  archive = tmp_path / 'a.zip'
  archive.write_bytes(buffer.getvalue())
  with pytest.raises(UnpackError, match="xnli: a.zip: member 'data/../../evil.txt' points "
                                        'outside the archive folder'):
    unpack(str(archive), 'zip', releases.Unpack(), str(tmp_path / 'out'), label='xnli')
  assert not (tmp_path / 'evil.txt').exists()


def test_task_names_select_every_data_set_they_read():
  names = [r.name for r in download.select(['xquad', 'anli_plus'])]
  assert names == ['xquad', 'squad', 'mnli', 'snli', 'anli']
  with pytest.raises(download.DownloadError, match="unknown task or data set 'xnl'"):
    download.select(['xnl'])


def test_the_readme_table_is_the_release_table():
  readme = os.path.join(os.path.dirname(__file__), '..', '..', 'README.md')
  with open(readme, encoding='utf-8') as f:
    assert download.markdown_table() in f.read()
