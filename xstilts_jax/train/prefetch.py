"""Batches built and put on the devices ahead of use, by a background thread.

`Prefetcher(iterator, place, size)` yields `place(item)` for the items of `iterator` in their
order, computing up to `size` of them ahead while the devices run the current step: the host's
work (sampling, MLM masking, the copy into global arrays) leaves the critical path. One thread
produces in order, so the sequence is exactly that of the iterator (a resumed run, whose
iterator starts at its step, gets the same batches). An error while building a batch is raised
in the caller at that batch's turn, with its traceback.

  with Prefetcher(iter(range(3)), lambda x: x * 2, size=2) as batches:
    assert list(batches) == [0, 2, 4]
"""

import queue
import threading
from typing import Any, Callable, Iterator

_END = object()


class Prefetcher:
  """An iterator over `place(item)`, `size` items ahead (size 0: built on demand, no thread)."""

  def __init__(self, iterator: Iterator, place: Callable[[Any], Any], size: int = 2):
    self._iterator, self._place, self._size = iterator, place, int(size)
    self._stop = threading.Event()
    self._thread = None
    if self._size > 0:
      self._queue = queue.Queue(maxsize=self._size)
      self._thread = threading.Thread(target=self._produce, name='prefetch', daemon=True)
      self._thread.start()

  def _produce(self):
    try:
      for item in self._iterator:
        if not self._put((True, self._place(item))):
          return
      self._put((True, _END))
    except BaseException as e:  # noqa: BLE001  raised in the consumer, at its turn
      self._put((False, e))

  def _put(self, entry) -> bool:
    while not self._stop.is_set():
      try:
        self._queue.put(entry, timeout=0.1)
        return True
      except queue.Full:
        continue
    return False

  def __iter__(self):
    return self

  def __next__(self):
    if self._thread is None:
      return self._place(next(self._iterator))
    ok, value = self._queue.get()
    if not ok:
      self.close()
      raise value
    if value is _END:
      self.close()
      raise StopIteration
    return value

  def close(self):
    """Stops the thread (a batch it is building is finished and dropped)."""
    self._stop.set()
    if self._thread is not None and self._thread is not threading.current_thread():
      self._thread.join()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()
