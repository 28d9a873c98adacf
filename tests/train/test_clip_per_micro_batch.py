"""`clip_per_micro_batch`: one optimizer step over 2 accumulated micro-batches equals jiant's
loop in PyTorch (jiant/shared/runner.py `complex_backpropagate`): (loss / 2).backward(),
clip_grad_norm_, (loss / 2).backward(), clip_grad_norm_, AdamW step.

The same small network (dense → LayerNorm → tanh → dense) in both frameworks, same weights
and micro-batches; relative error max|ours - torch| / max|torch| over all parameters, and
over the update itself (measured 1.2e-6 and 6.8e-6: the accumulated, clipped gradients agree
bit for bit; the update differs by optax's float32 bias correction 1 - 0.999 ** 1, 1.3e-5 off
the float64 one torch uses, which moves Adam's first step by 6.4e-6). Clipping is active after both micro-batches, and clipping once on
the mean gradient (our default) lands measurably elsewhere, so the test can tell the two apart.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

import torch  # the test extra's reference: a missing torch fails, never skips

from xstilts_jax.train.optimizer import make_optimizer

# lr 1: Adam's lr-sized moves stay far above the float32 spacing of the parameters (up to ~5
# here), so the update itself compares at 1e-5 too.
LR, WEIGHT_DECAY, CLIP, ACCUM = 1.0, 0.01, 1.0, 2


def _torch_model():
  torch.manual_seed(0)
  model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.LayerNorm(8), torch.nn.Tanh(),
                              torch.nn.Linear(8, 3))
  with torch.no_grad():  # LayerNorm random too, so its (undecayed) update is tested
    for p in model.parameters():
      p.add_(torch.randn(p.shape) * 2.0)
  return model


def _jax_params(model):
  w = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
  return {'dense': {'kernel': w['0.weight'].T, 'bias': w['0.bias']},
          'LayerNorm': {'scale': w['1.weight'], 'bias': w['1.bias']},
          'out': {'kernel': w['3.weight'].T, 'bias': w['3.bias']}}


def _loss(params, x, y):
  h = x @ params['dense']['kernel'] + params['dense']['bias']
  mean = h.mean(-1, keepdims=True)
  var = ((h - mean) ** 2).mean(-1, keepdims=True)
  h = (h - mean) / jnp.sqrt(var + 1e-5) * params['LayerNorm']['scale'] + params['LayerNorm']['bias']
  logits = jnp.tanh(h) @ params['out']['kernel'] + params['out']['bias']
  return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()


def _ours(params, micro_grads, clip_per_micro_batch):
  """Our optimizer fed the raw gradient of each micro-batch (all taken at the same params)."""
  tx = make_optimizer(LR, total_steps=10, warmup_fraction=0.0, weight_decay=WEIGHT_DECAY,
                      clip_norm=CLIP, grad_accum_steps=ACCUM,
                      clip_per_micro_batch=clip_per_micro_batch)

  @jax.jit
  def step(params, micro_grads):
    state, p, first = tx.init(params), params, None
    for k, grads in enumerate(micro_grads):
      updates, state = tx.update(grads, state, p)
      first = updates if k == 0 else first
      p = optax.apply_updates(p, updates)
    return p, first

  p, first = step(params, micro_grads)
  # The first micro-batch leaves the parameters alone.
  assert all(float(jnp.abs(u).max()) == 0.0 for u in jax.tree.leaves(first))
  return _flat(p)


def _flat(params):
  return np.concatenate([np.ravel(x) for x in jax.tree.leaves(params)])


def _rel(got, want):
  return np.abs(got - want).max() / np.abs(want).max()


def test_one_step_with_accumulation_equals_jiants_loop():
  model = _torch_model()
  params = _jax_params(model)
  rng = np.random.default_rng(0)
  micro_batches = [(rng.normal(size=(3, 6)).astype(np.float32) * 3,
                    rng.integers(0, 3, 3).astype(np.int32)) for _ in range(ACCUM)]
  torch_loss = lambda x, y: torch.nn.functional.cross_entropy(model(torch.tensor(x)),
                                                              torch.tensor(y).long())
  # Each micro-batch's own gradient from torch, for feeding ours the very same numbers.
  torch_grads = []
  for x, y in micro_batches:
    g = torch.autograd.grad(torch_loss(x, y), list(model.parameters()))
    names = [n for n, _ in model.named_parameters()]
    torch_grads.append(_jax_params(_Named(dict(zip(names, g)))))

  # jiant: runner.run_train_step → complex_backpropagate per micro-batch, then the step.
  no_decay = [p for n, p in model.named_parameters() if n.endswith('bias') or n == '1.weight']
  decay = [p for n, p in model.named_parameters() if not (n.endswith('bias') or n == '1.weight')]
  opt = torch.optim.AdamW([{'params': decay, 'weight_decay': WEIGHT_DECAY},
                           {'params': no_decay, 'weight_decay': 0.0}], lr=LR, eps=1e-8,
                          betas=(0.9, 0.999))
  norms = []
  for x, y in micro_batches:
    (torch_loss(x, y) / ACCUM).backward()
    norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)))
  opt.step()
  want = _flat(_jax_params(model))
  assert all(n > CLIP for n in norms), f'the clip should be active after each micro-batch: {norms}'
  before = _flat(params)

  # The same gradients: parameters and the update itself within 1e-5.
  got = _ours(params, torch_grads, clip_per_micro_batch=True)
  assert _rel(got, want) < 1e-5
  assert _rel(got - before, want - before) < 1e-5
  # Clipping once, on the mean gradient (our default), is another step altogether.
  once = _ours(params, torch_grads, clip_per_micro_batch=False)
  assert _rel(once - before, want - before) > 0.1
  # Our own gradients (3e-7 from torch's): the same.
  grad_fn = jax.jit(jax.grad(_loss))
  jax_grads = [grad_fn(params, x, y) for x, y in micro_batches]
  got = _ours(params, jax_grads, clip_per_micro_batch=True)
  assert _rel(got, want) < 1e-5
  assert _rel(got - before, want - before) < 1e-5


class _Named:
  """A stand-in with `named_parameters()` for gradients (to reuse `_jax_params`)."""

  def __init__(self, tensors):
    self.tensors = tensors

  def named_parameters(self):
    return self.tensors.items()
