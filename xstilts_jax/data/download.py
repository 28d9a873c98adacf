"""Fetches every public data set of the project into the layout the local readers read.

  python -m xstilts_jax.data.download --dest DIR [--tasks xnli squad_v1 ...]
  xstilts-download --check        # verify what is there, download nothing
  xstilts-download --check --quick   # sizes only (no sha256), for a preflight

Each data set (`releases.RELEASES`) is fetched to DEST/.partial/downloads/ (resumable, see
`fetch.py`), checked against the sha256 its entry may pin, unpacked into a staging folder
DEST/.partial/staging/<name>/, checked for every file the registry's tasks will read, hashed
into DEST/MANIFEST.json, and only then renamed to its folder under DEST: a task's folder
exists complete or not at all, so a reader never meets half a download. Every later run
checks the size and sha256 of each recorded file again. A folder that is already there but
was not written by this tool is left alone (reported as not verified).

`--tasks` takes task names of the registry (`xquad` needs the `xquad` and `squad` data sets)
or data set names; default: all. `--mirror URL` (or $XSTILTS_DOWNLOAD_MIRROR) fetches every
URL `https://host/path` from `URL/host/path` instead (a local mirror; the tests' server).
CCGbank (licensed) and MLM text are not downloaded: the tool says where to put them and
checks that the files their readers need are there.
"""

import argparse
import dataclasses
import datetime
import glob
import hashlib
import json
import os
import shutil
import sys
import urllib.parse
from typing import Optional, Sequence

import requests
import tqdm

from xstilts_jax.data import fetch as fetch_lib
from xstilts_jax.data import releases as releases_lib
from xstilts_jax.data import unpack as unpack_lib
from xstilts_jax.tasks import registry

DEFAULT_DATA_DIR = os.environ.get('XSTILTS_DATA', os.path.expanduser('~/xstilts_data'))
MIRROR_ENV = 'XSTILTS_DOWNLOAD_MIRROR'
MANIFEST = 'MANIFEST.json'
PARTIAL = '.partial'


class DownloadError(Exception):
  """A data set could not be fetched, checked or placed; one line naming it."""


_ERRORS = (DownloadError, fetch_lib.FetchError, unpack_lib.UnpackError)


@dataclasses.dataclass
class _Run:
  dest: str
  manifest: dict
  mirror: str
  session: requests.Session
  check_only: bool
  quick: bool
  force: bool
  keep_archives: bool
  retries: int
  timeout: float
  progress: bool


def download(dest: str = DEFAULT_DATA_DIR, tasks: Optional[Sequence[str]] = None, *,
             mirror: Optional[str] = None, releases=None,
             check_only: bool = False, quick: bool = False, force: bool = False,
             keep_archives: bool = False, retries: int = 2, timeout: float = 60,
             progress: bool = True) -> list:
  """Downloads (or with `check_only`, checks) the data sets of `tasks`; one status dict per
  data set: name, folder, state ('present', 'downloaded', 'missing', 'partial', 'error'),
  files, bytes, detail. Errors do not stop the other data sets. `quick` checks the sizes of
  present files against the manifest, not their sha256 (a preflight in seconds)."""
  dest = os.path.abspath(dest)
  run = _Run(dest=dest, manifest=_read_manifest(dest),
             mirror=mirror if mirror is not None else os.environ.get(MIRROR_ENV, ''),
             session=requests.Session(), check_only=check_only, quick=quick, force=force,
             keep_archives=keep_archives, retries=retries, timeout=timeout, progress=progress)
  statuses = []
  for release in select(tasks, releases):
    status = {'name': release.name, 'folder': release.folder, 'files': 0, 'bytes': 0,
              'detail': ''}
    try:
      status.update(_one(release, run))
    except _ERRORS as e:
      status.update(state='error', detail=str(e))
      print(f'error: {e}', file=sys.stderr)
    else:
      if release.notice and _notice_applies(release, os.path.join(dest, release.folder)):
        status['notice'] = release.notice.format(dest=dest)
      if progress and status['state'] == 'downloaded':
        tqdm.tqdm.write(f'{release.name}: {status["files"]} files, {_size(status["bytes"])}',
                        file=sys.stderr)
    statuses.append(status)
  _tidy(os.path.join(dest, PARTIAL))
  return statuses


