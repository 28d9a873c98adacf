"""Two processes with jax.distributed on loopback train exactly like one process."""

import numpy as np
import pytest

import subprocess_util

RTOL = 1e-5  # fp32; measured bitwise equal
TIMEOUT_S = 240


@pytest.mark.slow
def test_two_processes_match_one():
  port = subprocess_util.free_port()
  # Each process: 2 CPU devices, so mesh 1x4x1 splits the batch and the parameters (fsdp) across
  # both processes; 1x1x1 on a local device is the one-process reference.
  procs = [subprocess_util.start(
      ['--meshes', '1,1,1:1,4,1', '--steps', '3', '--coordinator', f'127.0.0.1:{port}',
       '--num_processes', '2', '--process_id', str(i)], 2) for i in range(2)]
  outs = subprocess_util.communicate_all(procs, TIMEOUT_S)  # one hard deadline for both
  for p, out in zip(procs, outs):
    assert p.returncode == 0, out[-3000:]
  for out in outs:
    res = subprocess_util.results(out)
    ref, dist = res['1,1,1'], res['1,4,1']
    np.testing.assert_allclose(dist['losses'], ref['losses'], rtol=RTOL)
    np.testing.assert_allclose(dist['param_sq'], ref['param_sq'], rtol=RTOL)
    assert dist['emb_shard_bytes'] == ref['emb_total_bytes'] // 4
