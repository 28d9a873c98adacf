"""One training step equals PyTorch's: jiant's classification model (transformers' XLMRobertaModel,
its pooler, jiant's head; tests/models/jiant_reference.py), identical weights and batch, dropout
off; loss, gradients, and parameters after one clipped AdamW step.

Relative error of a tensor: max|ours - torch| / max(max|torch|, floor), with floor = 1e-3 of the
largest value over all tensors of that kind, so that tensors that are (or should be) all zeros
compare on the common scale instead of dividing roundoff by roundoff.

The attention key bias is left out of the parameter comparison: its true gradient is exactly zero
(adding a constant to every key score leaves the softmax unchanged), both frameworks return ~1e-9
roundoff there, and Adam's first step g / (|g| + eps) turns that noise into lr-sized updates of
arbitrary sign. The test checks instead that both gradients are zero to roundoff.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import torch  # the test extra's reference: a missing torch fails, never skips
import transformers

from tests.models import jiant_reference as jiant

from xstilts_jax.models import HeadSpec, Model, hf_state_dict, load_pretrained  # noqa: E402
from xstilts_jax.train.optimizer import decay_mask, make_optimizer, make_schedule  # noqa: E402

LR, WEIGHT_DECAY, CLIP, EPS = 1e-3, 0.01, 1.0, 1e-8


def rel(got, want, floor):
  got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
  return np.abs(got - want).max() / max(np.abs(want).max(), floor)


def scale(tensors):
  return 1e-3 * max(np.abs(t).max() for t in tensors.values())


def to_torch(config, params):
  """Our tree in the reference's names: the encoder (pooler included) via hf_io, the head by
  hand (jiant's ClassificationHead)."""
  encoder = hf_state_dict(config, {'encoder': params['encoder'], 'heads': {}})
  out = {'encoder.' + k[len('roberta.'):]: v for k, v in encoder.items()}
  head = params['heads']['nli']
  for name in ('dense', 'out_proj'):
    out[f'head.{name}.weight'] = np.asarray(head[name]['kernel']).T
    out[f'head.{name}.bias'] = np.asarray(head[name]['bias'])
  return out


@pytest.fixture(scope='module')
def step(tmp_path_factory):
  torch.manual_seed(0)
  hf_config = transformers.XLMRobertaConfig(
      vocab_size=53, hidden_size=36, num_hidden_layers=2, num_attention_heads=3,
      intermediate_size=50, max_position_embeddings=514, type_vocab_size=1, layer_norm_eps=1e-5,
      pad_token_id=1, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, num_labels=3,
      initializer_range=0.2, attn_implementation='eager')
  ref = jiant.ClassificationModel(transformers.XLMRobertaModel(hf_config),
                                  jiant.ClassificationHead(36, 0.0, 3))
  with torch.no_grad():  # LayerNorm and biases random too, so their gradients are tested
    for name, p in ref.named_parameters():
      p.add_(torch.randn(p.shape) * 0.1)
  ref.train()  # dropout probabilities are 0: train mode is deterministic
  folder = str(tmp_path_factory.mktemp('cls'))
  ref.encoder.save_pretrained(folder)  # the encoder, pooler included, through the real loader

  config, params = load_pretrained(folder)
  weights = {k: v.detach().numpy().copy() for k, v in ref.named_parameters()}
  params['heads'] = {'nli': jiant.head_params(ref.head)}
  model = Model(config, (HeadSpec('nli', 'classification', 3),))

  rng = np.random.default_rng(0)
  ids = rng.integers(3, 52, (4, 8)).astype(np.int32)
  ids[:, 0], ids[2, 5:], ids[3, 3:] = 0, 1, 1
  mask = (ids != 1).astype(np.int32)
  labels = np.array([0, 2, 1, 2], np.int32)

  def loss_fn(p):
    logits = model.apply({'params': p}, {'input_ids': ids, 'attention_mask': mask}, 'nli',
                         deterministic=False, rngs={'dropout': jax.random.key(0)})['logits']
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()

  tx = make_optimizer(LR, total_steps=10, warmup_fraction=0.0, weight_decay=WEIGHT_DECAY,
                      eps=EPS, clip_norm=CLIP)

  @jax.jit
  def train_step(p):
    loss, grads = jax.value_and_grad(loss_fn)(p)
    updates, _ = tx.update(grads, tx.init(p), p)
    return loss, grads, optax.apply_updates(p, updates)

  loss, grads, new_params = train_step(params)

  # PyTorch: two parameter groups as jiant (no decay for biases and LayerNorm weights).
  no_decay = [p for n, p in ref.named_parameters() if 'bias' in n or 'LayerNorm.weight' in n]
  decay = [p for n, p in ref.named_parameters() if not ('bias' in n or 'LayerNorm.weight' in n)]
  opt = torch.optim.AdamW([{'params': decay, 'weight_decay': WEIGHT_DECAY},
                           {'params': no_decay, 'weight_decay': 0.0}], lr=LR, eps=EPS,
                          betas=(0.9, 0.999))
  logits = ref(torch.tensor(ids).long(), torch.tensor(mask).long())
  torch_loss = torch.nn.CrossEntropyLoss()(logits, torch.tensor(labels).long())  # as jiant's
  torch_loss.backward()
  norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), CLIP)
  torch_grads = {}
  for n, p in ref.named_parameters():
    torch_grads[n] = p.grad.numpy().copy()
  opt.step()
  torch_params = {n: p.detach().numpy().copy() for n, p in ref.named_parameters()}
  return dict(config=config, params=params, loss=loss, grads=grads, new_params=new_params,
              torch_loss=torch_loss.item(), torch_norm=norm.item(), torch_grads=torch_grads,
              torch_params=torch_params, torch_before=weights)


