"""AdamW as jiant trains XLM-R (PROTOCOL.md): linear warmup then linear decay to 0, weight decay
except biases and LayerNorm parameters, global-norm clipping once per optimizer step."""

import jax
import jax.numpy as jnp
import optax

# Leaf names that never decay: every bias, and LayerNorm's scale (its bias is a 'bias').
NO_DECAY = ('bias', 'scale')


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


def make_optimizer(learning_rate: float, total_steps: int, warmup_fraction: float = 0.1,
                   weight_decay: float = 0.01, b1: float = 0.9, b2: float = 0.999,
                   eps: float = 1e-8, clip_norm: float | None = 1.0,
                   grad_accum_steps: int = 1) -> optax.GradientTransformation:
  """Clip → AdamW (decoupled decay p -= lr*wd*p, as torch.optim.AdamW).

  With grad_accum_steps > 1, `optax.MultiSteps` averages the micro-batch gradients and runs the
  clip and the AdamW update once per optimizer step; `total_steps` counts optimizer steps.
  """
  if total_steps < 1:
    raise ValueError(f'total_steps must be >= 1, got {total_steps}')
  parts = []
  if clip_norm is not None:
    parts.append(optax.clip_by_global_norm(clip_norm))
  parts.append(optax.adamw(make_schedule(learning_rate, total_steps, warmup_fraction),
                           b1=b1, b2=b2, eps=eps, weight_decay=weight_decay, mask=decay_mask))
  tx = optax.chain(*parts)
  if grad_accum_steps > 1:
    tx = optax.MultiSteps(tx, every_k_schedule=grad_accum_steps)
  return tx
