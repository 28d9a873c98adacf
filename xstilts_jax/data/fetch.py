"""Resumable HTTP downloads: a file grows in `<path>.part` and is renamed when complete.

An interrupted download continues where it stopped with an HTTP Range request; a server that
ignores Range (answers 200 with the whole body) restarts it cleanly. The first response's
validator (a strong ETag, else Last-Modified) is kept in `<path>.part.validator` and sent as
If-Range, so a file that changed on the server since is fetched whole again instead of being
spliced. Every failure is one line naming the data set (`label`) and the URL.
"""

import os
import re
from typing import Optional

import requests
import tqdm
import urllib3

CHUNK = 1 << 20
HUB_HINT = ('no network? the hub copies need no download: --config.data.source=hub')


class FetchError(Exception):
  """A download failed; the message is one line naming the data set and the URL."""


class _Interrupted(Exception):
  pass


def fetch(url: str, path: str, *, label: str, session: Optional[requests.Session] = None,
          retries: int = 2, timeout: float = 60, progress: bool = True) -> str:
  """Downloads `url` to `path` (through `path.part`, kept for the next run on failure)."""
  session = session or requests.Session()
  part = path + '.part'
  os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
  for attempt in range(retries + 1):
    try:
      _fetch_once(session, url, part, label, timeout, progress)
      break
    except _Interrupted as e:
      if attempt == retries:
        raise FetchError(f'{label}: {url}: {e}; run again to resume') from None
  os.replace(part, path)
  if os.path.exists(part + '.validator'):
    os.remove(part + '.validator')
  return path


def _fetch_once(session, url, part, label, timeout, progress):
  have = os.path.getsize(part) if os.path.exists(part) else 0
  # identity: byte counts and ranges must be of the file itself, not of a gzip encoding.
  headers = {'Accept-Encoding': 'identity'}
  if have:
    headers['Range'] = f'bytes={have}-'
    validator = _read_validator(part)
    if validator:
      headers['If-Range'] = validator
  try:
    response = session.get(url, headers=headers, stream=True, timeout=timeout)
  except requests.exceptions.ConnectionError as e:
    raise FetchError(f'{label}: cannot reach {url} ({_reason(e)}); {HUB_HINT}') from None
  except requests.exceptions.Timeout:
    raise _Interrupted(f'no answer within {timeout:g} s') from None
  with response:
    total = None
    if response.status_code == 416 and have:
      # Nothing after byte `have`: the part is whole if the server's total says so.
      if _content_range(response.headers.get('Content-Range'))[1] == have:
        return
      os.remove(part)
      raise _Interrupted('the server refused to resume the partial file; starting over')
    if response.status_code == 206:
      start, total = _content_range(response.headers.get('Content-Range'))
      if start != have:
        os.remove(part)
        raise _Interrupted(f'asked for bytes from {have:,}, the server sent from {start}; '
                           'starting over')
      mode = 'ab'
    elif response.status_code == 200:
      # The whole file: a fresh start, a server that ignores Range, or a file that changed
      # since the part was fetched (If-Range): start over.
      mode, have = 'wb', 0
      length = response.headers.get('Content-Length')
      total = int(length) if length and length.isdigit() else None
      _write_validator(part, response.headers)
    elif response.status_code == 404:
      raise FetchError(f'{label}: {url} returned HTTP 404 Not Found (the release moved? '
                       'its entry is in xstilts_jax/data/releases.py)')
    else:
      raise FetchError(f'{label}: {url} returned HTTP {response.status_code} {response.reason}')
    got = have
    bar = tqdm.tqdm(total=total, initial=have, unit='B', unit_scale=True, unit_divisor=1024,
                    desc=f'{label}: {url.rsplit("/", 1)[-1]}', disable=not progress,
                    leave=False)
    try:
      with open(part, mode) as f, bar:
        # read1: whatever has arrived, so a broken connection loses no received byte.
        while chunk := response.raw.read1(CHUNK):
          f.write(chunk)
          got += len(chunk)
          bar.update(len(chunk))
    except (urllib3.exceptions.HTTPError, OSError) as e:
      raise _Interrupted(f'connection broken after {got:,} of {_of(total)} bytes '
                         f'({_reason(e)})') from None
    if total is not None and got != total:
      raise _Interrupted(f'connection closed after {got:,} of {_of(total)} bytes')


def _write_validator(part, headers):
  etag = headers.get('ETag', '')
  validator = etag if etag and not etag.startswith('W/') else headers.get('Last-Modified', '')
  with open(part + '.validator', 'w', encoding='utf-8') as f:
    f.write(validator)


def _read_validator(part):
  try:
    with open(part + '.validator', encoding='utf-8') as f:
      return f.read().strip()
  except FileNotFoundError:
    return ''


def _content_range(value):
  """(first byte, total) of a Content-Range header: `bytes 100-199/200` or `bytes */200`."""
  match = re.fullmatch(r'bytes (?:(\d+)-\d+|\*)/(\d+|\*)', (value or '').strip())
  if not match:
    return None, None
  start, total = match.groups()
  return (int(start) if start else None), (int(total) if total != '*' else None)


def _of(total):
  return f'{total:,}' if total is not None else 'an unknown number of'


def _reason(error):
  """The informative part of a nested requests/urllib3 error: '[Errno 111] Connection
  refused', or the innermost exception's name."""
  match = re.search(r'\[Errno -?\d+\] [^\'")]+', str(error))
  if match:
    return match.group(0).strip()
  while error.__context__ is not None and error.__context__ is not error:
    error = error.__context__
  return type(error).__name__
