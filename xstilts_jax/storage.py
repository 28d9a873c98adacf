"""Where a run's files live: a local folder or a gs:// bucket, behind one small API.

Every file a run writes outside its checkpoints (results, progress, metrics, predictions,
report, the workdir lock) goes through these functions; checkpoints go through orbax, which
handles gs:// itself (tensorstore for arrays, etils epath for folders). A local path keeps
plain file I/O; a URL goes through fsspec (gcsfs for gs://).

What the resume guarantees rest on, on both:

  write_text      atomic: a local file is written to `<path>.tmp`, fsync'ed and renamed; an
                  object upload is atomic by itself (readers see the old object or the new one)
  append_text     local: an append; an object cannot grow, so it is rewritten whole (also
                  atomic: no torn last line on GCS)
  create_exclusive  create-if-absent: a local os.link of a finished temp file; on GCS an upload
                  with the precondition ifGenerationMatch=0 (exactly one of two racing runs wins)

GCS folders are name prefixes: `makedirs` does nothing there, a folder exists once it holds
an object. Listings are never cached (orbax writes through tensorstore, which the listing
cache of gcsfs would not see).

Tests and local emulators: gcsfs and google-cloud-storage read STORAGE_EMULATOR_HOST,
tensorstore (orbax's arrays) reads TENSORSTORE_GCS_HTTP_URL (and GOOGLE_AUTH_TOKEN_FOR_TESTING
for a dummy token); GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT=false keeps gcsfs from asking an
emulator for gRPC bucket metadata it does not serve.
"""

import contextlib
import os
import shutil
import socket
import tempfile
import urllib.parse

SCHEMES = ('gs',)  # URL schemes a workdir may have


def is_remote(path: str) -> bool:
  return '://' in str(path)


def scheme_problem(path: str):
  """Why the URL `path` cannot be a workdir (an unknown scheme), or None."""
  scheme = str(path).split('://', 1)[0]
  if is_remote(path) and scheme not in SCHEMES:
    return (f'{path}: {scheme}:// is not supported; use a local path or '
            f'{" or ".join(s + "://bucket/folder" for s in SCHEMES)}')
  return None


def absolute(path: str) -> str:
  """os.path.abspath for a local path; a URL unchanged (abspath would mangle 'gs://')."""
  return str(path).rstrip('/') if is_remote(path) else os.path.abspath(path)


REQUEST_TIMEOUT_S = 120


def _fs(path: str):
  """(fsspec filesystem, path inside it) of a URL."""
  import fsspec  # pylint: disable=g-import-not-at-top
  for protocol in ('gs', 'gcs'):
    conf = fsspec.config.conf.setdefault(protocol, {})
    conf['use_listings_cache'] = False
    # Every request gives up after this long (gcsfs then retries and raises): a storage
    # endpoint that stops answering mid-request is an error, never a run hung forever.
    conf.setdefault('requests_timeout', REQUEST_TIMEOUT_S)
  return fsspec.core.url_to_fs(path)


def exists(path: str) -> bool:
  if not is_remote(path):
    return os.path.exists(path)
  fs, inner = _fs(path)
  return fs.exists(inner)


def isdir(path: str) -> bool:
  if not is_remote(path):
    return os.path.isdir(path)
  fs, inner = _fs(path)
  return fs.isdir(inner)