def _tidy(partial):
  """Removes the empty folders of DEST/.partial (kept: partial files, failed staging)."""
  for base, _, _ in sorted(os.walk(partial), key=lambda w: -len(w[0])):
    if not os.listdir(base):
      os.rmdir(base)


def select(names: Optional[Sequence[str]], releases=None) -> list:
  """The data sets behind task or data set names (all when `names` is empty), in table order."""
  releases = releases_lib.RELEASES if releases is None else releases
  if not names:
    return list(releases)
  by_name = {r.name: r for r in releases}
  tasks = registry.all_tasks()
  chosen = set()
  for name in names:
    if name in tasks:  # a task (xquad) may also need data sets of other names (squad)
      found = {r.name for r in releases
               if any(_inside(p, r.folder) for p, _ in task_files(tasks[name]))}
      if not found:
        raise DownloadError(f'task {name!r} reads no data set of the download table')
      chosen |= found
    elif name in by_name:
      chosen.add(name)
    else:
      raise DownloadError(f'unknown task or data set {name!r}; data sets: '
                          f'{" ".join(by_name)}; tasks: {" ".join(sorted(tasks))}')
  return [r for r in releases if r.name in chosen]


def task_files(task) -> list:
  """(path relative to the data dir, (task, split, lang)) for every file pattern the task's
  local reader opens: every language, but XTREME tasks train in English only (zero-shot)."""
  if task.local is None:
    return []
  out = []
  splits = list(task.local.paths) + [s for p in task.local.lang_paths.values() for s in p]
  for split in dict.fromkeys(splits):
    zero_shot = split == 'train' and task.xtreme_name
    langs = (task.train_language,) if zero_shot else task.languages
    # A language with paths of its own (XCOPA's English dev: COPA) reads those splits too.
    extra = [l for l, paths in task.local.lang_paths.items() if split in paths]
    for lang in dict.fromkeys((*langs, *extra)):
      patterns = task.local.split_paths(split, lang)
      if patterns is None or (zero_shot and lang != task.train_language):
        continue
      code = task.file_codes.get(lang, lang)
      for pattern in (patterns,) if isinstance(patterns, str) else patterns:
        out.append((pattern.format(lang=lang, code=code, split=split), (task.name, split, lang)))
  return out


def expected_files(release) -> dict:
  """{pattern under the data dir: [(task, split, lang) reading it]} for one data set, minus
  what the release itself lacks (`Release.absent`)."""
  absent = set(map(tuple, release.absent))
  expected = {}
  for task in registry.all_tasks().values():
    for pattern, who in task_files(task):
      if _inside(pattern, release.folder) and who not in absent:
        expected.setdefault(pattern, []).append(who)
  return expected


def _missing(release, root) -> list:
  """Patterns of `release` with no match when its folder is `root`, with who reads them."""
  out = []
  for pattern, readers in expected_files(release).items():
    relative = pattern[len(release.folder) + 1:]
    if not glob.glob(os.path.join(root, relative)):
      out.append((pattern, readers))
  return out


def _one(release, run):
  dest = run.dest
  folder = os.path.join(dest, release.folder)
  if release.manual:
    return _check_manual(release, dest)
  entry = run.manifest['datasets'].get(release.name)
  if os.path.isdir(folder) and not run.force:
    if entry is None:
      missing = _missing(release, folder)
      return dict(state='partial' if missing else 'present', **_disk(folder),
                  detail='not downloaded by this tool: not verified'
                         + (f'; missing {_describe(missing)}' if missing else ''))
    missing = _missing(release, folder)
    if missing:  # the table grew since (XTREME-R's languages): the folder lacks them
      return dict(state='partial', **_disk(folder),
                  detail=f'missing {_describe(missing)}, added to the data set since it was '
                         f'downloaded: run again with --force --tasks {release.name}')
    return dict(state='present', **_verify(release, entry, dest, run.quick),
                detail='sizes checked' if run.quick else 'verified')
  if run.check_only:
    return dict(state='missing', detail=f'run: python -m xstilts_jax.data.download '
                                        f'--dest {dest} --tasks {release.name}')
  return _fetch_and_place(release, run)


