"""The workdir lock: one run per workdir, stale locks of dead processes taken over; a job of
two processes (jax.distributed on loopback) locks through process 0; the refused run is one
line, its traceback only with --verbosity=1."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.parallel import subprocess_util
from xstilts_jax.train import workdir_lock

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _dead_pid():
  p = subprocess.Popen([sys.executable, '-c', 'pass'])
  p.wait()
  return p.pid


def _write_lock(workdir, **holder):
  with open(os.path.join(workdir, workdir_lock.LOCK_NAME), 'w') as f:
    json.dump(holder, f)


def test_second_lock_is_refused_naming_the_holder_and_released_on_exit(tmp_path):
  with workdir_lock.WorkdirLock(tmp_path):
    with pytest.raises(workdir_lock.WorkdirBusy, match=rf'PID {os.getpid()} on '):
      workdir_lock.WorkdirLock(tmp_path).acquire()
  assert not os.path.exists(tmp_path / workdir_lock.LOCK_NAME)
  with workdir_lock.WorkdirLock(tmp_path):  # free again
    pass


def test_stale_lock_of_a_dead_process_is_taken_over_with_a_message(tmp_path):
  dead = _dead_pid()
  _write_lock(tmp_path, host=socket.gethostname(), pid=dead, started=1.0)
  said = []
  with workdir_lock.WorkdirLock(tmp_path, log=said.append):
    with open(tmp_path / workdir_lock.LOCK_NAME) as f:
      assert json.load(f)['pid'] == os.getpid()
  assert len(said) == 1 and f'PID {dead}' in said[0] and 'gone' in said[0]


def test_lock_of_another_host_is_never_taken_over(tmp_path):
  _write_lock(tmp_path, host='some-other-host', pid=_dead_pid(), started=1.0)
  with pytest.raises(workdir_lock.WorkdirBusy, match='on some-other-host'):
    workdir_lock.WorkdirLock(tmp_path).acquire()


def test_reused_pid_of_a_later_process_is_stale(tmp_path):
  # Our own PID, but a process start time that is not ours: the holder is gone.
  _write_lock(tmp_path, host=socket.gethostname(), pid=os.getpid(), started=1.0,
              process_start=-1)
  said = []
  with workdir_lock.WorkdirLock(tmp_path, log=said.append):
    pass
  assert len(said) == 1


def test_job_lock_of_two_processes_taken_by_process_0_or_refused_on_both(tmp_path):
  free, held = tmp_path / 'free', tmp_path / 'held'
  os.makedirs(held)
  # Held by a live run: this test's own process.
  _write_lock(held, host=socket.gethostname(), pid=os.getpid(), started=time.time(),
              process_start=workdir_lock.process_start(os.getpid()))
  script = os.path.join(os.path.dirname(__file__), 'job_lock_process.py')
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  coordinator = f'127.0.0.1:{subprocess_util.free_port()}'
  procs = [subprocess.Popen([sys.executable, script, coordinator, str(i), str(free), str(held)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
           for i in range(2)]
  outs = subprocess_util.communicate_all(procs, 120)  # one deadline for both
  results = []
  for p, out in zip(procs, outs):
    assert p.returncode == 0, out[-3000:]
    results.append([json.loads(l[len('RESULT '):]) for l in out.splitlines()
                    if l.startswith('RESULT ')])
  (free0, held0), (free1, held1) = results
  # A free workdir: process 0 holds the lock, process 1 goes on; released at the end.
  assert free0['holder'] == free1['holder'] == free0['pid'] != free1['pid']
  assert not os.path.exists(free / workdir_lock.LOCK_NAME)
  # A held one: both stop, each naming the holder in one line; the lock is left alone.
  for r in (held0, held1):
    assert f'in use by the run of PID {os.getpid()} on {socket.gethostname()}' in r['busy']
    assert '\n' not in r['busy']
  with open(held / workdir_lock.LOCK_NAME) as f:
    assert json.load(f)['pid'] == os.getpid()


def test_an_error_is_one_line_and_its_traceback_only_with_verbosity_1(tmp_path):
  # A run stopping early (its workdir held by this test's process), without and with
  # --verbosity=1, both at once.
  _write_lock(tmp_path, host=socket.gethostname(), pid=os.getpid(), started=time.time(),
              process_start=workdir_lock.process_start(os.getpid()))
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)
  cmd = [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/tiny.py',
         '--workdir', str(tmp_path)]
  procs = [subprocess.Popen(cmd + extra, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
           for extra in ([], ['--verbosity=1'])]
  (_, quiet), (_, verbose) = [p.communicate(timeout=120) for p in procs]
  assert [p.returncode for p in procs] == [1, 1]
  said = f'error: {tmp_path} is in use by the run of PID {os.getpid()} on '
  lines = [l for l in quiet.splitlines() if l.strip()]
  assert len(lines) == 1 and lines[0].startswith(said), lines
  assert 'Traceback (most recent call last)' in verbose and 'WorkdirBusy' in verbose
  assert said in verbose
