"""Sharding changes where numbers live, never the numbers: 8 simulated CPU devices."""

import jax
import numpy as np
import pytest
from jax.sharding import PartitionSpec as P

from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.parallel import rules as rules_lib

import subprocess_util

# fp32 on CPU: reductions split over devices may reorder sums; 1e-5 relative is far above that
# (measured: bitwise equal) and far below any real bug (a wrong shard or mean is >1e-3).
RTOL = 1e-5


def test_resolve_shape():
  assert mesh_lib.resolve_shape((-1, 1, 1), 8) == (8, 1, 1)
  assert mesh_lib.resolve_shape((2, -1, 1), 8) == (2, 4, 1)
  assert mesh_lib.resolve_shape((2, 2, 2), 8) == (2, 2, 2)
  with pytest.raises(ValueError, match='needs 4 devices'):
    mesh_lib.resolve_shape((2, 2, 1), 8)
  with pytest.raises(ValueError, match='at most one -1'):
    mesh_lib.resolve_shape((-1, -1, 1), 8)
  with pytest.raises(ValueError, match='does not divide'):
    mesh_lib.resolve_shape((3, -1, 1), 8)


def test_make_mesh_single_device_auto_axes():
  mesh = mesh_lib.make_mesh((-1, 1, 1))
  assert mesh.axis_names == ('data', 'fsdp', 'tensor')
  assert all(t == jax.sharding.AxisType.Auto for t in mesh.axis_types)


def test_rules_and_divisibility_fallback():
  mesh = jax.sharding.AbstractMesh((2, 2, 2), ('data', 'fsdp', 'tensor'))
  sh = rules_lib.mesh_sharding(P('vocab', 'embed'), (1000, 32), mesh)
  assert sh.spec == P('tensor', 'fsdp')
  # XLM-R's 250002-row vocabulary does not split 4 ways: that dimension stays replicated.
  mesh4 = jax.sharding.AbstractMesh((1, 2, 4), ('data', 'fsdp', 'tensor'))
  assert rules_lib.mesh_sharding(P('vocab', 'embed'), (250002, 1024), mesh4).spec == P(None, 'fsdp')
  assert rules_lib.batch_sharding(mesh).spec == P(('data', 'fsdp'))
  # Rules from a config file (lists) are normalised.
  rules = rules_lib.normalize_rules([['batch', ['data']], ['embed', None]])
  assert rules == (('batch', ('data',)), ('embed', None))


def test_meshes_give_one_device_numbers():
  proc = subprocess_util.start(['--meshes', '1,1,1:8,1,1:2,4,1:2,2,2', '--steps', '3'], 8)
  try:
    out, _ = proc.communicate(timeout=300)
  finally:
    proc.kill()
  assert proc.returncode == 0, out[-3000:]
  res = subprocess_util.results(out)
  ref = res['1,1,1']
  for mesh in ('8,1,1', '2,4,1', '2,2,2'):
    np.testing.assert_allclose(res[mesh]['losses'], ref['losses'], rtol=RTOL, err_msg=mesh)
    np.testing.assert_allclose(res[mesh]['param_sq'], ref['param_sq'], rtol=RTOL, err_msg=mesh)
  # The losses move (the updates are real), so equal losses mean equal training.
  assert len(set(ref['losses'])) == 3
  total = ref['emb_total_bytes']
  assert res['8,1,1']['emb_shard_bytes'] == total  # pure data parallel: replicated
  for mesh in ('2,4,1', '2,2,2'):  # word embeddings (vocab x embed) over tensor x fsdp = 4 ways
    assert res[mesh]['emb_shard_bytes'] == total // 4, res[mesh]
    assert res[mesh]['mu_shard_bytes'] == total // 4, res[mesh]  # Adam's moment too


def test_no_distributed_on_one_host(monkeypatch):
  from xstilts_jax.parallel import global_batch
  for var in ('JAX_COORDINATOR_ADDRESS', 'JAX_NUM_PROCESSES', 'TPU_WORKER_HOSTNAMES',
              'MEGASCALE_NUM_SLICES', 'SLURM_NTASKS', 'OMPI_COMM_WORLD_SIZE'):
    monkeypatch.delenv(var, raising=False)
  assert global_batch.maybe_initialize_distributed() is False
  sh = rules_lib.batch_sharding(mesh_lib.make_mesh((1, 1, 1)))
  assert global_batch.process_rows(sh, 8) == slice(0, 8)
  batch = global_batch.make_global_batch({'x': np.arange(8)}, sh)
  np.testing.assert_array_equal(batch['x'], np.arange(8))
