"""launch/tpu/: the gcloud calls of every command, against a fake gcloud, and the worker scripts.

Command forms follow gcloud's reference: `compute tpus queued-resources create QR --node-id
--zone --accelerator-type --runtime-version [--spot|--reserved]`, `queued-resources delete QR
--zone --force`, `tpu-vm ssh NODE --zone --worker=all --command=...`, `tpu-vm scp SRC
NODE:DEST --zone --worker=all`.
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TPU_SH = os.path.join(ROOT, 'launch', 'tpu', 'tpu.sh')
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fake_gcloud.py')
BASE = ['--name', 'xs', '--zone', 'us-east5-a']


def _fake_gcloud(tmp_path, **scenario):
  """A PATH with a fake gcloud in front; returns (env, folder of its records)."""
  state, bin_dir = tmp_path / 'gcloud_state', tmp_path / 'bin'
  state.mkdir()
  bin_dir.mkdir()
  (state / 'scenario.json').write_text(json.dumps(scenario))
  gcloud = bin_dir / 'gcloud'
  gcloud.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(FAKE)} "$@"\n')
  gcloud.chmod(0o755)
  env = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}', FAKE_GCLOUD_DIR=str(state))
  for var in ('TPU_NAME', 'ZONE', 'PROJECT', 'ACCELERATOR', 'XSTILTS_PACKAGE', 'BUCKET',
              'CONFIG', 'WORKDIR'):
    env.pop(var, None)
  return env, state


def _tpu(env, *args, check=True):
  return subprocess.run(['bash', TPU_SH, *args], env=env, capture_output=True, text=True,
                        timeout=60, check=check)


def _calls(state):
  path = state / 'calls.jsonl'
  return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _command(call):
  return next(a.split('=', 1)[1] for a in call if a.startswith('--command='))


def _label(call):
  """One word per call, to check the order of a sequence."""
  group, verb = call[2], call[3]
  if call[:3] == ['storage', 'objects', 'describe']:
    return 'results?'
  if verb == 'ssh':
    command = _command(call)
    for key, label in (('worker_run.sh state', 'job?'), ('test -f', 'results?'),
                       ('worker_setup.sh', 'setup'), ('worker_run.sh start', 'start'),
                       ('tail', 'logs')):
      if key in command:
        return label
  return {('queued-resources', 'describe'): 'queued?', ('tpu-vm', 'describe'): 'node?',
          ('tpu-vm', 'scp'): 'scp', ('queued-resources', 'create'): 'create',
          ('queued-resources', 'delete'): 'delete'}[group, verb]


def _remote_args(command, script):
  """The arguments the worker's shell passes to `script` in `command`."""
  tail = command.split(script, 1)[1]
  out = subprocess.run(['bash', '-c', f'printf "%s\\n" {tail}'], capture_output=True,
                       text=True, check=True).stdout
  return out.splitlines()


@pytest.mark.parametrize('accelerator,flags,runtime,model', [
    ('v4-8', [], 'tpu-ubuntu2204-base', []),
    ('v5litepod-16', ['--spot'], 'v2-alpha-tpuv5-lite', ['--spot']),
    ('v5p-8', ['--reserved', '--project', 'proj'], 'v2-alpha-tpuv5', ['--reserved']),
    ('v6e-8', ['--spot', '--runtime-version', 'v2-alpha-tpuv6e'], 'v2-alpha-tpuv6e', ['--spot']),
])
def test_create_queues_the_runtime_of_the_accelerator_and_waits(tmp_path, accelerator, flags,
                                                                 runtime, model):
  env, state = _fake_gcloud(tmp_path, queued=['WAITING_FOR_RESOURCES', 'PROVISIONING', 'ACTIVE'])
  _tpu(env, 'create', *BASE, '--accelerator', accelerator, '--interval', '0', *flags)
  calls = _calls(state)
  location = ['--zone=us-east5-a'] + (['--project=proj'] if '--project' in flags else [])
  assert calls[0] == ['compute', 'tpus', 'queued-resources', 'create', 'xs', '--node-id=xs',
                      *location, f'--accelerator-type={accelerator}',
                      f'--runtime-version={runtime}', *model]
  assert [_label(c) for c in calls] == ['create', 'queued?', 'queued?', 'queued?']


def test_create_refuses_an_unknown_accelerator(tmp_path):
  env, state = _fake_gcloud(tmp_path)
  result = _tpu(env, 'create', *BASE, '--accelerator', 'v7x-8', check=False)
  assert result.returncode == 1 and '--runtime-version' in result.stderr
  assert not _calls(state)


