"""--workdir gs://bucket/run against a local GCS emulator (gcs_emulator.py, loopback).

A run killed mid-phase (SIGKILL once a checkpoint is in the bucket, before the last) and run
again resumes from that checkpoint and ends identical to a local run: results.json,
prediction, label and report files, metrics.jsonl (timings aside) and the best parameters
(bytes). While the run is stopped during its first save, a second run on the same URL is
refused by the lock; a storage endpoint nobody answers is one line, at once. The tiny config
is shortened to one target phase (XNLI, 8 steps, a checkpoint every 2, en/de). In process:
the lock's create-if-absent and stale takeover, a damaged results file set aside, metrics rows
after a resume, robustness cells, all in the bucket; a grid root URL refused.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import fsspec
import pytest

from xstilts_jax import storage
from xstilts_jax.train import workdir_lock

sys.path.insert(0, os.path.dirname(__file__))
import gcs_emulator  # noqa: E402
import run_outputs  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(ROOT, '.jax_cache')
PHASE = 'target_xnli'
STEPS = 8


def _cmd(workdir):
  return [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
          '--workdir', str(workdir), '--config.intermediate.tasks=', '--config.targets=xnli',
          f'--config.target.num_steps={STEPS}', '--config.target.eval_every=2',
          '--config.checkpoint.every=2', '--config.eval.languages=en,de',
          '--config.eval.max_examples=16', f'--config.compilation_cache={CACHE}']


def _env(port=None, signal_at=''):
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  env.pop('XSTILTS_TEST_SIGNAL_AT', None)
  if port:
    env.update(gcs_emulator.environment(port))
  if signal_at:
    env['XSTILTS_TEST_SIGNAL_AT'] = signal_at
  return env


def _run(workdir, port=None, timeout=240):
  p = subprocess.run(_cmd(workdir), cwd=ROOT, env=_env(port), capture_output=True, text=True,
                     timeout=timeout)
  return p


@pytest.fixture(scope='module')
def emulator(tmp_path_factory):
  """The emulator's port; the variables pointing this process's clients at it are set while
  the module runs. Its log (a line per request) goes to a file: into a pipe nobody reads, it
  would fill the pipe and stop the emulator mid-request."""
  log_path = tmp_path_factory.mktemp('gcs') / 'emulator.log'
  log_file = open(log_path, 'w')  # pylint: disable=consider-using-with
  proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__),
                                                        'gcs_emulator.py'), 'bucket', '1200'],
                          stdout=subprocess.PIPE, stderr=log_file, text=True)
  try:
    port = int(proc.stdout.readline())
  except ValueError:
    proc.kill()
    proc.wait(timeout=30)
    log_file.close()
    raise AssertionError(f'the emulator did not start: {log_path.read_text()[-2000:]}')
  saved = dict(os.environ)
  os.environ.update(gcs_emulator.environment(port))
  try:
    yield port
  finally:
    os.environ.clear()
    os.environ.update(saved)
    proc.kill()
    proc.communicate(timeout=30)
    log_file.close()


def _download(url, local):
  """A local copy of everything under the gs:// folder `url`."""
  fs, inner = fsspec.core.url_to_fs(url, use_listings_cache=False)
  fs.get(inner + '/', str(local) + '/', recursive=True)
  return local


def _committed(url):
  """Steps of the phase's checkpoints that orbax finished (on GCS: commit_success.txt)."""
  folder = f'{url}/{PHASE}/checkpoints'
  return sorted(int(s) for s in storage.listdir(folder)
                if s.isdigit() and storage.exists(f'{folder}/{s}/commit_success.txt'))


def _one_line(err):
  """The run's own stderr lines: progress bars, absl's and tensorstore's logging aside."""
  return [l for l in err.splitlines()
          if l.strip() and '%|' not in l and not re.match(r'[IW]\d{4} ', l)]


