"""The README's demo command, end to end, as launch/colab.ipynb runs it.

The `colab_notebook` fixture executes the notebook once, cell by cell on CPU, the way a Colab
user runs it; its demo cell runs `python -m xstilts_jax.main --config configs/tiny.py --workdir
DIR`, the README's command, in full (every target). Checked here: every cell ran without error,
the notebook's install and plots, its scorer cell against the demo's report; that the demo cell
ran the README's command, the printed table, the workdir layout, the scorer CLI on the written
submission, and that a second run of the README's command on (a copy of) that workdir
recomputes nothing.
"""

import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys

import nbclient
import nbformat
import pytest

from xstilts_jax import run_config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TARGETS = ('xnli', 'udpos', 'xquad', 'bucc2018', 'tatoeba')  # every format


@pytest.fixture(scope='module')
def colab_notebook(tmp_path_factory):
  """launch/colab.ipynb executed once, cell by cell on CPU, as a Colab user runs it; its demo
  cell runs the README's demo command in full. Checked here: the notebook's cells, and its
  demo's workdir with a second run on it (one module, so a parallel run makes it once).

  The kernel runs in a throwaway virtualenv that sees the installed dependencies
  (--system-site-packages), so the notebook's `pip install` of this checkout
  (XSTILTS_INSTALL_FROM) goes into that virtualenv, not into the environment running the tests.
  Returns {'cells': {id: executed cell}, 'nb': the notebook, 'venv', 'work': its folder}."""
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


def readme_command():
  """The demo command as the README shows it (its --workdir value is replaced)."""
  with open(os.path.join(ROOT, 'README.md')) as f:
    for line in f:
      if re.match(r'\s*python -m xstilts_jax\.main --config configs/tiny\.py\b', line):
        return shlex.split(line.strip())
  raise AssertionError('README.md must show the demo command '
                       '`python -m xstilts_jax.main --config configs/tiny.py --workdir DIR`')


def _run(cmd):
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
  assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
  return p.stdout


def _stream(cell):
  return ''.join(o.get('text', '') for o in cell.outputs if o.output_type == 'stream')


def test_notebook_runs_on_cpu(colab_notebook):
  """The notebook as the `colab_notebook` fixture ran it."""
  nb, venv, work = colab_notebook['nb'], colab_notebook['venv'], colab_notebook['work']
  cells = {cell.id: cell for cell in nb.cells}
  for cell in nb.cells:
    if cell.cell_type == 'code':
      assert cell.execution_count and not any(o.output_type == 'error' for o in cell.outputs)
  installed = _stream(cells['install'])
  assert f'xstilts_jax from {venv}/lib/' in installed  # the notebook's install, not the tests'
  report = cells['demo-report'].outputs
  table = [o.data['text/markdown'] for o in report if 'text/markdown' in o.get('data', {})]
  assert len(table) == 1 and 'XTREME' in table[0]
  assert sum('image/png' in o.get('data', {}) for o in report) >= 9  # a plot per target task
  if shutil.which('nvidia-smi') is None:
    assert 'No GPU on this runtime' in _stream(cells['gpu'])
    assert _stream(cells['xlmr-base']).strip() == 'skipped: no GPU'
  # The scorer on the demo's submission agrees with the demo's own report.
  # The JSON the scorer prints, then its warnings (e.g. an empty BUCC prediction file).
  scores, _ = json.JSONDecoder().raw_decode(_stream(cells['score']).split('\n', 1)[1])
  with open(work / 'runs' / 'tiny' / 'report' / 'scores.json') as f:
    report_scores = json.load(f)
  assert sorted(scores['tasks']) == sorted(report_scores['tasks']) and len(scores['tasks']) == 9
  assert scores['xtreme_score'] == report_scores['xtreme_score']


