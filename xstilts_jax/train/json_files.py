"""Results files a rerun reads: written atomically, read verified.

A write goes to `<path>.tmp`, is flushed to disk, then renamed over `<path>` (on GCS: one
object upload; storage.write_text): a kill or a full disk leaves the old file or the new one,
never a torn one. A file that is damaged anyway (cut,
empty, edited by hand) is moved to `<path>.corrupt` with a one-line message and read as
missing, so the run rebuilds it instead of failing on every rerun.
"""

import json
from typing import Any, Optional

import jax

from xstilts_jax import storage
from xstilts_jax.train import checkpoints


def write_json(path: str, obj: Any):
  storage.write_text(path, json.dumps(obj, indent=2, ensure_ascii=False))


def read_json(path: str, expect: type = dict) -> Optional[Any]:
  """The file's JSON (of type `expect`), or None when it is missing or was set aside."""
  try:
    obj = json.loads(storage.read_text(path))
    if not isinstance(obj, expect):
      raise ValueError(f'expected a JSON {expect.__name__}, found {type(obj).__name__}')
    return obj
  except FileNotFoundError:
    return None
  except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
    if jax.process_index() == 0:
      checkpoints.set_aside(path, path + '.corrupt')
    print(f'[files] {path} is damaged ({type(e).__name__}: {e}); moved to {path}.corrupt, '
          'rebuilding it', flush=True)
    return None