def _fetch_and_place(release, run):
  dest, manifest = run.dest, run.manifest
  downloads = os.path.join(dest, PARTIAL, 'downloads', release.name)
  stage = os.path.join(dest, PARTIAL, 'staging', release.name)
  shutil.rmtree(stage, ignore_errors=True)  # a half-unpacked folder of an earlier run
  os.makedirs(stage)
  sources = {}
  for item in release.files:
    url = mirrored(item.url, run.mirror)
    path = os.path.join(downloads, item.filename)
    if not os.path.exists(path):
      fetch_lib.fetch(url, path, label=release.name, session=run.session, retries=run.retries,
                      timeout=run.timeout, progress=run.progress)
    size, digest = _hash(path)
    if item.sha256 and digest != item.sha256.lower():
      os.remove(path)  # so that the next run fetches it again
      raise DownloadError(f'{release.name}: {item.filename} from {url}: sha256 {digest} is not '
                          f'the {item.sha256} pinned in xstilts_jax/data/releases.sha256; the '
                          'download is corrupt or the release changed (removed; run again to '
                          'retry)')
    sources[item.url] = {'size': size, 'sha256': digest}
    if item.kind == 'file':
      target = os.path.join(stage, *item.unpack.into.split('/'), item.filename)
      os.makedirs(os.path.dirname(target), exist_ok=True)
      _link_or_copy(path, target)
    else:
      unpack_lib.unpack(path, item.kind, item.unpack, stage, label=release.name)
  missing = _missing(release, stage)
  if missing:
    raise DownloadError(f'{release.name}: the release unpacked without {_describe(missing)}; '
                        'its layout differs from what the readers expect')
  files = {}
  for path in sorted(_walk(stage)):
    size, digest = _hash(path)
    relative = os.path.relpath(path, stage).replace(os.sep, '/')
    files[f'{release.folder}/{relative}'] = {'size': size, 'sha256': digest}
  folder = os.path.join(dest, release.folder)
  if os.path.isdir(folder):  # --force: the old copy goes only once the new one is complete
    old = os.path.join(dest, PARTIAL, 'replaced', release.name)
    shutil.rmtree(old, ignore_errors=True)
    os.makedirs(os.path.dirname(old), exist_ok=True)
    os.rename(folder, old)
    shutil.rmtree(old)
  # Manifest first: a crash before the rename leaves an entry without a folder, which the
  # next run downloads again; never a folder the manifest cannot verify.
  manifest['datasets'][release.name] = {
      'folder': release.folder, 'downloaded': datetime.datetime.now(
          datetime.timezone.utc).isoformat(timespec='seconds'),
      'sources': sources, 'files': files}
  _write_manifest(dest, manifest)
  os.makedirs(os.path.dirname(folder), exist_ok=True)
  os.rename(stage, folder)
  if not run.keep_archives:
    shutil.rmtree(downloads, ignore_errors=True)
  return dict(state='downloaded', files=len(files),
              bytes=sum(f['size'] for f in files.values()), detail='verified')


def _verify(release, entry, dest, quick=False) -> dict:
  """Size and sha256 (`quick`: size only) of every file the manifest recorded."""
  problems, total = [], 0
  for relative, want in entry['files'].items():
    path = os.path.join(dest, *relative.split('/'))
    if not os.path.isfile(path):
      problems.append(f'{relative} is missing')
      continue
    size, digest = (os.path.getsize(path), None)
    if size == want['size'] and not quick:
      size, digest = _hash(path)
    if size != want['size'] or (not quick and digest != want['sha256']):
      what = f'size {size:,} (recorded {want["size"]:,})' if size != want['size'] \
          else f'sha256 {digest[:12]}... (recorded {want["sha256"][:12]}...)'
      problems.append(f'{relative} changed after download: {what}')
    total += size
  if problems:
    more = f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''
    raise DownloadError(f'{release.name}: {problems[0]}{more}, checked against {MANIFEST}; '
                        f'download it again with --force --tasks {release.name}')
  return {'files': len(entry['files']), 'bytes': total}


