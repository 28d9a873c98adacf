"""Encoder variants (remat, scan over layers, bf16 compute) against the plain fp32 stack."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.models.hf_reference import padded_batch
from xstilts_jax.models import XLMREncoder, load_pretrained


@pytest.fixture(scope='module')
def checkpoint(mlm_checkpoints):
  folder = mlm_checkpoints['odd'][0]
  ids, mask = padded_batch(101)
  return folder, jnp.asarray(ids), jnp.asarray(mask)


def run(folder, ids, mask, **overrides):
  """Hidden states and the gradient of a scalar of them, for one config variant."""
  config, params = load_pretrained(folder, **overrides)
  encoder = XLMREncoder(config)

  def loss(p):
    out = encoder.apply({'params': p}, ids, mask, output_hidden_states=True)
    hidden = out['hidden_states'] + (out['pooler_output'],)  # the pooler gets a gradient too
    return sum(jnp.sum(jnp.sin(h.astype(jnp.float32))) for h in hidden), hidden

  (_, hidden), grads = jax.jit(jax.value_and_grad(loss, has_aux=True))(params['encoder'])
  return config, hidden, grads


@pytest.fixture(scope='module')
def plain(checkpoint):
  return run(*checkpoint)


@pytest.mark.parametrize('overrides', [dict(remat=True), dict(scan_layers=True),
                                       dict(remat=True, scan_layers=True)])
def test_remat_and_scan_equal_the_plain_stack(checkpoint, plain, overrides):
  config, hidden, grads = run(*checkpoint, **overrides)
  _, want_hidden, want_grads = plain
  assert len(hidden) == len(want_hidden) == 5  # 4 hidden states and the pooler output
  for got, want in zip(hidden, want_hidden):
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
  if config.scan_layers:  # compare per layer: stacked [L, ...] → layer_i
    layers = {f'layer_{i}': jax.tree.map(lambda x, i=i: x[i], grads['layers'])
              for i in range(config.num_hidden_layers)}
    grads = {**{k: v for k, v in grads.items() if k != 'layers'}, **layers}
  jax.tree.map(lambda g, w: np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5), grads,
               want_grads)


def test_bf16_compute_with_fp32_params_is_close(checkpoint, plain):
  # bf16 keeps 8 bits of mantissa (relative step 2^-8 ≈ 0.4%): we accept a 1.5% relative error
  # of each hidden state (Frobenius norm) after 3 layers, with parameters kept in float32
  # (measured: 0.2% for the embeddings, 0.45% after the last layer).
  config, hidden, grads = run(*checkpoint, dtype='bfloat16')
  assert config.param_dtype == 'float32'
  assert jax.tree.leaves(grads)[0].dtype == jnp.float32
  for i, (got, want) in enumerate(zip(hidden, plain[1])):
    assert got.dtype == jnp.bfloat16
    err = np.linalg.norm(np.float32(got) - want) / np.linalg.norm(want)
    assert err < 1.5e-2, f'output {i} (hidden states, then the pooler) relative error {err}'
