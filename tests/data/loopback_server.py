"""A loopback HTTP file server for download tests: Range requests (with ETags and If-Range), a
request log, responses cut midway, 404s, and a switch to ignore Range (as some servers do).

Binds 127.0.0.1 on a free port; every socket has a timeout, so nothing waits forever; `stop()`
shuts it down. Files are served from `files` ({url path: bytes}).
"""

import hashlib
import http.server
import re
import threading
import urllib.parse

SOCKET_TIMEOUT = 10


def etag_of(body: bytes) -> str:
  return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


class _Handler(http.server.BaseHTTPRequestHandler):
  protocol_version = 'HTTP/1.1'
  timeout = SOCKET_TIMEOUT
  disable_nagle_algorithm = True  # small responses would otherwise wait on delayed ACKs

  def do_GET(self):  # noqa: N802 (http.server's name)
    server = self.server
    path = urllib.parse.urlsplit(self.path).path
    asked = self.headers.get('Range')
    server.requests.append((path, asked))
    server.if_ranges.append(self.headers.get('If-Range'))
    body = server.files.get(path)
    if body is None:
      self.send_response(404)
      self.send_header('Content-Length', '0')
      self.end_headers()
      return
    start = 0
    etag = etag_of(body)
    match = re.fullmatch(r'bytes=(\d+)-', asked or '')
    if_range = self.headers.get('If-Range')
    if match and path not in server.ignore_range and if_range in (None, etag):
      start = int(match.group(1))
      if start >= len(body):
        self.send_response(416)
        self.send_header('Content-Range', f'bytes */{len(body)}')
        self.send_header('Content-Length', '0')
        self.end_headers()
        return
      self.send_response(206)
      self.send_header('Content-Range', f'bytes {start}-{len(body) - 1}/{len(body)}')
    else:
      self.send_response(200)
    payload = body[start:]
    self.send_header('ETag', etag)
    self.send_header('Content-Length', str(len(payload)))
    self.end_headers()
    if path in server.cut:  # send the first N bytes, then drop the connection
      self.wfile.write(payload[:server.cut.pop(path)])
      self.wfile.flush()
      self.close_connection = True
      return
    self.wfile.write(payload)

  def log_message(self, *args):
    pass


class LoopbackServer(http.server.ThreadingHTTPServer):
  daemon_threads = True

  def __init__(self):
    super().__init__(('127.0.0.1', 0), _Handler)
    self.files = {}          # url path -> bytes
    self.requests = []       # (url path, Range header or None), in order
    self.if_ranges = []      # the If-Range header of each request (None when absent)
    self.cut = {}            # url path -> bytes sent before the next response is cut
    self.ignore_range = set()
    self._thread = threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.05},
                                    daemon=True)
    self._thread.start()

  @property
  def url(self) -> str:
    return f'http://127.0.0.1:{self.server_address[1]}'

  def reset(self):
    self.requests.clear()
    self.if_ranges.clear()
    self.cut.clear()
    self.ignore_range.clear()

  def stop(self):
    self.shutdown()
    self.server_close()
    self._thread.join(timeout=SOCKET_TIMEOUT)
