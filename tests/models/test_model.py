"""Model: parameter tree, logical axes, every head's outputs and predictions, dropout."""

import functools

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.models.hf_reference import padded_batch
from xstilts_jax.models import HeadSpec, Model, predict, preset

HEADS = (HeadSpec('nli', 'classification', 3), HeadSpec('hellaswag', 'multiple_choice'),
         HeadSpec('squad', 'span_qa'), HeadSpec('pos', 'tagging', 5), HeadSpec('mlm', 'mlm'),
         HeadSpec('tatoeba', 'retrieval', pool_layer=1))


@pytest.fixture(scope='module')
def setup():
  config = preset('tiny', vocab_size=50)
  model = Model(config, HEADS)
  params = model.init_params(jax.random.key(0))
  ids, mask = padded_batch(config.vocab_size, lengths=(6, 4, 3))

  @functools.partial(jax.jit, static_argnums=(2,))
  def apply(params, batch, head, dropout_rng=None):
    return model.apply({'params': params}, batch, head, deterministic=dropout_rng is None,
                       rngs={} if dropout_rng is None else {'dropout': dropout_rng})

  # One compiled call for every head (few compilations keep the suite fast).
  every = jax.jit(lambda p, i, m: model.apply({'params': p}, i, m, method=Model.all_heads))
  outputs = every(params, ids, mask)
  return config, apply, params, {'input_ids': ids, 'attention_mask': mask}, outputs


def test_param_tree_and_logical_axes_on_every_parameter():
  for scan in (False, True):
    model = Model(preset('tiny', vocab_size=50, scan_layers=scan), HEADS)
    boxed = jax.eval_shape(lambda: model.init_params(jax.random.key(0), boxed=True))
    assert set(boxed) == {'encoder', 'heads'}
    assert set(boxed['heads']) == {'nli', 'hellaswag', 'squad', 'pos', 'mlm'}  # retrieval: none
    assert ('layers' in boxed['encoder']) == scan and ('layer_0' in boxed['encoder']) != scan
    leaves = jax.tree.leaves(boxed, is_leaf=lambda x: isinstance(x, nn.LogicallyPartitioned))
    for leaf in leaves:
      assert isinstance(leaf, nn.LogicallyPartitioned), leaf
      assert len(leaf.names) == leaf.value.ndim and None not in leaf.names, leaf
    if scan:
      kernel = boxed['encoder']['layers']['attention']['query']['kernel']
      assert kernel.names == ('layers', 'embed', 'heads', 'kv')
    # HF's pooler lives in the encoder (it carries from phase 2 to phase 3 with it); the
    # classification and multiple-choice heads are jiant's dense → out_proj on its output.
    assert boxed['encoder']['pooler']['dense']['kernel'].names == ('embed', 'mlp')
    for head in ('nli', 'hellaswag'):
      assert set(boxed['heads'][head]) == {'dense', 'out_proj'}
    assert boxed['heads']['hellaswag']['out_proj']['kernel'].value.shape == (32, 1)


def test_heads_outputs_and_predictions(setup):
  config, apply, params, batch, outputs = setup
  b, t = batch['input_ids'].shape
  want = {'nli': {'logits': (b, 3)}, 'hellaswag': {'logits': (b,)},
          'squad': {'start_logits': (b, t), 'end_logits': (b, t)},
          'pos': {'logits': (b, t, 5)}, 'mlm': {'logits': (b, t, config.vocab_size)},
          'tatoeba': {'embedding': (b, config.hidden_size)}}
  assert jax.tree.map(jnp.shape, outputs) == want
  for spec in HEADS:
    pred = predict(spec.format, outputs[spec.name])
    if 'logits' in outputs[spec.name]:
      np.testing.assert_array_equal(pred['prediction'],
                                    np.argmax(outputs[spec.name]['logits'], -1))
  # Retrieval: mean of hidden_states[pool_layer] over non-padding tokens (specials included).
  hidden = apply(params, batch, None)['hidden_states']
  assert len(hidden) == config.num_hidden_layers + 1
  m = batch['attention_mask'][..., None]
  want_pool = (np.asarray(hidden[1]) * m).sum(1) / m.sum(1)
  np.testing.assert_allclose(outputs['tatoeba']['embedding'], want_pool, rtol=1e-5, atol=1e-6)


def test_multiple_choice_scores_each_choice_separately(setup):
  _, apply, params, batch, outputs = setup
  ids, mask = batch['input_ids'], batch['attention_mask']
  choices = {'input_ids': np.stack([ids, ids[::-1]], 1),
             'attention_mask': np.stack([mask, mask[::-1]], 1)}  # [B, C=2, T]
  logits = apply(params, choices, 'hellaswag')['logits']
  assert logits.shape == (3, 2)
  per_row = outputs['hellaswag']['logits']  # the same head on each [T] row alone
  np.testing.assert_allclose(logits[:, 0], per_row, rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(logits[:, 1], per_row[::-1], rtol=1e-5, atol=1e-6)


def test_dropout_only_when_not_deterministic(setup):
  _, apply, params, batch, outputs = setup

  def logits(seed):
    return apply(params, batch, 'nli', jax.random.key(seed))['logits']
  np.testing.assert_array_equal(logits(0), logits(0))
  assert np.abs(logits(0) - outputs['nli']['logits']).max() > 1e-4
  assert np.abs(logits(0) - logits(1)).max() > 1e-4


def test_unknown_head_and_format_are_named(setup):
  _, apply, params, batch, _ = setup
  with pytest.raises(ValueError, match="head 'x': unknown format 'nope'"):
    HeadSpec('x', 'nope')
  with pytest.raises(ValueError, match='num_labels'):
    HeadSpec('x', 'classification')
  with pytest.raises(KeyError, match="no head named 'xnli'"):
    apply(params, batch, 'xnli')