def test_readme_demo_end_to_end(colab_notebook, tmp_path):
  # The notebook's demo cell ran the README's command (its checkout's config, its workdir).
  demo = colab_notebook['work'] / 'runs' / 'tiny'
  printed = _stream(colab_notebook['cells']['demo'])
  assert printed.startswith('$ '), printed[:500]
  ran = shlex.split(printed.split('\n', 1)[0][2:])
  cmd = readme_command()
  cmd[cmd.index('--config') + 1] = os.path.join(ROOT, cmd[cmd.index('--config') + 1])
  cmd[cmd.index('--workdir') + 1] = str(demo)
  assert ran == [str(colab_notebook['venv'] / 'bin' / 'python')] + cmd[1:], (ran, cmd)
  out, workdir = printed, str(demo)

  # The results table is printed: XTREME score line and a row per target task.
  assert '**XTREME score:' in out
  for task in TARGETS:
    assert re.search(rf'^\| {task} \|', out, re.M), f'no table row for {task}'

  # Workdir layout: one folder per phase, submission files, labels, report.
  for phase in ['intermediate'] + [f'target_{t}' for t in TARGETS[:3]]:
    for name in ('results.json', 'metrics.jsonl', 'tensorboard', 'checkpoints', 'best'):
      assert os.path.exists(os.path.join(workdir, phase, name)), f'{phase}/{name}'
  assert os.path.exists(os.path.join(workdir, 'retrieval', 'results.json'))
  # The config the run recorded (what tools reading a finished workdir use) is the demo's.
  recorded = run_config.load(workdir)
  tiny = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  for key in ('tokenizer', 'targets', 'seed', 'intermediate.tasks', 'model.preset',
              'target.max_seq_length', 'eval.batch_size'):
    assert recorded[key] == tiny[key], key
  for task, suffix in (('xnli', 'tsv'), ('udpos', 'tsv'), ('xquad', 'json'),
                       ('bucc2018', 'tsv'), ('tatoeba', 'tsv')):
    lang = 'de'
    for d in ('predictions', 'labels'):
      assert os.path.isfile(os.path.join(workdir, d, task, f'test-{lang}.{suffix}')), (d, task)
  for name in ('scores.md', 'scores.csv', 'scores.json'):
    assert os.path.isfile(os.path.join(workdir, 'report', name))
  with open(os.path.join(workdir, 'results.json')) as f:
    results = json.load(f)
  scores = results['scores']
  assert set(TARGETS) <= set(scores['tasks'])
  en = scores['tasks']['xnli']['langs']['en']['accuracy']
  assert 0.0 <= en <= 100.0

  # The official-layout submission scores the same with the scorer CLI.
  cli = json.loads(_run([sys.executable, '-m', 'xstilts_jax.eval.score', '--predictions',
                         os.path.join(workdir, 'predictions'), '--labels',
                         os.path.join(workdir, 'labels')]))
  assert cli['tasks'] == scores['tasks']

  # A second run finds every phase finished and retrains nothing (on a copy: the notebook's
  # workdir stays as the notebook left it).
  copy = str(tmp_path / 'demo')
  shutil.copytree(demo, copy)
  cmd = readme_command()
  cmd[cmd.index('--workdir') + 1] = copy
  again = _run([sys.executable] + cmd[1:])
  assert '[intermediate] finished earlier' in again
  for task in TARGETS[:3]:
    assert f'[target_{task}] finished earlier' in again
  assert '[retrieval] finished earlier' in again
  assert 'steps from' not in again


def test_attack_lowers_the_demo_models_score_more_than_random_edits(colab_notebook, tmp_path):
  """Issue 11's check on the trained demo model: the robustness CLI (no --config: the workdir's
  run_config.json), UD-POS in four languages, 2 edited words and 50 queries per example; the
  greedy attack's F1 against random character edits of the same budget."""
  workdir = str(tmp_path / 'demo')
  shutil.copytree(colab_notebook['work'] / 'runs' / 'tiny', workdir)
  _run([sys.executable, '-m', 'xstilts_jax.robustness', '--workdir', workdir, '--tasks=udpos',
        '--kinds=char', '--levels=0', '--seeds=0', '--languages=en,de,es,fr', '--adversarial',
        '--edits=2', '--queries=50'])
  with open(os.path.join(workdir, 'robustness', 'report', 'report.json')) as f:
    rows = json.load(f)['adversarial']
  assert sorted(r['lang'] for r in rows) == ['de', 'en', 'es', 'fr']
  mean = lambda key: sum(r[key] for r in rows) / len(rows)
  assert all(r['queries_per_example'] <= 50 and r['words_per_example'] <= 2 for r in rows)
  assert mean('perturbed') < mean('random') - 5 and mean('perturbed') < mean('clean') - 5, rows


def test_url_workdir_of_an_unknown_scheme_is_refused_with_a_message():
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  p = subprocess.run([sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
                      '--workdir', 's3://bucket/run'], cwd=ROOT, env=env, capture_output=True,
                     text=True, timeout=120)
  assert p.returncode == 1
  assert p.stderr.strip().splitlines() == [
      'error: --workdir s3://bucket/run: s3:// is not supported; use a local path or '
      'gs://bucket/folder']