def test_setup_run_logs_status_delete(tmp_path):
  env, state = _fake_gcloud(tmp_path, job=['running'])
  package = 'xstilts-jax[tpu] @ git+https://example.org/xstilts-jax@v0.1.0'
  _tpu(env, 'setup', *BASE)
  _tpu(env, 'setup', *BASE, '--package', package)
  _tpu(env, 'run', *BASE, '--config', 'configs/xlmr_base.py', '--workdir',
       'gs://my-bucket/runs/a b', '--', '--config.seed=3', '--config.targets=xnli,pawsx')
  _tpu(env, 'logs', *BASE, '--worker', '2')
  _tpu(env, 'status', *BASE)
  _tpu(env, 'delete', *BASE)
  calls = _calls(state)
  labels = [_label(c) if c[3] != 'describe' else 'describe' for c in calls]
  assert labels == ['scp', 'setup', 'scp', 'setup', 'start', 'logs', 'describe', 'job?', 'delete']
  scp = calls[0]
  assert scp[:4] == ['compute', 'tpus', 'tpu-vm', 'scp'] and scp[5:] == [
      'xs:xstilts-src.tgz', '--zone=us-east5-a', '--worker=all']
  assert not os.path.exists(scp[4])  # the bundle is removed after the copy
  members = json.loads((state / 'scp_members.json').read_text())
  for path in ('setup.py', 'configs/xlmr_large.py', 'xstilts_jax/main.py',
               'launch/tpu/worker_setup.sh', 'launch/tpu/worker_run.sh'):
    assert path in members
  assert not any(m.startswith('.git/') for m in members)
  for call in calls:
    if call[3] == 'ssh':
      assert call[:5] == ['compute', 'tpus', 'tpu-vm', 'ssh', 'xs'] and '--zone=us-east5-a' in call
  assert '--worker=all' in calls[1]
  assert _remote_args(_command(calls[1]), 'worker_setup.sh') == ['']
  assert _remote_args(_command(calls[3]), 'worker_setup.sh') == [package]
  assert '--worker=all' in calls[4]
  assert _remote_args(_command(calls[4]), 'worker_run.sh start') == [
      'configs/xlmr_base.py', 'gs://my-bucket/runs/a b', '--config.seed=3',
      '--config.targets=xnli,pawsx']
  assert '--worker=2' in calls[5]
  assert calls[6] == ['compute', 'tpus', 'queued-resources', 'describe', 'xs', '--zone=us-east5-a']
  assert calls[8] == ['compute', 'tpus', 'queued-resources', 'delete', 'xs', '--zone=us-east5-a',
                      '--force', '--quiet']


def test_watch_recreates_a_suspended_spot_resource_until_results_exist(tmp_path):
  env, state = _fake_gcloud(
      tmp_path, queued=['ACTIVE', 'SUSPENDED', 'PROVISIONING', 'ACTIVE'], node=['READY'],
      job=['bare', 'NO_SCRIPT'], results_after_runs=2)
  result = _tpu(env, 'watch', *BASE, '--accelerator', 'v5litepod-8', '--spot', '--interval',
                '0', '--workdir', 'gs://b/runs/x', '--', '--config.seed=1')
  assert [_label(c) for c in _calls(state)] == [
      'queued?', 'node?', 'results?', 'job?', 'scp', 'setup', 'start',
      'queued?', 'delete', 'create',
      'queued?',
      'queued?', 'node?', 'results?', 'job?', 'scp', 'setup', 'start',
      'queued?', 'node?', 'results?']
  calls = _calls(state)
  assert calls[2] == ['storage', 'objects', 'describe', 'gs://b/runs/x/results.json']
  assert calls[9][-3:] == ['--accelerator-type=v5litepod-8',
                           '--runtime-version=v2-alpha-tpuv5-lite', '--spot']
  for start in (calls[6], calls[17]):
    assert _remote_args(_command(start), 'worker_run.sh start') == [
        'configs/xlmr_large.py', 'gs://b/runs/x', '--config.seed=1']
  assert 'results.json exists' in result.stderr


def test_watch_reruns_after_sigterm_and_recreates_a_preempted_node(tmp_path):
  env, state = _fake_gcloud(
      tmp_path, queued=['ACTIVE'], node=['READY', 'READY', 'PREEMPTED', 'READY'],
      job=['SSH_FAILS', 'exited 75', 'bare'], results_after_runs=2)
  _tpu(env, 'watch', *BASE, '--interval', '0', '--workdir', '/gcs/b/runs/x')
  calls = _calls(state)
  assert [_label(c) for c in calls] == [
      'queued?', 'node?', 'results?', 'job?',  # ssh failed: nothing done, asked again
      'queued?', 'node?', 'results?', 'job?', 'start',
      'queued?', 'node?', 'delete', 'create',
      'queued?', 'node?', 'results?', 'job?', 'scp', 'setup', 'start',
      'queued?', 'node?', 'results?']
  assert _command(calls[2]).strip() == 'test -f /gcs/b/runs/x/results.json' and '--worker=0' in calls[2]
  assert calls[12][-2:] == ['--accelerator-type=v4-8', '--runtime-version=tpu-ubuntu2204-base']


def test_watch_stops_on_a_failed_run(tmp_path):
  env, state = _fake_gcloud(tmp_path, queued=['ACTIVE'], node=['READY'], job=['exited 1'])
  result = _tpu(env, 'watch', *BASE, '--interval', '0', '--workdir', 'gs://b/x', check=False)
  assert result.returncode == 1 and 'exited 1' in result.stderr and 'logs' in result.stderr
  assert [_label(c) for c in _calls(state)] == ['queued?', 'node?', 'results?', 'job?']


