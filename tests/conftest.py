"""Shared test setup: CPU only, a persistent XLA compilation cache for the suite, and the real
data folder."""

import os

os.environ.setdefault('JAX_PLATFORMS', 'cpu')

import jax  # noqa: E402
import pytest  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
_CACHE = os.path.join(ROOT, '.jax_cache')
jax.config.update('jax_compilation_cache_dir', _CACHE)
jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.5)


@pytest.fixture(scope='session')
def real_data_dir():
  """../shared/realdata (through XSTILTS_REAL_DATA); tests using it skip where it is unset."""
  path = os.environ.get('XSTILTS_REAL_DATA')
  if not path:
    pytest.skip('XSTILTS_REAL_DATA is unset: real-data test skipped (.ci/run sets it)')
  if not os.path.isdir(path):
    pytest.fail(f'XSTILTS_REAL_DATA={path!r} is not a directory')
  return path


def pytest_terminal_summary(terminalreporter):
  """What tests record with `record_property('summary', text)` (the real-shape runs' step times
  and peak memory), printed at the end: pytest-xdist does not show its workers' output."""
  for report in terminalreporter.stats.get('passed', []) + terminalreporter.stats.get('failed', []):
    for name, value in getattr(report, 'user_properties', ()):
      if name == 'summary':
        terminalreporter.write_sep('-', report.nodeid)
        terminalreporter.write_line(value)
