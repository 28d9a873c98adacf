"""launch/gpu.sh: the XLA settings per GPU count, and clear errors without a GPU."""

import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _gpu_sh(tmp_path, gpus, jax_sees_gpu=True, **env_vars):
  bin_dir = tmp_path / 'bin'
  bin_dir.mkdir()
  smi = ''.join(f'echo "GPU {i}: NVIDIA H100 (UUID: GPU-{i})"\n' for i in range(gpus))
  (bin_dir / 'nvidia-smi').write_text('#!/bin/sh\n' + smi)
  # stands in for python: the device check (-c) answers as told; the run prints what it got
  (bin_dir / 'python').write_text(
      '#!/bin/sh\nif [ "$1" = -c ]; then exit %d; fi\n'
      'echo "XLA_FLAGS=$XLA_FLAGS"\necho "MEM=${XLA_PYTHON_CLIENT_MEM_FRACTION-unset}"\n'
      'echo "args: $*"\n' % (0 if jax_sees_gpu else 1))
  for f in bin_dir.iterdir():
    f.chmod(0o755)
  env = {k: v for k, v in os.environ.items()
         if k not in ('CUDA_VISIBLE_DEVICES', 'XLA_FLAGS', 'XLA_PYTHON_CLIENT_MEM_FRACTION')}
  env.update(PATH=f'{bin_dir}:{os.environ["PATH"]}', PYTHON=str(bin_dir / 'python'), **env_vars)
  return subprocess.run(['bash', os.path.join(ROOT, 'launch', 'gpu.sh'), 'configs/xlmr_base.py',
                         '/runs/x', '--config.seed=2'], env=env, capture_output=True, text=True,
                        timeout=30)


@pytest.mark.parametrize('gpus,env_vars,flags', [
    (1, {}, ''),
    (8, {}, '--xla_gpu_enable_latency_hiding_scheduler=true'),
    (8, {'XLA_FLAGS': '--xla_dump_to=/tmp/d'},
     '--xla_gpu_enable_latency_hiding_scheduler=true --xla_dump_to=/tmp/d'),
    (8, {'CUDA_VISIBLE_DEVICES': '3'}, ''),
    (1, {'CUDA_VISIBLE_DEVICES': '0,1'}, '--xla_gpu_enable_latency_hiding_scheduler=true'),
])
def test_flags_follow_the_gpu_count_and_memory_is_jax_default(tmp_path, gpus, env_vars, flags):
  result = _gpu_sh(tmp_path, gpus, **env_vars)
  assert result.returncode == 0, result.stderr
  assert result.stdout.splitlines() == [
      f'XLA_FLAGS={flags}', 'MEM=unset',
      'args: -m xstilts_jax.main --config configs/xlmr_base.py --workdir /runs/x --config.seed=2']


@pytest.mark.parametrize('gpus,jax_sees_gpu,message', [
    (0, True, 'no GPU found'),
    (2, False, "pip install -e '.[gpu]'"),
])
def test_no_gpu_is_a_clear_error(tmp_path, gpus, jax_sees_gpu, message):
  result = _gpu_sh(tmp_path, gpus, jax_sees_gpu=jax_sees_gpu)
  assert result.returncode == 1 and message in result.stderr and not result.stdout
