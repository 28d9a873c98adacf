"""Logical-axis rules: parameter and activation axis names -> mesh axes.

The table is a config value (a tuple of (logical, mesh axes or None) pairs). Every model
parameter carries logical names through `nn.with_logical_partitioning`; these helpers turn a
tree of such parameters (or its abstract shapes) into `NamedSharding`s on a mesh.
"""

import logging
from typing import Any, Sequence

import flax.linen as nn
import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec as P

# MaxText-style defaults. The batch is split over every data-like axis; a parameter is split
# over fsdp along its embed axis and over tensor along vocab / mlp / heads (Megatron layout).
DEFAULT_RULES = (
    ('batch', ('data', 'fsdp')),
    ('length', None),
    ('vocab', 'tensor'),
    ('embed', 'fsdp'),
    ('mlp', 'tensor'),
    ('heads', 'tensor'),
    ('kv', None),
    ('layers', None),
    ('positions', None),
    ('types', None),
    ('classes', None),
    ('norm', None),
)


def normalize_rules(rules: Sequence[Sequence[Any]] | None) -> tuple:
  """Config files may hold lists; linen wants a tuple of (str, str | tuple | None).

  None or an empty table means DEFAULT_RULES (the config's `parallel.rules = ()`).
  """
  if not rules:
    return DEFAULT_RULES
  out = []
  for name, axes in rules:
    if isinstance(axes, (list, tuple)):
      axes = tuple(axes)
    out.append((str(name), axes))
  return tuple(out)


def replicated(mesh) -> NamedSharding:
  return NamedSharding(mesh, P())


def batch_sharding(mesh, rules=None) -> NamedSharding:
  """Leading (batch) axis split by the 'batch' rule; other axes replicated."""
  return NamedSharding(mesh, nn.logical_to_mesh_axes(P('batch'), normalize_rules(rules)))


def _axis_size(mesh, axes) -> int:
  if axes is None:
    return 1
  axes = axes if isinstance(axes, tuple) else (axes,)
  return int(np.prod([mesh.shape[a] for a in axes]))


def mesh_sharding(logical_spec, shape, mesh, rules=None) -> NamedSharding:
  """NamedSharding for one array; a dimension its mesh axes do not divide stays replicated.

  (XLM-R's vocabulary of 250002 does not split 4 ways; replicating that one dimension beats
  refusing to run.)
  """
  spec = nn.logical_to_mesh_axes(logical_spec, normalize_rules(rules))
  spec = list(spec) + [None] * (len(shape) - len(spec))
  for i, axes in enumerate(spec):
    if axes is not None and shape[i] % _axis_size(mesh, axes):
      logging.warning('dim %d of size %d (logical %s) not divisible by mesh axes %s: replicated',
                      i, shape[i], logical_spec, axes)
      spec[i] = None
  return NamedSharding(mesh, P(*spec))


def _is_boxed(x):
  return isinstance(x, nn.LogicallyPartitioned)


def logical_specs(boxed_tree):
  """Logical PartitionSpec per leaf (P() for leaves without names)."""
  return nn.get_partition_spec(boxed_tree)


def tree_shardings(boxed_tree, mesh, rules=None):
  """NamedShardings for a tree of (abstract) boxed parameters, shaped like the unboxed tree."""
  def one(x):
    if _is_boxed(x):
      return mesh_sharding(P(*x.names), x.value.shape, mesh, rules)
    return mesh_sharding(P(), np.shape(x), mesh, rules)
  return jax.tree.map(one, boxed_tree, is_leaf=_is_boxed)


def _path_key(path) -> tuple:
  return tuple(str(k) for k in path)


def match_shardings_by_path(tree, ref_tree, ref_shardings, default):
  """Shardings for `tree` (e.g. an optimizer state) from a reference tree (the params).

  A leaf whose key path ends with a parameter's key path and has that parameter's shape gets the
  parameter's sharding (Adam's mu/nu, MultiSteps' accumulated gradients); anything else
  (counters, scalars) gets `default`. Works for any optax chain without knowing its structure.
  """
  ref = {}
  for (path, leaf), s in zip(jax.tree_util.tree_flatten_with_path(ref_tree)[0],
                             jax.tree.leaves(ref_shardings)):
    ref[_path_key(path)] = (np.shape(leaf), s)

  def one(path, leaf):
    key = _path_key(path)
    for start in range(len(key)):
      hit = ref.get(key[start:])
      if hit is not None and hit[0] == np.shape(leaf):
        return hit[1]
    return default
  return jax.tree_util.tree_map_with_path(one, tree)


def shard_bytes(x: jax.Array) -> int:
  """Bytes of the largest addressable shard of `x` (to check a parameter is really split)."""
  return max(s.data.nbytes for s in x.addressable_shards)