def test_killed_and_resumed_gs_run_is_identical_to_a_local_run(emulator, tmp_path):
  local = tmp_path / 'local'
  p = _run(local)
  assert p.returncode == 0, p.stderr[-3000:]

  url = 'gs://bucket/run'
  proc = subprocess.Popen(_cmd(url), cwd=ROOT, env=_env(emulator, 'save:STOP'),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
  run_outputs.stopped(proc)  # the save of step 2 is in flight
  second = _run(url, emulator)
  assert second.returncode == 1
  lines = _one_line(second.stderr)
  assert len(lines) == 1 and f'in use by the run of PID {proc.pid} on ' in lines[0], lines
  proc.send_signal(signal.SIGCONT)
  end = time.time() + 120
  while not _committed(url) and proc.poll() is None and time.time() < end:
    time.sleep(0.02)
  proc.kill()
  proc.communicate(timeout=60)
  assert proc.returncode == -signal.SIGKILL
  killed_at = _committed(url)
  assert killed_at and max(killed_at) < STEPS, f'not killed in the middle: {killed_at}'
  assert storage.exists(f'{url}/.lock')  # left by the killed run: stale, taken over below
  assert not storage.exists(f'{url}/{PHASE}/results.json')

  p = _run(url, emulator)
  assert p.returncode == 0, p.stderr[-3000:]
  out = p.stdout + p.stderr
  assert 'taking over the lock of PID' in out
  assert f'[{PHASE}] resumed at step {max(killed_at)} of {STEPS}' in out, out[-3000:]
  assert not storage.exists(f'{url}/.lock')

  remote = _download(url, tmp_path / 'remote')
  with open(local / 'results.json') as f, open(remote / 'results.json') as g:
    assert json.load(g) == json.load(f)
  want, got = run_outputs.files(local), run_outputs.files(remote)
  assert sorted(got) == sorted(want) and want
  assert [k for k in want if want[k] != got[k]] == []
  assert run_outputs.metrics(remote, PHASE) == run_outputs.metrics(local, PHASE)
  assert run_outputs.best(remote, PHASE) == run_outputs.best(local, PHASE)
  assert os.listdir(remote / PHASE / 'tensorboard')


def test_lock_on_gcs_is_create_if_absent_and_stale_locks_are_taken_over(emulator):
  url = 'gs://bucket/lock_test'
  assert storage.create_exclusive(f'{url}/x', 'first')
  assert not storage.create_exclusive(f'{url}/x', 'second')  # ifGenerationMatch=0 refused
  assert storage.read_text(f'{url}/x') == 'first'
  with workdir_lock.WorkdirLock(url):
    with pytest.raises(workdir_lock.WorkdirBusy, match=rf'PID {os.getpid()} on '):
      workdir_lock.WorkdirLock(url).acquire()
  assert not storage.exists(f'{url}/{workdir_lock.LOCK_NAME}')
  dead = subprocess.Popen([sys.executable, '-c', 'pass'])
  dead.wait()
  storage.write_text(f'{url}/{workdir_lock.LOCK_NAME}',
                     json.dumps({'host': socket.gethostname(), 'pid': dead.pid, 'started': 1.0}))
  said = []
  with workdir_lock.WorkdirLock(url, log=said.append):
    assert json.loads(storage.read_text(f'{url}/{workdir_lock.LOCK_NAME}'))['pid'] == os.getpid()
  assert len(said) == 1 and f'PID {dead.pid}' in said[0]


def test_unreachable_storage_is_one_line_at_once(tmp_path):
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    closed = s.getsockname()[1]  # nothing listens there once the socket is closed
  start = time.time()
  p = _run('gs://bucket/run', closed, timeout=60)
  assert p.returncode == 1
  lines = _one_line(p.stderr)
  assert len(lines) == 1, lines
  assert 'gs://bucket/run' in lines[0] and 'cannot reach the storage service' in lines[0]
  assert time.time() - start < 30


def test_grid_root_url_is_refused_in_one_line():
  from xstilts_jax.grid import __main__ as grid_main  # pylint: disable=g-import-not-at-top
  with pytest.raises(SystemExit, match=r'^error: --root gs://b/grid: a grid root is a local '):
    grid_main.main(['status', '--root', 'gs://b/grid'])


def test_robustness_cells_in_a_gs_workdir_are_written_and_read_back(emulator):
  from xstilts_jax.robustness import report  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import suite  # pylint: disable=g-import-not-at-top
  cells = f'gs://bucket/robust/robustness/{suite.CELLS}/xnli'
  clean, noisy = {'langs': {'de': {'score': 40.0}}}, {'langs': {'de': {'score': 30.0}}}
  suite.write_json(f'{cells}/clean.json', clean)
  suite.write_json(f'{cells}/typos/level=0.1/seed=0.json', noisy)
  suite.write_json(f'{cells}/adversarial-typos/beam=2,edits=1,queries=8/seed=0.json', noisy)
  assert report.load_cells('gs://bucket/robust') == {'xnli': {
      'clean': clean, 'perturbed': {('typos', 0.1): [noisy]},
      'attack': {('typos', 'beam=2,edits=1,queries=8'): [noisy]}}}


def test_results_and_metrics_files_on_gcs_keep_their_resume_rules(emulator):
  from xstilts_jax.train import json_files  # pylint: disable=g-import-not-at-top
  from xstilts_jax.train import metrics_log  # pylint: disable=g-import-not-at-top
  path = 'gs://bucket/files/results.json'
  storage.write_text(path, '{"best": 1')  # cut short
  assert json_files.read_json(path) is None  # set aside, rebuilt by the run
  assert storage.read_text(path + '.corrupt') == '{"best": 1' and not storage.exists(path)
  json_files.write_json(path, {'best': 1})
  assert json_files.read_json(path) == {'best': 1}

  phase = 'gs://bucket/files/phase'
  log = metrics_log.MetricsLog(phase, resume_step=0, tensorboard=False)
  for step in (1, 2, 3):
    log.write(step, {'loss': float(step)})
  # Resumed from the checkpoint at step 2: row 3 of the interrupted run is dropped, not doubled.
  log = metrics_log.MetricsLog(phase, resume_step=2, tensorboard=False)
  log.write(3, {'loss': 3.5})
  rows = metrics_log.read_metrics(f'{phase}/metrics.jsonl')
  assert [(r['step'], r['loss']) for r in rows] == [(1, 1.0), (2, 2.0), (3, 3.5)]
  storage.write_text(f'{phase}/metrics.jsonl', '{"step": 1}\n{"step": 2')  # a torn last line
  assert metrics_log.read_metrics(f'{phase}/metrics.jsonl') == [{'step': 1}]
