"""AdamW as jiant trains XLM-R (PROTOCOL.md): linear warmup then linear decay to 0, weight decay
except biases and LayerNorm parameters, global-norm clipping once per optimizer step, or, as
jiant does it, after every micro-batch (`clip_per_micro_batch`)."""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

# Leaf names that never decay: every bias, LayerNorm's scale (its bias is a 'bias'), and the
# dual encoder's logit_scale (a temperature, not a weight; XTREME-R trains it without decay).
NO_DECAY = ('bias', 'scale', 'logit_scale')


def make_schedule(learning_rate: float, total_steps: int, warmup_fraction: float = 0.1):
  """Hugging Face's get_linear_schedule_with_warmup, counted in optimizer steps."""
  warmup = int(warmup_fraction * total_steps)

  def schedule(count):
    count = jnp.asarray(count, jnp.float32)
    up = count / max(warmup, 1)
    down = (total_steps - count) / max(total_steps - warmup, 1)
    return learning_rate * jnp.clip(jnp.where(count < warmup, up, down), 0.0, 1.0)

  return schedule


def decay_mask(params):
  """True where weight decay applies: kernels and embeddings, not biases or LayerNorm."""
  def keep(path, _):
    last = path[-1]
    name = getattr(last, 'key', getattr(last, 'name', None))
    return name not in NO_DECAY
  return jax.tree_util.tree_map_with_path(keep, params)


class MicroBatchClipState(NamedTuple):
  mini_step: jax.Array   # int32: micro-batches accumulated since the last update
  acc_grads: Any         # the running sum, clipped after every micro-batch
  inner_state: Any


def torch_clip(grads, max_norm: float):
  """torch.nn.utils.clip_grad_norm_: scale by min(1, max_norm / (global norm + 1e-6))."""
  norm = optax.tree.norm(grads)
  coef = jnp.minimum(max_norm / (norm + 1e-6), 1.0)
  return jax.tree.map(lambda g: (g * coef).astype(g.dtype), grads)


def accumulate_clipping_each_micro_batch(inner: optax.GradientTransformation, every_k: int,
                                         max_norm: float | None):
  """jiant's gradient accumulation (`complex_backpropagate` in jiant/shared/runner.py): every
  micro-batch adds gradient / every_k to the accumulated gradient, which is then clipped
  (torch's clip_grad_norm_ on `.grad`); every `every_k`-th micro-batch `inner` (AdamW) takes
  the accumulated gradient and it is reset. Other micro-batches return zero updates, as
  `optax.MultiSteps`."""

  def init(params):
    return MicroBatchClipState(jnp.zeros([], jnp.int32), jax.tree.map(jnp.zeros_like, params),
                               inner.init(params))

  def update(grads, state, params=None):
    acc = jax.tree.map(lambda a, g: a + g / every_k, state.acc_grads, grads)
    if max_norm is not None:
      acc = torch_clip(acc, max_norm)

    def apply(_):
      updates, inner_state = inner.update(acc, state.inner_state, params)
      return updates, MicroBatchClipState(jnp.zeros([], jnp.int32),
                                          jax.tree.map(jnp.zeros_like, acc), inner_state)

    def wait(_):
      return (jax.tree.map(jnp.zeros_like, grads),
              MicroBatchClipState(state.mini_step + 1, acc, state.inner_state))

    return jax.lax.cond(state.mini_step + 1 >= every_k, apply, wait, None)

  return optax.GradientTransformation(init, update)


def make_optimizer(learning_rate: float, total_steps: int, warmup_fraction: float = 0.1,
                   weight_decay: float = 0.01, b1: float = 0.9, b2: float = 0.999,
                   eps: float = 1e-8, clip_norm: float | None = 1.0,
                   grad_accum_steps: int = 1,
                   clip_per_micro_batch: bool = False) -> optax.GradientTransformation:
  """Clip → AdamW (decoupled decay p -= lr*wd*p, as torch.optim.AdamW).

  With grad_accum_steps > 1, `optax.MultiSteps` averages the micro-batch gradients and runs the
  clip and the AdamW update once per optimizer step; `total_steps` counts optimizer steps.
  `clip_per_micro_batch`: jiant's way instead (`accumulate_clipping_each_micro_batch`): the
  running sum is clipped after every micro-batch, with torch's 1e-6 in the denominator.
  """
  if total_steps < 1:
    raise ValueError(f'total_steps must be >= 1, got {total_steps}')
  if grad_accum_steps < 1:
    raise ValueError(f'grad_accum_steps must be >= 1, got {grad_accum_steps}')
  adamw = optax.adamw(make_schedule(learning_rate, total_steps, warmup_fraction),
                      b1=b1, b2=b2, eps=eps, weight_decay=weight_decay, mask=decay_mask)
  if clip_per_micro_batch:
    return accumulate_clipping_each_micro_batch(adamw, grad_accum_steps, clip_norm)
  parts = []
  if clip_norm is not None:
    parts.append(optax.clip_by_global_norm(clip_norm))
  parts.append(adamw)
  tx = optax.chain(*parts)
  if grad_accum_steps > 1:
    tx = optax.MultiSteps(tx, every_k_schedule=grad_accum_steps)
  return tx