def test_loss_equal(step):
  assert rel(step['loss'], step['torch_loss'], 0) < 1e-5


def test_gradients_equal(step):
  # torch's grads were clipped in place; undo with its own coefficient to compare raw gradients.
  coef = min(1.0, CLIP / (step['torch_norm'] + 1e-6))
  assert step['torch_norm'] > CLIP, 'the clip should be active in this test'
  grads = to_torch(step['config'], step['grads'])
  assert sorted(grads) == sorted(step['torch_grads'])
  want_grads = {name: g / coef for name, g in step['torch_grads'].items()}
  floor = scale(want_grads)
  for name, want in want_grads.items():
    assert rel(grads[name], want, floor) < 1e-4, name
    if 'key.bias' in name:  # zero in exact arithmetic
      assert max(np.abs(grads[name]).max(), np.abs(want).max()) < 1e-4 * floor


def test_parameters_after_one_adamw_step_equal(step):
  after = to_torch(step['config'], step['new_params'])
  before = step['torch_before']
  moves = {name: want - before[name] for name, want in step['torch_params'].items()}
  floor_params, floor_moves = scale(step['torch_params']), scale(moves)
  ill_conditioned, nonzero = 0, 0
  for name, want in step['torch_params'].items():
    if 'key.bias' in name:
      continue  # see the module docstring
    assert rel(after[name], want, floor_params) < 1e-4, name
    # The update itself (lr-sized) must agree too, not only the parameters it is added to. Looser:
    # Adam's first step is g / (|g| + eps), so entries whose gradient is near roundoff carry
    # that roundoff into an lr-sized move (measured 1.5e-3 at most). Where 0 < |g| < 100 eps
    # (the clipped gradient Adam sees), d(move)/dg = lr eps / (|g| + eps)^2 turns float32
    # roundoff of g into a visible share of lr (measured: one weight, g 3.5e-8 vs torch's
    # 3.8e-8, moved 2% apart); those few entries are checked by the parameter test above only.
    g = step['torch_grads'][name]
    well = ~((g != 0) & (np.abs(g) < 100 * EPS))
    ill_conditioned, nonzero = ill_conditioned + int((~well).sum()), nonzero + int((g != 0).sum())
    move = np.where(well, after[name] - before[name], moves[name])
    assert rel(move, moves[name], floor_moves) < 5e-3, name
    assert np.abs(moves[name]).max() > 0.5 * LR, name  # every tensor moved
  assert ill_conditioned <= 1e-3 * nonzero, (ill_conditioned, nonzero)  # a few, never many


def test_schedule_mask_and_accumulation():
  schedule = make_schedule(1.0, total_steps=20, warmup_fraction=0.1)  # 2 warmup steps
  np.testing.assert_allclose([schedule(s) for s in (0, 1, 2, 11, 20, 25)],
                             [0.0, 0.5, 1.0, 0.5, 0.0, 0.0], atol=1e-7)
  params = {'dense': {'kernel': jnp.ones((2, 2)), 'bias': jnp.ones(2)},
            'LayerNorm': {'scale': jnp.ones(2), 'bias': jnp.ones(2)},
            'embed': {'embedding': jnp.ones((3, 2))}}
  assert decay_mask(params) == {'dense': {'kernel': True, 'bias': False},
                                'LayerNorm': {'scale': False, 'bias': False},
                                'embed': {'embedding': True}}
  # Two accumulated micro-batches = one step on their mean gradient, clipped once (norm > 1).
  g1 = jax.tree.map(lambda x: 3.0 * x, params)
  g2 = jax.tree.map(lambda x: -1.0 * x, params)
  mean = jax.tree.map(lambda a, b: (a + b) / 2, g1, g2)
  single = make_optimizer(1e-2, 10, warmup_fraction=0.0)
  want, _ = single.update(mean, single.init(params), params)
  accum = make_optimizer(1e-2, 10, warmup_fraction=0.0, grad_accum_steps=2)
  state = accum.init(params)
  zero, state = accum.update(g1, state, params)
  got, _ = accum.update(g2, state, params)
  jax.tree.map(lambda z: np.testing.assert_array_equal(z, 0.0), zero)
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6), got, want)
