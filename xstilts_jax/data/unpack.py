"""Takes the members a `releases.Unpack` names out of a zip or tar archive into a folder.

Only regular files are written, each through its own stream (no `extractall`): a member whose
path is absolute or climbs out with `..` is an error, as are two members landing on one path.
"""

import fnmatch
import logging
import lzma
import os
import posixpath
import shutil
import tarfile
import zipfile
import zlib

log = logging.getLogger(__name__)

_SUFFIXES = ('.tar.gz', '.tar.bz2', '.tar.xz', '.tgz', '.tbz2', '.tar', '.zip')


class UnpackError(Exception):
  """An archive does not hold what its release entry says; one line naming the data set."""


def unpack(archive, kind, spec, dest, *, label, name=None, written=None):
  """Writes the members of `archive` (a path or a file object) kept by `spec` under `dest`.

  Returns {relative path under dest: member path}. `name` names the archive in messages.
  """
  name = name or os.path.basename(str(archive))
  written = {} if written is None else written
  kept = 0
  try:
    for member, open_member in _members(archive, kind, name, label):
      if not _matches(member, spec):
        continue
      kept += 1
      if spec.nested is not None:
        with open_member() as inner:
          unpack(inner, _kind_of(member), spec.nested, dest, label=label,
                 name=f'{name}:{member}', written=written)
        continue
      rest = member.split('/')[spec.strip:]
      if not rest:
        continue
      target = posixpath.join(spec.into, spec.rename.format(path='/'.join(rest),
                                                            stem=_stem(name)))
      if target in written:
        raise UnpackError(f'{label}: {name}: members {written[target]!r} and {member!r} both '
                          f'unpack to {target}')
      written[target] = member
      path = os.path.join(dest, *target.split('/'))
      os.makedirs(os.path.dirname(path), exist_ok=True)
      with open_member() as src, open(path, 'wb') as out:
        shutil.copyfileobj(src, out, 1 << 20)
  except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError,
          OSError) as e:
    raise UnpackError(f'{label}: unpacking {name} failed ({type(e).__name__}: {e})') from None
  if not kept:
    raise UnpackError(f'{label}: {name} has no member matching {" ".join(spec.members)}; '
                      "the release's layout changed?")
  return written


def _matches(member, spec):
  return (any(fnmatch.fnmatchcase(member, g) for g in spec.members)
          and not any(fnmatch.fnmatchcase(member, g) for g in spec.exclude))


def _members(archive, kind, name, label):
  """(normalised member path, opener) for each regular file of a zip or tar archive."""
  if kind == 'zip':
    with zipfile.ZipFile(archive) as zf:
      for info in zf.infolist():
        if not info.is_dir():
          yield _safe(info.filename, name, label), (lambda info=info: zf.open(info))
  elif kind == 'tar':
    opened = (tarfile.open(archive, 'r:*') if isinstance(archive, (str, os.PathLike))
              else tarfile.open(fileobj=archive, mode='r:*'))
    with opened as tar:
      skipped = 0
      for info in tar:
        if info.isfile():
          yield _safe(info.name, name, label), (lambda info=info: tar.extractfile(info))
        elif not info.isdir():
          skipped += 1
      if skipped:
        log.warning('%s: %s: %d links or special files not unpacked', label, name, skipped)
  else:
    raise UnpackError(f'{label}: {name}: cannot unpack kind {kind!r}; expected zip or tar')


def _safe(member, name, label):
  path = member.replace('\\', '/')
  while path.startswith('./'):
    path = path[2:]
  parts = path.split('/')
  if path.startswith('/') or '..' in parts:
    raise UnpackError(f'{label}: {name}: member {member!r} points outside the archive folder')
  return '/'.join(p for p in parts if p)


def _kind_of(member):
  return 'zip' if member.endswith('.zip') else 'tar'


def _stem(name):
  base = name.rsplit(':', 1)[-1].rsplit('/', 1)[-1]
  for suffix in _SUFFIXES:
    if base.endswith(suffix):
      return base[:-len(suffix)]
  return base
