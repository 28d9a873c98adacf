"""launch/colab.ipynb, executed cell by cell on CPU the way a Colab user runs it.

The `colab_notebook` fixture (tests/conftest.py) runs it once per session in a throwaway
virtualenv; tests/e2e/test_demo.py checks the demo workdir the same run leaves.
"""

import json
import os
import shutil

import nbformat

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
NOTEBOOK = os.path.join(ROOT, 'launch', 'colab.ipynb')


def _text(cell):
  return ''.join(o.get('text', '') for o in cell.outputs if o.output_type == 'stream')


def test_cells_have_ids_and_no_silent_shell_commands():
  nb = nbformat.read(NOTEBOOK, as_version=4)
  nbformat.validate(nb)
  assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
  ids = [cell.get('id') for cell in nb.cells]
  assert all(ids) and len(set(ids)) == len(ids)
  for cell in nb.cells:
    if cell.cell_type == 'code':
      lines = cell.source.splitlines()
      # `!cmd` and `%cmd` ignore failures; `%%bash` cells must start with `set -e`.
      assert not any(line.lstrip().startswith(('!', '%')) for line in lines
                     if not line.startswith('%%bash')), cell.id
      if lines and lines[0].startswith('%%bash'):
        assert lines[1].startswith('set -e'), cell.id


def test_notebook_runs_on_cpu(colab_notebook):
  """The notebook as tests/conftest.py's `colab_notebook` ran it (once per session)."""
  nb, venv, work = colab_notebook['nb'], colab_notebook['venv'], colab_notebook['work']
  cells = {cell.id: cell for cell in nb.cells}
  for cell in nb.cells:
    if cell.cell_type == 'code':
      assert cell.execution_count and not any(o.output_type == 'error' for o in cell.outputs)
  installed = _text(cells['install'])
  assert f'xstilts_jax from {venv}/lib/' in installed  # the notebook's install, not the tests'
  report = cells['demo-report'].outputs
  table = [o.data['text/markdown'] for o in report if 'text/markdown' in o.get('data', {})]
  assert len(table) == 1 and 'XTREME' in table[0]
  assert sum('image/png' in o.get('data', {}) for o in report) >= 9  # a plot per target task
  if shutil.which('nvidia-smi') is None:
    assert 'No GPU on this runtime' in _text(cells['gpu'])
    assert _text(cells['xlmr-base']).strip() == 'skipped: no GPU'
  # The scorer on the demo's submission agrees with the demo's own report.
  # The JSON the scorer prints, then its warnings (e.g. an empty BUCC prediction file).
  scores, _ = json.JSONDecoder().raw_decode(_text(cells['score']).split('\n', 1)[1])
  with open(work / 'runs' / 'tiny' / 'report' / 'scores.json') as f:
    report_scores = json.load(f)
  assert sorted(scores['tasks']) == sorted(report_scores['tasks']) and len(scores['tasks']) == 9
  assert scores['xtreme_score'] == report_scores['xtreme_score']
