"""Runs tests/parallel/run_steps.py in fresh processes (device count / jax.distributed are fixed
when JAX starts) and collects their RESULT lines."""

import json
import os
import subprocess
import sys

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
