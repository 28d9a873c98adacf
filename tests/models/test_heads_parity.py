"""Classification and multiple-choice heads against jiant's (torch, tests/models/jiant_reference)
on transformers' XLMRobertaModel with its pooler, identical weights, fp32, dropout off; and the
jiant heads' init (torch.nn.Linear's)."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from tests.models import jiant_reference as jiant
from tests.models.hf_reference import padded_batch
from xstilts_jax.models import HeadSpec, Model, load_pretrained, preset
from xstilts_jax.models import heads as heads_lib
from xstilts_jax.models.xlmr import Pooler

TOL = 1e-5


@pytest.fixture(scope='module')
def setup(base_checkpoint):
  folder, encoder = base_checkpoint
  config, params = load_pretrained(folder)
  h = config.hidden_size
  torch.manual_seed(0)  # jiant's heads keep torch's default Linear init
  cls_head = jiant.ClassificationHead(h, config.hidden_dropout_prob, 3)
  mc_head = jiant.RegressionHead(h, config.hidden_dropout_prob)
  params['heads'] = {'nli': jiant.head_params(cls_head), 'copa': jiant.head_params(mc_head)}
  model = Model(config, (HeadSpec('nli', 'classification', 3),
                         HeadSpec('copa', 'multiple_choice')))
  apply = jax.jit(lambda p, b, head: model.apply({'params': p}, b, head), static_argnums=2)
  return (config, params, apply, jiant.ClassificationModel(encoder, cls_head).eval(),
          jiant.MultipleChoiceModel(encoder, mc_head).eval())


def test_classification_logits_equal_jiant(setup):
  config, params, apply, reference, _ = setup
  ids, mask = padded_batch(config.vocab_size, seed=1)
  with torch.no_grad():
    want = reference(torch.tensor(ids).long(), torch.tensor(mask).long()).numpy()
  got = np.asarray(apply(params, {'input_ids': ids, 'attention_mask': mask}, 'nli')['logits'])
  assert got.shape == want.shape == (3, 3)
  assert np.abs(want).max() > 0.1  # a meaningful comparison
  diff = np.abs(got - want).max()
  assert diff <= TOL, f'classification logits max abs diff {diff}'


def test_multiple_choice_logits_equal_jiant(setup):
  config, params, apply, _, reference = setup
  # [B=2, C=3, T]: each choice a sequence of its own, with its own padding.
  ids, mask = padded_batch(config.vocab_size, seed=2, lengths=(9, 5, 2, 7, 9, 3))
  ids, mask = ids.reshape(2, 3, -1), mask.reshape(2, 3, -1)
  with torch.no_grad():
    want = reference(torch.tensor(ids).long(), torch.tensor(mask).long()).numpy()
  got = np.asarray(apply(params, {'input_ids': ids, 'attention_mask': mask}, 'copa')['logits'])
  assert got.shape == want.shape == (2, 3)
  assert np.abs(want).max() > 0.1
  diff = np.abs(got - want).max()
  assert diff <= TOL, f'multiple-choice logits max abs diff {diff}'


def test_head_init_is_torch_linear_default():
  """jiant's heads are plain torch.nn.Linear: weight and bias U(±1/sqrt(fan_in)), where the
  encoder, its pooler included, draws HF's normal(initializer_range) with zero bias."""
  config = preset('tiny', hidden_size=48, num_attention_heads=4)
  pooled, hidden = jnp.zeros((1, 48)), jnp.zeros((1, 2, 48))
  modules = {  # each head alone (no encoder: small); Model puts them under params['heads']
      'nli': (heads_lib.ClassificationHead(config, 3), pooled),
      'copa': (heads_lib.MultipleChoiceHead(config), pooled),
      'pos': (heads_lib.TaggingHead(config, 7), hidden),
      'squad': (heads_lib.SpanQAHead(config), hidden),
      'pooler': (Pooler(config), hidden)}
  params = jax.jit(lambda rng: {name: nn.unbox(m.init(rng, x))['params']
                                for name, (m, x) in modules.items()})(jax.random.key(0))
  pooler = params.pop('pooler')['dense']
  values = []  # every head's weights and biases (fan_in = hidden_size for all of them)
  for path, x in jax.tree_util.tree_leaves_with_path(params):
    x = np.asarray(x).ravel()
    assert not np.all(x == 0), jax.tree_util.keystr(path)
    values.append(x)
  values = np.concatenate(values)
  bound = 1 / np.sqrt(config.hidden_size)
  # U(-b, b): inside ±b, extremes near it, std b/sqrt(3) (normal(0.02) is far from all three).
  assert np.abs(values).max() <= bound
  assert np.abs(values).max() > 0.95 * bound
  assert abs(values.std() / (bound / np.sqrt(3)) - 1) < 0.05, values.std()
  # torch.nn.Linear's own weights, to pin the claim about torch: the same bound and spread.
  torch_weight = torch.nn.Linear(config.hidden_size, 64).weight.detach().numpy()
  assert np.abs(torch_weight).max() <= bound
  assert abs(torch_weight.std() / (bound / np.sqrt(3)) - 1) < 0.05
  assert abs(np.std(pooler['kernel']) / config.initializer_range - 1) < 0.1
  np.testing.assert_array_equal(pooler['bias'], 0.0)
