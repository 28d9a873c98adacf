"""Pure train and eval steps, and their jit with explicit shardings.

`train_step(state, batch) -> (state, metrics)`: the dropout key is fold_in(state.rng, step), so
a resumed run draws exactly the keys an uninterrupted one would. Gradient accumulation and
clipping live in the optimizer (optax.MultiSteps around the clipped AdamW from
`train.optimizer.make_optimizer`): clipping happens once per optimizer step, on the averaged
gradient. bf16 compute with fp32 master weights is the model config's dtype / param_dtype.
"""

from typing import Any, Callable, Optional

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from xstilts_jax.parallel import rules as rules_lib
from xstilts_jax.train import losses
from xstilts_jax.train.state import TrainState


class NonFiniteLossError(FloatingPointError):
  """The loss or gradient norm of a step was NaN or inf."""


def make_train_step(model: nn.Module, tx: optax.GradientTransformation, head: str,
                    format_name: str, *, loss_fn: Optional[Callable] = None) -> Callable:
  """train_step(state, batch) -> (state, metrics) for one head of `model`.

  metrics: loss (mean over valid items), grad_norm (before clipping), num_valid, and finite
  (False when the loss or the gradient is NaN/inf; see `check_finite`).
  """
  loss_fn = loss_fn or losses.loss_fn(format_name)

  def train_step(state: TrainState, batch: dict[str, Any]):
    dropout_rng = jax.random.fold_in(state.rng, state.step)

    def compute_loss(params):
      outputs = model.apply({'params': params}, batch, head, deterministic=False,
                            rngs={'dropout': dropout_rng})
      loss, count = loss_fn(outputs, batch)
      return loss, count

    (loss, count), grads = jax.value_and_grad(compute_loss, has_aux=True)(state.params)
    updates, opt_state = tx.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    grad_norm = optax.tree.norm(grads)
    metrics = {'loss': loss, 'grad_norm': grad_norm, 'num_valid': count,
               'finite': jnp.isfinite(loss) & jnp.isfinite(grad_norm)}
    return state.replace(step=state.step + 1, params=params, opt_state=opt_state), metrics

  return train_step


def make_eval_step(model: nn.Module, head: Optional[str], **apply_kwargs) -> Callable:
  """eval_step(params, batch) -> the model's outputs (deterministic: no dropout)."""
  def eval_step(params, batch):
    return model.apply({'params': params}, batch, head, deterministic=True, **apply_kwargs)
  return eval_step


def check_finite(metrics: dict, step: int) -> None:
  """Raises NonFiniteLossError when a step's loss or gradient was NaN/inf (host sync)."""
  if not bool(metrics['finite']):
    raise NonFiniteLossError(f'non-finite loss at step {step}: loss={float(metrics["loss"])}, '
                             f'grad_norm={float(metrics["grad_norm"])}')


def _in_mesh(fn, mesh, rules):
  """Traces and runs `fn` under the logical-axis rules.

  Not under `jax.set_mesh(mesh)`: with a mesh context, flax 0.12's param shape check evaluates
  DenseGeneral's kernel init, whose logical constraint (rank 3) meets the flattened rank-2 kernel
  and fails. The shardings on jit's inputs and outputs carry the mesh instead; activation
  constraints (nn.with_logical_constraint) are then no-ops, and XLA propagates the layouts.
  """
  del mesh
  rules = rules_lib.normalize_rules(rules)

  def wrapped(*args):
    with nn.logical_axis_rules(rules):
      return fn(*args)
  wrapped.jitted = fn  # the jax.jit object, for .lower(...).compile() ahead of time
  return wrapped


def jit_train_step(train_step: Callable, state_shardings, mesh, rules=None) -> Callable:
  """Compiled once: state in its shardings and donated, batch split by the 'batch' rule."""
  batch_sh = rules_lib.batch_sharding(mesh, rules)
  fn = jax.jit(train_step, in_shardings=(state_shardings, batch_sh),
               out_shardings=(state_shardings, rules_lib.replicated(mesh)), donate_argnums=(0,))
  return _in_mesh(fn, mesh, rules)


def jit_eval_step(eval_step: Callable, param_shardings, mesh, rules=None, *,
                  replicate_outputs: bool = True) -> Callable:
  """Compiled once. Outputs replicated by default, so every host can read them (np.asarray);
  `replicate_outputs=False` keeps them split by batch (large outputs, e.g. all hidden states)."""
  batch_sh = rules_lib.batch_sharding(mesh, rules)
  out_sh = rules_lib.replicated(mesh) if replicate_outputs else batch_sh
  fn = jax.jit(eval_step, in_shardings=(param_shardings, batch_sh), out_shardings=out_sh)
  return _in_mesh(fn, mesh, rules)