def _check_manual(release, dest) -> dict:
  folder = os.path.join(dest, release.folder)
  expected = expected_files(release)
  missing = _missing(release, folder)
  how = release.manual.format(dest=dest)
  if not missing:
    return dict(state='present', **_disk(folder), detail='placed by hand: not verified')
  if len(missing) == len(expected):
    return dict(state='missing', detail=how)
  return dict(state='partial', **_disk(folder), detail=f'missing {_describe(missing)}; {how}')


def _notice_applies(release, folder) -> bool:
  """True while files the release lacks (`absent`, e.g. Mewsli-X's WikiNews mentions) are not
  in `folder` yet: the notice says how to make them."""
  absent = set(map(tuple, release.absent))
  for task in registry.all_tasks().values():
    for pattern, who in task_files(task):
      if who in absent and _inside(pattern, release.folder) and not glob.glob(
          os.path.join(folder, pattern[len(release.folder) + 1:])):
        return True
  return False


def _describe(missing, limit=4) -> str:
  """'glue/MNLI/train.tsv (mnli train en), ... and 3 more' for (pattern, readers) pairs."""
  parts = [f'{p} ({" ".join(readers[0])})' for p, readers in missing[:limit]]
  more = f' and {len(missing) - limit} more' if len(missing) > limit else ''
  return ', '.join(parts) + more


def mirrored(url: str, mirror: str) -> str:
  """`https://host/path` as `mirror/host/path` (unchanged without a mirror)."""
  if not mirror:
    return url
  parts = urllib.parse.urlsplit(url)
  query = f'?{parts.query}' if parts.query else ''
  return f'{mirror.rstrip("/")}/{parts.netloc}{parts.path}{query}'


def _inside(pattern, folder):
  return pattern.startswith(folder.rstrip('/') + '/')


def _walk(root):
  for base, _, names in os.walk(root):
    for name in names:
      yield os.path.join(base, name)


def _disk(folder) -> dict:
  paths = list(_walk(folder))
  return {'files': len(paths), 'bytes': sum(os.path.getsize(p) for p in paths)}


def _hash(path):
  digest = hashlib.sha256()
  with open(path, 'rb') as f:
    for block in iter(lambda: f.read(1 << 20), b''):
      digest.update(block)
  return os.path.getsize(path), digest.hexdigest()


def _link_or_copy(src, dst):
  try:
    os.link(src, dst)
  except OSError:
    shutil.copyfile(src, dst)


def _read_manifest(dest) -> dict:
  path = os.path.join(dest, MANIFEST)
  if not os.path.exists(path):
    return {'version': 1, 'datasets': {}}
  try:
    with open(path, encoding='utf-8') as f:
      manifest = json.load(f)
  except (OSError, json.JSONDecodeError) as e:
    raise DownloadError(f'{path}: unreadable manifest ({e}); expected the JSON this tool '
                        'writes (move it away to start over)') from None
  if not isinstance(manifest, dict) or not isinstance(manifest.get('datasets'), dict):
    raise DownloadError(f'{path}: expected {{"version": 1, "datasets": {{...}}}}')
  return manifest


def _write_manifest(dest, manifest):
  path = os.path.join(dest, MANIFEST)
  tmp = path + '.tmp'
  with open(tmp, 'w', encoding='utf-8') as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
  os.replace(tmp, path)


