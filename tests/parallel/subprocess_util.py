"""Runs tests/parallel/run_steps.py in fresh processes (device count / jax.distributed are fixed
when JAX starts) and collects their RESULT lines."""

import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'run_steps.py')
CACHE = os.path.abspath(os.path.join(HERE, '..', '..', '.jax_cache'))


def env(num_devices: int) -> dict:
  e = dict(os.environ)
  e.update(JAX_PLATFORMS='cpu', XSTILTS_TEST_JAX_CACHE=CACHE,
           XLA_FLAGS=f'--xla_force_host_platform_device_count={num_devices}')
  return e


def start(args, num_devices: int) -> subprocess.Popen:
  return subprocess.Popen([sys.executable, SCRIPT] + list(args), env=env(num_devices),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def results(output: str) -> dict:
  """{'d,f,t': result} from RESULT lines."""
  out = {}
  for line in output.splitlines():
    if line.startswith('RESULT '):
      r = json.loads(line[len('RESULT '):])
      out[','.join(map(str, r['mesh']))] = r
  return out


def free_port() -> int:
  """A loopback port the OS has free now (a jax.distributed coordinator's)."""
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def communicate_all(procs, timeout_s: float) -> list:
  """Each process's output, all waited on under one deadline; every process is killed after
  (none outlives the test, whatever fails)."""
  outs, deadline = [], time.monotonic() + timeout_s
  try:
    for p in procs:
      outs.append(p.communicate(timeout=max(1.0, deadline - time.monotonic()))[0])
  finally:
    for p in procs:
      p.kill()
  return outs
