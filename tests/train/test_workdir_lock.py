"""The workdir lock: one run per workdir, stale locks of dead processes taken over."""

import json
import os
import socket
import subprocess
import sys

import pytest

from xstilts_jax.train import workdir_lock


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
