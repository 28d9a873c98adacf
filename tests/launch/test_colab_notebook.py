"""launch/colab.ipynb as a file: valid, every cell with an id, no shell command that ignores its
failure. Its execution on CPU, the way a Colab user runs it, is checked in tests/e2e/test_demo.py
(the notebook's demo cell is the README's demo).
"""

import os

import nbformat

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
NOTEBOOK = os.path.join(ROOT, 'launch', 'colab.ipynb')


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
