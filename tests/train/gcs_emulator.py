"""A local GCS for tests: gcp-storage-emulator on loopback, in its own process.

  python tests/train/gcs_emulator.py BUCKET MAX_SECONDS   prints the port, serves, exits

Two behaviours of real GCS that the emulator lacks are added, because the code under test
relies on them: a media download carries its object's generation (header x-goog-generation;
tensorstore's OCDBT reads the manifest's generation, then rewrites it under
ifGenerationMatch), and an upload with ifGenerationMatch is refused with 412 unless the object's
generation matches (0: the object must not exist), which makes the workdir lock's
create-if-absent atomic. Requests are served on threads (a client stopped in the middle of an
upload, as the tests do, must not hold up the others), with a listen backlog of 128 (gcsfs opens
many connections at once), each handler under one lock once its request has been read.
`environment(port)` is what a client process needs to talk to it.
"""

import functools
import http.server
import sys
import threading
import time
from http import HTTPStatus

from gcp_storage_emulator import server as server_lib
from gcp_storage_emulator.exceptions import NotFound
from gcp_storage_emulator.handlers import objects

_INSERT, _DOWNLOAD = objects.insert, objects.download


def environment(port: int) -> dict:
  """Environment variables pointing gcsfs, google-cloud-storage and tensorstore at the port."""
  url = f'http://127.0.0.1:{port}'
  return {'STORAGE_EMULATOR_HOST': url, 'TENSORSTORE_GCS_HTTP_URL': url,
          'GOOGLE_AUTH_TOKEN_FOR_TESTING': 'emulator',  # tensorstore: a dummy bearer token
          'GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT': 'false'}  # no gRPC bucket-layout lookups


def _object_name(request):
  if 'name' in request.query:
    return request.query['name'][0]
  data = request.data or {}
  meta = data.get('meta') if isinstance(data.get('meta'), dict) else data
  return meta.get('name')


def _insert_with_precondition(request, response, storage, *args, **kwargs):
  wanted = request.query.get('ifGenerationMatch')
  if wanted and 'upload_id' not in request.query:
    try:
      current = storage.get_file_obj(request.params['bucket_name'],
                                     _object_name(request))['generation']
    except NotFound:
      current = '0'
    if str(current) != wanted[0]:
      response.status = HTTPStatus.PRECONDITION_FAILED
      response.json({'error': {'code': 412, 'message': 'conditionNotMet'}})
      return None
  return _INSERT(request, response, storage, *args, **kwargs)


def _download_with_generation(request, response, storage, *args, **kwargs):
  try:
    obj = storage.get_file_obj(request.params['bucket_name'], request.params['object_id'])
    response['x-goog-generation'] = str(obj['generation'])
  except NotFound:
    pass
  return _DOWNLOAD(request, response, storage, *args, **kwargs)


_LOCK = threading.Lock()


def _serialized(handler):
  """The handler under the lock, its request body read before (the storage is not
  thread-safe; a client that stops while sending must only hold up its own thread)."""

  @functools.wraps(handler)
  def run(request, response, storage, *args, **kwargs):
    if request.method in ('POST', 'PUT', 'PATCH'):
      request.data  # pylint: disable=pointless-statement  # reads the body
    with _LOCK:
      return handler(request, response, storage, *args, **kwargs)
  return run


class _Server(http.server.ThreadingHTTPServer):
  # gcsfs opens many connections at once (fs.get of a whole run); socketserver's backlog of 5
  # drops the SYNs beyond it, and the client's retransmission backoff then stalls a request
  # for tens of seconds, past its timeout.
  request_queue_size = 128


def _patch_handlers():
  replace = {_INSERT: _insert_with_precondition, _DOWNLOAD: _download_with_generation}
  for _, handlers in server_lib.HANDLERS:
    for method, handler in list(handlers.items()):
      handlers[method] = _serialized(replace.get(handler, handler))
  # Also the module's names: the router's fallback for uploads calls objects.insert, and
  # objects.get (alt=media, tensorstore's reads) calls download.
  objects.insert = _serialized(_insert_with_precondition)
  objects.download = _download_with_generation  # called by objects.get, already serialized
  http.server.HTTPServer = _Server


def main(bucket: str, max_seconds: float):
  _patch_handlers()
  server = server_lib.create_server('127.0.0.1', 0, in_memory=True, default_bucket=bucket)
  server.start()
  print(server._api._httpd.server_address[1], flush=True)  # pylint: disable=protected-access
  time.sleep(max_seconds)  # bounded: gone then even if the test that started it is gone
  server.stop()


if __name__ == '__main__':
  main(sys.argv[1], float(sys.argv[2]))
