"""The README's demo command, end to end: the run launch/colab.ipynb's demo cell makes.

The `colab_notebook` fixture (tests/conftest.py) executes the notebook once per session; its
demo cell runs `python -m xstilts_jax.main --config configs/tiny.py --workdir DIR`, the README's
command, in full (every target). Checked here: that it is the README's command, the printed
table, the workdir layout, the scorer CLI on the written submission, and that a second run of
the README's command on (a copy of) that workdir recomputes nothing.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TARGETS = ('xnli', 'udpos', 'xquad', 'bucc2018', 'tatoeba')  # every format


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


def test_url_workdir_of_an_unknown_scheme_is_refused_with_a_message():
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  p = subprocess.run([sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
                      '--workdir', 's3://bucket/run'], cwd=ROOT, env=env, capture_output=True,
                     text=True, timeout=120)
  assert p.returncode == 1
  assert p.stderr.strip().splitlines() == [
      'error: --workdir s3://bucket/run: s3:// is not supported; use a local path or '
      'gs://bucket/folder']
