"""Fault injection on a whole run: whatever happens to it, the next run ends identical.

Each run is `python -m xstilts_jax.main` on the tiny config, shortened to the least that
reaches every stage (intermediate MNLI and target XNLI, 4 steps each, a checkpoint every 2;
zero-shot on en/de/fr; Tatoeba de/fr; the report). The test hook XSTILTS_TEST_SIGNAL_AT
(train/preemption.py) makes a run signal itself when it reaches a stage, so each fault hits
exactly where it is meant to. Every scenario ends with a plain rerun whose results.json,
prediction, label and report files, metrics.jsonl (timings aside) and best parameters (bytes)
must equal those of one undisturbed reference run.
"""

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys

import pytest

import run_outputs  # tests/train, on the path as the test's own folder

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(ROOT, '.jax_cache')
PHASES = ('intermediate', 'target_xnli')


def _cmd(workdir):
  return [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
          '--workdir', str(workdir), '--config.intermediate.num_steps=4',
          '--config.intermediate.eval_every=2', '--config.target.num_steps=4',
          '--config.target.eval_every=2', '--config.checkpoint.every=2',
          '--config.targets=xnli,tatoeba', '--config.eval.languages=en,de,fr',
          '--config.eval.max_examples=16', f'--config.compilation_cache={CACHE}']


def _env(signal_at=''):
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  env.pop('XSTILTS_TEST_SIGNAL_AT', None)
  if signal_at:
    env['XSTILTS_TEST_SIGNAL_AT'] = signal_at
  return env


def _run(workdir, signal_at='', prefix=(), **kwargs):
  return subprocess.run(list(prefix) + _cmd(workdir), cwd=ROOT, env=_env(signal_at),
                        capture_output=True, text=True, timeout=300, **kwargs)


def _assert_same_as(reference, workdir):
  with open(os.path.join(reference, 'results.json')) as f, \
       open(os.path.join(workdir, 'results.json')) as g:
    assert json.load(f) == json.load(g)
  want, got = run_outputs.files(reference), run_outputs.files(workdir)
  assert sorted(got) == sorted(want)
  assert [k for k in want if want[k] != got[k]] == []
  for phase in PHASES:
    assert run_outputs.metrics(workdir, phase) == run_outputs.metrics(reference, phase), phase
    assert run_outputs.best(workdir, phase) == run_outputs.best(reference, phase), phase


def _rerun_ok(workdir):
  p = _run(workdir)
  assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
  return p.stdout + p.stderr


