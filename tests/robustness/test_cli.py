"""`python -m xstilts_jax.robustness`: a killed run continues, a finished one does no work."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

from conftest import LANGUAGES, ROOT, TARGETS  # pylint: disable=g-bad-import-order


def _command(workdir, *extra, config=True):
  """The CLI with the config given (config=True) or read from the workdir's run_config.json."""
  given = ['--config', os.path.join(ROOT, 'configs', 'tiny.py'), '--config.seed=0',
           '--config.intermediate.tasks=', f'--config.targets={TARGETS}',
           f'--config.eval.languages={LANGUAGES}',
           f'--config.compilation_cache={os.path.join(ROOT, ".jax_cache")}']
  return [sys.executable, '-m', 'xstilts_jax.robustness', '--workdir', workdir,
          *(given if config else []),
          '--tasks=xnli', '--kinds=char', '--levels=0,0.3', '--seeds=0,1,2', *extra]


def _env():
  return dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT)


def _run(cmd):
  p = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
  assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
  return int(re.search(r'(\d+) cells computed', p.stdout).group(1))


def _cells(workdir):
  root = os.path.join(workdir, 'robustness', 'cells')
  return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                if f.endswith('.json'))


def test_killed_run_continues_and_finished_run_does_nothing(demo_workdir, tmp_path):
  workdir = str(tmp_path / 'w')
  shutil.copytree(demo_workdir[1], workdir, ignore=shutil.ignore_patterns('robustness'))
  # clean + 3 seeds at level 0.3 + 3 adversarial seeds = 7 cells.
  cmd = _command(workdir, '--adversarial', '--edits=1', '--queries=20', '--candidates=2')
  p = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, start_new_session=True)
  deadline = time.time() + 240
  while len(_cells(workdir)) < 2 and p.poll() is None and time.time() < deadline:
    time.sleep(0.2)
  os.killpg(p.pid, signal.SIGKILL)
  p.wait()
  done = len(_cells(workdir))
  assert 2 <= done < 7
  assert _run(cmd) == 7 - done  # only what the killed run had not written
  assert len(_cells(workdir)) == 7
  assert _run(cmd) == 0           # finished: no work, the report is rewritten
  # Without --config, the workdir's run_config.json: the same cells, so again no work.
  assert _run(_command(workdir, '--adversarial', '--edits=1', '--queries=20', '--candidates=2',
                       config=False)) == 0
  report = os.path.join(workdir, 'robustness', 'report', 'report.md')
  with open(report) as f:
    text = f.read()
  assert '| xnli | char | 0.30 |' in text and 'Adversarial' in text


def test_workdir_without_its_config_is_one_line(tmp_path):
  p = subprocess.run(_command(str(tmp_path), config=False), cwd=ROOT, env=_env(),
                     capture_output=True, text=True, timeout=120)
  assert p.returncode == 1
  assert p.stderr.strip().splitlines() == [
      f'error: {tmp_path}/run_config.json is missing (a run writes it when it starts); give the '
      'config the run used: --config FILE [--config.x=y ...]']


def test_one_line_errors(tmp_path):
  p = subprocess.run([sys.executable, '-m', 'xstilts_jax.robustness', '--compare',
                      str(tmp_path / 'a'), str(tmp_path / 'b')], cwd=ROOT, env=_env(),
                     capture_output=True, text=True, timeout=120)
  assert p.returncode == 1
  assert p.stderr.strip().count('\n') == 0 and 'no robustness cells' in p.stderr