@pytest.mark.parametrize('command', ['create', 'setup', 'run', 'logs', 'status', 'delete',
                                     'watch'])
def test_dry_run_calls_nothing(tmp_path, command):
  env, state = _fake_gcloud(tmp_path, queued=['ACTIVE'], node=['READY'], job=['idle'])
  result = _tpu(env, command, *BASE, '--spot', '--workdir', 'gs://b/x', '--dry-run')
  assert not _calls(state)
  printed = [line for line in result.stdout.splitlines() if line.startswith('+ gcloud ')]
  assert printed and all(shlex.split(p)[1:4] == ['gcloud', 'compute', 'tpus'] for p in printed)
  if command == 'watch':
    assert [shlex.split(p)[4:6] for p in printed] == [
        ['queued-resources', 'delete'], ['queued-resources', 'create'], ['tpu-vm', 'scp'],
        ['tpu-vm', 'ssh'], ['tpu-vm', 'ssh']]


def test_worker_run_starts_a_session_that_outlives_its_shell_and_keeps_the_log(tmp_path):
  home, workdir = tmp_path / 'home', tmp_path / 'work dir'
  venv_bin = home / 'xstilts' / 'venv' / 'bin'
  venv_bin.mkdir(parents=True)
  (home / 'xstilts' / 'src').mkdir()
  release = tmp_path / 'release'
  python = venv_bin / 'python'  # stands in for the run: prints its arguments, waits for the
  python.write_text(            # test to release it, exits as preempted
      '#!/bin/sh\necho "args: $*"; echo "cwd: $PWD"\n'
      f'while [ ! -e {release} ]; do sleep 0.1; done; exit 75\n')
  python.chmod(0o755)
  env = dict(os.environ, HOME=str(home))
  script = os.path.join(ROOT, 'launch', 'tpu', 'worker_run.sh')
  run = lambda *a, check=True: subprocess.run(['bash', script, *a], env=env, capture_output=True,
                                              text=True, timeout=30, check=check)
  assert run('start', 'configs/tiny.py', str(workdir), '--config.seed=2').returncode == 0
  pid = int((home / 'xstilts' / 'run.pid').read_text())
  deadline = time.time() + 10  # setsid runs in the started child: wait for it
  while os.getsid(pid) == os.getsid(0) and time.time() < deadline:
    time.sleep(0.05)
  assert os.getsid(pid) == pid  # a session of its own: a dropped ssh does not end it
  assert run('state').stdout.strip() == 'running'
  again = run('start', 'configs/tiny.py', str(workdir), check=False)
  assert again.returncode == 1 and 'already running' in again.stderr
  release.touch()
  deadline = time.time() + 20
  while run('state').stdout.strip() == 'running' and time.time() < deadline:
    time.sleep(0.2)
  assert run('state').stdout.strip() == 'exited 75'
  log = (workdir / 'logs' / f'{socket.gethostname()}.log').read_text()
  assert f'args: -m xstilts_jax.main --config configs/tiny.py --workdir {workdir} --config.seed=2' in log
  assert f'cwd: {home}/xstilts/src' in log and 'exit code 75' in log


def test_worker_setup_gets_python_311_and_the_package_and_mounts_nothing(tmp_path):
  home, bin_dir = tmp_path / 'home', tmp_path / 'bin'
  home.mkdir()
  bin_dir.mkdir()
  record = tmp_path / 'record.txt'
  fakes = {
      # the uv installer (curl ... | sh) puts a uv in ~/.local/bin that makes the venv
      'uv': f'echo "uv $*" >> {record}\n'
            f'if [ "$1" = venv ]; then mkdir -p "$4/bin"; ln -s {sys.executable} "$4/bin/python"; fi',
      'curl': f'echo "curl $*" >> {record}\n'
              'case "$*" in *astral.sh/uv/install.sh*) '
              f'echo "mkdir -p \\$HOME/.local/bin; cp {bin_dir}/uv.fake \\$HOME/.local/bin/uv";; esac',
      'sudo': f'echo "sudo $*" >> {record}',
      'gcsfuse': f'echo "gcsfuse $*" >> {record}',  # a gs:// workdir needs no mount
  }
  for name, body in fakes.items():
    path = bin_dir / (name + '.fake' if name == 'uv' else name)
    path.write_text('#!/bin/sh\n' + body + '\n')
    path.chmod(0o755)
  env = dict(os.environ, HOME=str(home), PATH=f'{bin_dir}:/usr/bin:/bin')
  subprocess.run(['bash', os.path.join(ROOT, 'launch', 'tpu', 'worker_setup.sh'), ''],
                 env=env, check=True, capture_output=True, text=True, timeout=120)
  venv = f'{home}/xstilts/venv'
  assert record.read_text().splitlines() == [
      'curl -LsSf https://astral.sh/uv/install.sh',
      f'uv venv --python >=3.11 {venv}',
      f'uv pip install --python {venv}/bin/python {home}/xstilts/src[tpu]',
  ]