@pytest.fixture(scope='module')
def reference(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('reference') / 'run'
  _rerun_ok(workdir)
  return workdir


def _one_line(err):
  """The run's own stderr lines, progress bars and absl's logged warnings aside (a reader's
  counts of duplicate fixture records, say: reports, not errors)."""
  return [l for l in err.splitlines()
          if l.strip() and '%|' not in l and not re.match(r'W\d{4} ', l)]


def _kill_at(workdir, stage, while_stopped=None):
  """The hook stops the run at `stage` (SIGSTOP); then the test kills it (SIGKILL)."""
  proc = subprocess.Popen(_cmd(workdir), cwd=ROOT, env=_env(f'{stage}:STOP'),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
  run_outputs.stopped(proc)
  if while_stopped:
    while_stopped(proc)
  proc.kill()
  out, err = proc.communicate(timeout=60)
  assert proc.returncode == -signal.SIGKILL
  return out + err


def _second_run_is_refused(workdir):
  def check(holder):
    second = _run(workdir)
    assert second.returncode == 1
    lines = _one_line(second.stderr)
    assert len(lines) == 1 and f'in use by the run of PID {holder.pid} on ' in lines[0], lines
  return check


# One workdir through every stage: (stage, signal, what the stopped run says). SIGTERM must
# end the run with 75 and that message; SIGKILL (after SIGSTOP) leaves a stale lock.
CHAIN = (
    ('startup', 'TERM', 'during start-up, before any training'),
    ('compile', 'TERM', 'phase intermediate stopped at step 1 of 4'),
    ('save', 'KILL', None),      # mid-save of step 2; meanwhile a second run is refused
    ('phase_done.intermediate', 'TERM', 'after phase intermediate'),
    ('compile', 'KILL', None),   # target_xnli, before its first step
    # SIGTERM while the phase's last save is in flight: the run stops there, not a phase later.
    ('save@4', 'TERM', 'phase target_xnli stopped at step 4 of 4'),
    ('phase_done.target_xnli', 'KILL', None),
    ('zero_shot', 'TERM', 'in target_xnli zero-shot after en'),
    ('zero_shot', 'KILL', None),  # after de
    ('retrieval', 'TERM', 'in retrieval after tatoeba/de'),
    ('retrieval', 'KILL', None),  # after tatoeba/fr, before retrieval/results.json
    ('report', 'KILL', None),     # report files written, results.json not
    ('report', 'TERM', 'while writing the report'),
)


def test_sigterm_and_sigkill_at_every_stage_then_the_rerun_is_identical(reference, tmp_path):
  workdir, out, refused = tmp_path / 'run', '', False
  for stage, sig, said in CHAIN:
    if sig == 'KILL':
      out += _kill_at(workdir, stage, None if refused else _second_run_is_refused(workdir))
      refused = True
      continue
    p = _run(workdir, f'{stage}:{sig}')
    assert p.returncode == 75, (stage, p.stderr[-3000:])  # main.EXIT_PREEMPTED
    assert f'Stopped by SIGTERM ({said}' in p.stderr, (stage, p.stderr[-2000:])
    assert 'Traceback' not in p.stderr, stage
    out += p.stdout + p.stderr
  # A killed run's lock is stale and taken over; zero-shot and retrieval resume per language.
  assert 'taking over the lock of PID' in out
  assert 'zero-shot on the test split of 3 languages (1 finished earlier)' in out
  assert 'zero-shot on the test split of 3 languages (2 finished earlier)' in out
  assert out.count('  tatoeba de: ') == 1
  assert not os.path.exists(workdir / 'results.json')
  out = _rerun_ok(workdir)
  assert 'finished earlier' in out and 'steps from' not in out
  _assert_same_as(reference, workdir)


def _damage(workdir):
  """Every file a rerun reads, damaged as a kill, a full disk or a person can leave it."""
  def cut(path, keep=0.5):
    with open(path, 'rb') as f:
      data = f.read()
    with open(path, 'wb') as f:
      f.write(data[:int(len(data) * keep)])
  cut(workdir / 'intermediate' / 'results.json')
  with open(workdir / 'intermediate' / 'metrics.jsonl', 'a') as f:
    f.write('{"step": 4, "train/lo')  # torn last line
  with open(workdir / 'intermediate' / 'checkpoints' / '4' / 'data' / 'metadata', 'w') as f:
    json.dump({'step': 3}, f)  # data position disagrees with the step
  best = workdir / 'target_xnli' / 'best'
  step, = [s for s in os.listdir(best) if s.isdigit()]
  data = best / step / 'params' / 'ocdbt.process_0' / 'd'
  for name in os.listdir(data):
    cut(data / name, 0.3)  # truncated best/
  cut(workdir / 'target_xnli' / 'zero_shot.json')
  os.remove(workdir / 'predictions' / 'xnli' / 'test-de.tsv')
  os.remove(workdir / 'predictions' / 'tatoeba' / 'test-fr.tsv')
  open(workdir / 'retrieval' / 'results.json', 'w').close()
  open(workdir / 'results.json', 'w').close()


def test_damaged_files_are_set_aside_and_rebuilt_identically(reference, tmp_path):
  workdir = tmp_path / 'run'
  shutil.copytree(reference, workdir)
  _damage(workdir)
  out = _rerun_ok(workdir)
  for said in (
      'intermediate/results.json is damaged (JSONDecodeError',
      'intermediate/metrics.jsonl line 4: torn last line dropped',
      "checkpoint at step 4 in {}/intermediate/checkpoints is unusable (ValueError: its data "
      "position {{'step': 3}} disagrees with its step 4)".format(workdir),
      'resumed at step 2 of 4',
      '[target_xnli] best checkpoint at step 2 unreadable',
      'target_xnli/zero_shot.json is damaged',
      'predictions/xnli/test-de.tsv is missing; evaluating de again',
      'predictions/tatoeba/test-fr.tsv is missing; evaluating tatoeba/fr again',
      'retrieval/results.json is damaged'):
    assert said in out, said
  assert 'Traceback' not in out
  assert os.path.isdir(workdir / 'target_xnli' / 'best.corrupt')
  assert os.path.isdir(workdir / 'intermediate' / 'checkpoints.corrupt' / '4')
  _assert_same_as(reference, workdir)


def _limit_file_size():
  # Fallback where no tmpfs can be mounted: writes past 64 KiB fail with EFBIG.
  signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
  resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))


def test_full_disk_is_one_line_and_the_rerun_is_identical(reference, tmp_path):
  workdir, full = tmp_path / 'run', tmp_path / 'full'
  os.makedirs(full)
  if subprocess.run(['unshare', '-rm', 'true'], capture_output=True).returncode == 0:
    # A 3 MiB tmpfs (in a user and mount namespace, no root needed) fills up in phase 3;
    # the workdir is copied out before the namespace goes.
    script = 'mount -t tmpfs -o size=3m tmpfs "$0" && "$@"; rc=$?; cp -a "$0" "$0.out"; exit $rc'
    p = _run(full, prefix=['unshare', '-rm', 'sh', '-c', script, str(full)])
    shutil.move(str(full) + '.out', workdir)
    said = 'error: no space left on device writing '
  else:
    p = _run(full, preexec_fn=_limit_file_size)
    shutil.move(str(full), workdir)
    said = 'error: file too large (file size limit) writing '
  assert p.returncode == 1, p.stderr[-3000:]
  lines = _one_line(p.stderr)
  assert len(lines) == 1 and lines[0].startswith(said), lines
  assert 'Traceback' not in p.stdout + p.stderr
  _rerun_ok(workdir)
  _assert_same_as(reference, workdir)
