"""FSDP of the pre-LN (XLM-R XL/XXL) encoder on 8 simulated CPU devices, mesh (1, 8, 1): the big
kernels and their Adam moments stored at 1/8 of their bytes per device, and the same training
(losses, parameters) as on one device."""

import numpy as np

import subprocess_util

RTOL = 1e-5  # as test_sharding_mesh.py: fp32 sums reordered over devices, far below a real bug


def test_fsdp_pre_ln_gives_one_device_numbers_at_one_fsdp_th_of_the_bytes():
  proc = subprocess_util.start(
      ['--meshes', '1,1,1:1,8,1', '--steps', '2', '--pre_layer_norm'], 8)
  try:
    out, _ = proc.communicate(timeout=300)
  finally:
    proc.kill()
  assert proc.returncode == 0, out[-3000:]
  res = subprocess_util.results(out)
  ref = res['1,1,1']
  assert ref['pre_layer_norm']  # the XL layout was built
  assert ref['losses'][0] != ref['losses'][1]  # the update is real
  # One FSDP mesh (mixed data x fsdp meshes are test_sharding_mesh.py's, for post-LN).
  r = res['1,8,1']
  np.testing.assert_allclose(r['losses'], ref['losses'], rtol=RTOL)
  np.testing.assert_allclose(r['param_sq'], ref['param_sq'], rtol=RTOL)
  # [vocab, embed] and the FFN's [embed, mlp], and their Adam moments: embed split 8 ways.
  assert r['emb_shard_bytes'] == r['mu_shard_bytes'] == ref['emb_total_bytes'] // 8, r
  assert r['ffn_shard_bytes'] == r['ffn_mu_shard_bytes'] == ref['ffn_total_bytes'] // 8, r
