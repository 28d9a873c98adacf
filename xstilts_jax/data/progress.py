"""Progress bars for long host-side work (featurizing, evaluating language after language).

Shown on process 0 when stderr is a terminal, as the training loop's bar; XSTILTS_PROGRESS=1
forces them on (logs of a batch job that wants them), XSTILTS_PROGRESS=0 off.
"""

import os
import sys

import tqdm


def enabled() -> bool:
  forced = os.environ.get('XSTILTS_PROGRESS', '').strip()
  if forced in ('0', '1'):
    return forced == '1'
  if 'jax' in sys.modules and sys.modules['jax'].process_index() != 0:
    return False
  return sys.stderr.isatty()


def bar(total: int, desc: str, unit: str):
  return tqdm.tqdm(total=total, desc=desc, unit=unit, disable=not enabled(), mininterval=2.0,
                   leave=False, file=sys.stderr)


def iterate(items, desc: str, unit: str):
  """`items`, with a bar while they are consumed."""
  items = list(items)
  with bar(len(items), desc, unit) as b:
    for item in items:
      yield item
      b.update(1)
