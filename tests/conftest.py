"""Shared test setup: CPU only, a persistent XLA compilation cache for the suite, and the
expensive runs that several test files check (each made once per session)."""

import json
import os
import subprocess
import sys

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


@pytest.fixture(scope='session')
def colab_notebook(tmp_path_factory):
  """launch/colab.ipynb executed once, cell by cell on CPU, as a Colab user runs it; its demo
  cell runs the README's demo command in full. Checked by tests/launch/test_colab_notebook.py
  (the notebook) and tests/e2e/test_demo.py (the demo's workdir and a second run on it).

  The kernel runs in a throwaway virtualenv that sees the installed dependencies
  (--system-site-packages), so the notebook's `pip install` of this checkout
  (XSTILTS_INSTALL_FROM) goes into that virtualenv, not into the environment running the tests.
  Returns {'cells': {id: executed cell}, 'nb': the notebook, 'venv', 'work': its folder}."""
  import nbclient  # pylint: disable=g-import-not-at-top
  import nbformat  # pylint: disable=g-import-not-at-top
  tmp = tmp_path_factory.mktemp('colab')
  venv = tmp / 'venv'
  subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', '--without-pip',
                  str(venv)], check=True)
  python = venv / 'bin' / 'python'
  kernel_dir = tmp / 'jupyter' / 'kernels' / 'xstilts-venv'
  kernel_dir.mkdir(parents=True)
  (kernel_dir / 'kernel.json').write_text(json.dumps({
      'argv': [str(python), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      'display_name': 'xstilts venv', 'language': 'python'}))
  work = tmp / 'content'
  work.mkdir()
  nb = nbformat.read(os.path.join(ROOT, 'launch', 'colab.ipynb'), as_version=4)
  with pytest.MonkeyPatch.context() as env:
    env.setenv('JUPYTER_PATH', str(tmp / 'jupyter'))
    env.setenv('XSTILTS_INSTALL_FROM', ROOT)
    env.delenv('PYTHONPATH', raising=False)  # the kernel imports what the notebook installed
    nbclient.NotebookClient(nb, kernel_name='xstilts-venv', timeout=900,
                            resources={'metadata': {'path': str(work)}}).execute()
  return {'nb': nb, 'cells': {cell.id: cell for cell in nb.cells}, 'venv': venv, 'work': work}