def format_table(statuses) -> str:
  """The closing table: one row per data set, then the hints for what is missing."""
  rows = [('data set', 'folder', 'state', 'files', 'size')]
  for s in statuses:
    rows.append((s['name'], s['folder'], s['state'], str(s['files']) if s['files'] else '',
                 _size(s['bytes']) if s['bytes'] else ''))
  widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
  lines = ['  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
  lines.insert(1, '  '.join('-' * w for w in widths))
  notes = [s['detail'] if s['detail'].startswith(f'{s["name"]}: ') else
           f'{s["name"]}: {s["detail"]}' for s in statuses
           if s['state'] in ('missing', 'partial', 'error') or 'not verified' in s['detail']]
  notes += [f'{s["name"]}: {s["notice"]}' for s in statuses if s.get('notice')]
  return '\n'.join(lines + ([''] + notes if notes else []))


def _size(n):
  for unit in ('B', 'KB', 'MB', 'GB'):
    if n < 1024 or unit == 'GB':
      return f'{n:.0f} {unit}' if unit == 'B' else f'{n:.1f} {unit}'
    n /= 1024


def markdown_table(releases=None) -> str:
  """The README's table of data sets: tasks reading each, origin, licence, size."""
  releases = releases_lib.RELEASES if releases is None else releases
  lines = ['| data set | tasks | origin | licence | size |', '|---|---|---|---|---|']
  for r in releases:
    tasks = sorted({who[0] for readers in expected_files(r).values() for who in readers})
    size = 'not downloaded' if r.manual else f'≈ {r.size}'
    lines.append(f'| {r.name} (`{r.folder}/`) | {", ".join(tasks)} | {_origin(r)} | '
                 f'{r.licence} | {size} |')
  return '\n'.join(lines)


def _origin(release) -> str:
  """The URL of a one-file release; the common folder and the names (or their count)."""
  urls = [f.url for f in release.files]
  if not urls:
    return release.homepage
  if len(urls) == 1:
    return urls[0]
  folder = os.path.commonprefix(urls).rsplit('/', 1)[0] + '/'
  names = [u[len(folder):] for u in urls]
  return folder + (f'{{{", ".join(names)}}}' if len(names) <= 4 else f' ({len(names)} files)')


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(
      prog='xstilts-download', description=__doc__.split('\n\n')[0],
      formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument('--dest', default=DEFAULT_DATA_DIR,
                      help='data dir (default: $XSTILTS_DATA or ~/xstilts_data)')
  parser.add_argument('--tasks', nargs='*', default=None,
                      help='task or data set names, space or comma separated (default: all)')
  parser.add_argument('--check', action='store_true', help='verify only, download nothing')
  parser.add_argument('--quick', action='store_true',
                      help='check the sizes of present files, not their sha256')
  parser.add_argument('--force', action='store_true',
                      help='download again even where a folder exists (replaced when complete)')
  parser.add_argument('--mirror', default=None,
                      help=f'fetch https://host/path from MIRROR/host/path (or ${MIRROR_ENV})')
  parser.add_argument('--keep-archives', action='store_true',
                      help='keep the fetched archives in DEST/.partial/downloads')
  parser.add_argument('--retries', type=int, default=2,
                      help='resumed retries of an interrupted file within one run')
  parser.add_argument('--no-progress', action='store_true', help='no progress bars')
  args = parser.parse_args(argv)
  names = [n for item in args.tasks or () for n in item.split(',') if n]
  try:
    statuses = download(args.dest, names, mirror=args.mirror, check_only=args.check,
                        quick=args.quick,
                        force=args.force, keep_archives=args.keep_archives,
                        retries=args.retries, progress=not args.no_progress)
  except DownloadError as e:
    print(f'error: {e}', file=sys.stderr)
    return 2
  print(format_table(statuses))
  # Hand-placed data (CCGbank, MLM text) that is missing fails only when asked for by name.
  failed = [s for s in statuses if s['state'] == 'error'
            or (s['state'] in ('missing', 'partial')
                and (s['name'] in names or not _manual(s['name'])))]
  return 1 if failed else 0


def _manual(name):
  return any(r.name == name and r.manual for r in releases_lib.RELEASES)


def run():
  """Console script `xstilts-download`."""
  sys.exit(main())


if __name__ == '__main__':
  run()