def listdir(path: str) -> list:
  """Names in the folder `path` (sorted); [] when it is missing."""
  if not is_remote(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []
  fs, inner = _fs(path)
  try:
    return sorted(os.path.basename(p.rstrip('/')) for p in fs.ls(inner, detail=False)
                  if p.rstrip('/') != inner.rstrip('/'))
  except FileNotFoundError:
    return []


def makedirs(path: str):
  if not is_remote(path):
    os.makedirs(path, exist_ok=True)


def read_text(path: str) -> str:
  """The file's text; FileNotFoundError when it is missing, UnicodeDecodeError when not UTF-8."""
  if not is_remote(path):
    with open(path, encoding='utf-8') as f:
      return f.read()
  fs, inner = _fs(path)
  return fs.cat_file(inner).decode('utf-8')


def write_text(path: str, text: str):
  """Writes `text` atomically: readers (and a rerun after a kill) see the old file or the new."""
  if is_remote(path):
    fs, inner = _fs(path)
    fs.pipe_file(inner, text.encode('utf-8'))
    return
  os.makedirs(os.path.dirname(path), exist_ok=True)
  tmp = path + '.tmp'
  try:
    with open(tmp, 'w', encoding='utf-8') as f:
      f.write(text)
      f.flush()
      os.fsync(f.fileno())
    os.replace(tmp, path)
  finally:
    if os.path.exists(tmp):
      os.remove(tmp)


def append_text(path: str, text: str):
  """Appends `text` (a kill may leave a torn last line locally; never on GCS)."""
  if is_remote(path):
    try:
      old = read_text(path)
    except FileNotFoundError:
      old = ''
    write_text(path, old + text)
    return
  with open(path, 'a', encoding='utf-8') as f:
    f.write(text)


def create_exclusive(path: str, text: str) -> bool:
  """Creates `path` holding `text` unless it exists (atomically); False when it exists."""
  if is_remote(path):
    fs, inner = _fs(path)
    try:
      fs.pipe_file(inner, text.encode('utf-8'), mode='create')  # ifGenerationMatch=0
    except FileExistsError:
      return False
    return True
  os.makedirs(os.path.dirname(path), exist_ok=True)
  # Linked from a finished temp file: a reader never sees a half-written file.
  tmp = f'{path}.{socket.gethostname()}.{os.getpid()}'
  with open(tmp, 'w', encoding='utf-8') as f:
    f.write(text)
  try:
    os.link(tmp, path)
    return True
  except FileExistsError:
    return False
  finally:
    os.remove(tmp)


def remove(path: str):
  """Removes a file or a folder tree; nothing when it is missing."""
  if not is_remote(path):
    if os.path.isdir(path) and not os.path.islink(path):
      shutil.rmtree(path)
    elif os.path.lexists(path):
      os.remove(path)
    return
  fs, inner = _fs(path)
  try:
    fs.rm(inner, recursive=True)
  except FileNotFoundError:
    pass


def move(src: str, dst: str):
  """Moves a file or a folder (replacing an older `dst`); nothing when `src` is missing. On GCS
  a copy then a delete (objects cannot be renamed)."""
  if not exists(src):
    return
  remove(dst)
  if not is_remote(src):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.move(src, dst)
    return
  fs, inner = _fs(src)
  fs.copy(inner, _fs(dst)[1], recursive=True)  # server-side copies
  fs.rm(inner, recursive=True)


def upload_tree(local_dir: str, dst: str):
  """Copies the files under the local folder `local_dir` to the folder `dst` (any kind)."""
  for root, _, files in os.walk(local_dir):
    for name in files:
      src = os.path.join(root, name)
      target = os.path.join(dst, os.path.relpath(src, local_dir))
      if is_remote(dst):
        fs, inner = _fs(target)
        fs.put_file(src, inner)
      else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(src, target)


@contextlib.contextmanager
def local_copy(*folders):
  """Local paths of `folders`: themselves when local, else copies downloaded into a temporary
  folder that is deleted on exit (for readers that need a file system: the scorer)."""
  if not any(is_remote(f) for f in folders):
    yield folders
    return
  with tempfile.TemporaryDirectory(prefix='xstilts_copy_') as tmp:
    out = []
    for i, folder in enumerate(folders):
      if not is_remote(folder):
        out.append(folder)
        continue
      local = os.path.join(tmp, str(i), os.path.basename(folder.rstrip('/')))
      os.makedirs(local)
      fs, inner = _fs(folder)
      if fs.isdir(inner):
        fs.get(inner.rstrip('/') + '/', local + '/', recursive=True)
      out.append(local)
    yield tuple(out)


@contextlib.contextmanager
def staged(folder: str):
  """A local folder to write into, whose files end up in `folder`: itself when local, else a
  temporary folder uploaded on success (for writers that need a file system: matplotlib)."""
  if not is_remote(folder):
    os.makedirs(folder, exist_ok=True)
    yield folder
    return
  with tempfile.TemporaryDirectory(prefix='xstilts_stage_') as tmp:
    yield tmp
    upload_tree(tmp, folder)


def endpoint_problem(path: str, timeout: float = 5.0):
  """Why the storage service of the URL `path` cannot be reached (one line), or None. One TCP
  connection with a timeout: a client's own retries would take minutes to say the same."""
  if not is_remote(path):
    return None
  from gcsfs import core  # pylint: disable=g-import-not-at-top
  endpoint = core._location()  # pylint: disable=protected-access  # emulator or googleapis
  url = urllib.parse.urlsplit(endpoint)
  port = url.port or (443 if url.scheme == 'https' else 80)
  try:
    socket.create_connection((url.hostname, port), timeout=timeout).close()
  except OSError as e:
    return (f'{path}: cannot reach the storage service at {endpoint} '
            f'({e.strerror or type(e).__name__})')
  return None
