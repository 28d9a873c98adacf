"""The device mesh: axes ('data', 'fsdp', 'tensor') with a shape from the config.

data: pure data parallelism (parameters replicated); fsdp: data parallelism with parameters
and optimizer state split (ZeRO-3 style); tensor: model parallelism inside a layer.
"""

import math
from typing import Optional, Sequence

import jax
import numpy as np

AXES = ('data', 'fsdp', 'tensor')


def resolve_shape(shape: Sequence[int], num_devices: int) -> tuple:
  """Replaces one -1 by whatever fills `num_devices`; checks the product."""
  shape = [int(s) for s in shape]
  if shape.count(-1) > 1:
    raise ValueError(f'mesh shape {tuple(shape)}: at most one -1')
  if -1 in shape:
    known = math.prod(s for s in shape if s != -1)
    if num_devices % known:
      raise ValueError(f'mesh shape {tuple(shape)} does not divide {num_devices} devices')
    shape[shape.index(-1)] = num_devices // known
  if math.prod(shape) != num_devices:
    raise ValueError(f'mesh shape {tuple(shape)} needs {math.prod(shape)} devices, '
                     f'there are {num_devices}')
  return tuple(shape)


def make_mesh(shape: Sequence[int] = (-1, 1, 1), axis_names: Sequence[str] = AXES,
              devices: Optional[Sequence[jax.Device]] = None) -> jax.sharding.Mesh:
  """A mesh over `devices` (default: all) with Auto axis types.

  Auto, not jax.make_mesh's default Explicit: linen's logical partitioning (with_sharding_constraint
  from rules) needs the compiler to choose layouts.
  """
  devices = list(jax.devices() if devices is None else devices)
  shape = resolve_shape(shape, len(devices))
  if len(shape) != len(axis_names):
    raise ValueError(f'mesh shape {shape} and axis names {tuple(axis_names)} differ in length')
  auto = (jax.sharding.AxisType.Auto,) * len(shape)
  if len(devices) == len(jax.devices()):
    # jax.make_mesh orders devices for the physical topology (TPU ICI rings).
    return jax.make_mesh(shape, tuple(axis_names), axis_types=auto, devices=devices)
  return jax.sharding.Mesh(np.asarray(devices).reshape(shape), tuple(axis_names), axis_types=auto)
