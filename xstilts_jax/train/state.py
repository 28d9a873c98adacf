"""TrainState: everything that changes during training, as plain data.

No apply_fn, no tx: they are closed over by the step functions, so the state's pytree is the
same for shardings, checkpoints and the jitted step.
"""

from typing import Any, Callable

import flax
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax.parallel import rules as rules_lib


@flax.struct.dataclass
class TrainState:
  step: jax.Array       # int32 scalar: micro-steps taken (optax.MultiSteps counts inside opt_state)
  params: Any
  opt_state: Any
  rng: jax.Array        # uint32[2] raw PRNG key; the dropout key of a step is fold_in(rng, step)


def _init_state(init_params: Callable, tx, rng, given=None) -> TrainState:
  init_rng, state_rng = jax.random.split(rng)
  params = nn.meta.unbox(init_params(init_rng))
  if given:
    params = _merge(params, given)
  return TrainState(step=jnp.zeros((), jnp.int32), params=params, opt_state=tx.init(params),
                    rng=state_rng)


def _merge(params: dict, given: dict) -> dict:
  """params with the subtrees of `given` in their place; a dict in `given` with fewer keys than
  its counterpart (e.g. one head of several) is merged one level deeper."""
  out = dict(params)
  for key, value in given.items():
    partial = isinstance(value, dict) and set(value) != set(params[key])
    out[key] = _merge(params[key], value) if partial else value
  return out


def state_shardings(init_params: Callable, tx, mesh, rules=None, rng=None):
  """(abstract TrainState, TrainState of NamedShardings) from a params init function.

  `init_params(rng)` returns parameters boxed with logical axis names (e.g.
  `lambda r: model.init(r, batch, head)['params']`); it is only traced, never run here.
  """
  rng = jax.random.PRNGKey(0) if rng is None else rng
  boxed = jax.eval_shape(init_params, rng)
  param_sh = rules_lib.tree_shardings(boxed, mesh, rules)
  abstract = jax.eval_shape(lambda r: _init_state(init_params, tx, r), rng)
  rep = rules_lib.replicated(mesh)
  opt_sh = rules_lib.match_shardings_by_path(abstract.opt_state, abstract.params, param_sh, rep)
  return abstract, TrainState(step=rep, params=param_sh, opt_state=opt_sh, rng=rep)


def with_shardings(abstract, shardings):
  """ShapeDtypeStructs carrying shardings: the target for checkpoint restore."""
  return jax.tree.map(lambda x, s: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=s),
                      abstract, shardings)


def put(tree, shardings):
  """Host arrays (identical on every process) -> global arrays with the given shardings."""
  def one(x, s):
    x = np.asarray(x)
    return jax.make_array_from_callback(x.shape, s, lambda idx: x[idx])
  return jax.tree.map(one, tree, shardings)


def init_state_with(init_params: Callable, tx, rng, shardings, given: dict) -> TrainState:
  """A fresh TrainState whose parameters include `given` (device arrays, e.g. a pretrained
  encoder, in subtrees of the params tree with their shardings), which are donated.

  Only the rest is initialised: XLA drops the random init of the replaced subtrees, which at
  XLM-R Large size would cost seconds and a transient 2.2 GB per copy. Values are those of
  `create_train_state` with the given subtrees swapped in.
  """
  given_sh = jax.tree.map(lambda x: x.sharding, given)
  init = jax.jit(lambda r, g: _init_state(init_params, tx, r, g),
                 in_shardings=(shardings.rng, given_sh), out_shardings=shardings,
                 donate_argnums=1)
  return init(put(rng, shardings.rng), given)


def create_train_state(init_params: Callable, tx, rng, mesh, rules=None, *, params=None):
  """A sharded TrainState, created directly in its shards; returns (state, shardings).

  With `params` (host arrays in the same tree, e.g. a pretrained encoder merged with fresh
  heads) those replace the initialised parameters; the optimizer state starts fresh either way.
  """
  abstract, shardings = state_shardings(init_params, tx, mesh, rules, rng)
  # No mesh / rules context here: out_shardings place the parameters, and under a mesh context
  # linen's DenseGeneral init applies a rank-3 logical constraint to its rank-2 kernel (flax 0.12).
  if params is None:
    init = jax.jit(lambda r: _init_state(init_params, tx, r), in_shardings=shardings.rng,
                   out_shardings=shardings)
    return init(put(rng, shardings.rng)), shardings
  if jax.tree.structure(params) != jax.tree.structure(abstract.params):
    raise ValueError('params tree differs from the model\'s: '
                     f'{jax.tree.structure(params)} vs {jax.tree.structure(abstract.params)}')
  bad = [f'{jax.tree_util.keystr(path)}: {np.shape(got)} vs {want.shape}'
         for (path, want), got in zip(jax.tree_util.tree_flatten_with_path(abstract.params)[0],
                                      jax.tree.leaves(params))
         if tuple(np.shape(got)) != tuple(want.shape)]
  if bad:
    raise ValueError('params of the wrong shape: ' + '; '.join(bad))
  params = jax.tree.map(lambda x, a: np.asarray(x, a.dtype), params, abstract.params)
  params = put(params, shardings.params)
  _, state_rng = jax.random.split(rng)
  make = jax.jit(lambda p, r: TrainState(step=jnp.zeros((), jnp.int32), params=p,
                                         opt_state=tx.init(p), rng=r),
                 in_shardings=(shardings.params, shardings.rng), out_shardings=shardings)
  return make(params, put(state_rng, shardings.rng)), shardings
