"""Command-line errors are one line, before any model loads; `xstilts --help` lists commands."""

import os
import subprocess
import sys

import pytest

from xstilts_jax import cli
from xstilts_jax import main as main_lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, 'configs', 'tiny.py')


def _run(*args, timeout=60):
  return subprocess.run([sys.executable, '-m', 'xstilts_jax.cli', *args], cwd=ROOT,
                        capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_command(capsys):
  assert cli.main(['--help']) == 0
  out = capsys.readouterr().out
  for command in ('train', 'score', 'download', 'grid', 'robustness'):
    assert any(line.split()[:1] == [command] for line in out.splitlines()), out


def test_unknown_command_names_the_commands(capsys):
  assert cli.main(['trian']) == cli.EXIT_USAGE
  err = capsys.readouterr().err
  assert "unknown command 'trian'" in err and 'train' in err.split('commands:')[1]


def test_config_typo_is_one_line_with_the_suggestion(tmp_path):
  r = _run('train', '--config', TINY, '--workdir', str(tmp_path),
           '--config.eval.langauges=de')
  assert r.returncode == 2, r.stderr
  assert r.stderr.strip().splitlines() == [
      "error: --config.eval.langauges: no field 'eval.langauges' in the config; "
      "did you mean 'eval.languages'? (--help lists the flags)"]
  assert not os.listdir(tmp_path)  # exited before anything was written


def test_bad_value_and_missing_config_are_one_line(tmp_path):
  r = _run('--config', TINY, '--workdir', str(tmp_path), '--config.eval.batch_size=abc')
  assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
  assert "--config.eval.batch_size=abc" in r.stderr and 'Traceback' not in r.stderr
  r = _run('train', '--config', 'configs/nope.py', '--workdir', str(tmp_path))
  assert r.returncode == 2 and r.stderr.strip() == 'error: --config configs/nope.py: no such file'


def test_unwritable_workdir_fails_before_any_work(tmp_path):
  parent = tmp_path / 'a_file'
  parent.write_text('not a folder')  # unwritable even as root, unlike chmod
  workdir = str(parent / 'run')
  r = _run('train', '--config', TINY, '--workdir', workdir)
  assert r.returncode == main_lib.EXIT_ERROR
  assert r.stderr.strip() == f'error: --workdir {workdir}: cannot write there (Not a directory)'
  assert main_lib.workdir_problem(str(tmp_path / 'new' / 'run')) is None
  assert os.listdir(tmp_path / 'new' / 'run') == []  # created, the probe removed
