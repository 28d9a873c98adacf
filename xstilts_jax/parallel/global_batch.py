"""Host-local numpy batches -> global jax.Arrays; starting jax.distributed on multi-host setups.

Each process loads only its own rows of the global batch (`process_rows`), and
`make_global_batch` stitches the per-process pieces into one logical array split by the
batch sharding. Nothing here ever holds the full global batch on one host.
"""

import logging
import os
from typing import Mapping, Optional

import jax
import numpy as np


def process_rows(sharding: jax.sharding.Sharding, global_batch_size: int) -> slice:
  """The contiguous rows of the global batch that this process must load."""
  index_map = sharding.addressable_devices_indices_map((global_batch_size,))
  starts, stops = [], []
  for idx in index_map.values():
    rows = idx[0] if idx else slice(None)
    start, stop, _ = rows.indices(global_batch_size)
    starts.append(start)
    stops.append(stop)
  start, stop = min(starts), max(stops)
  covered = set()
  for a, b in zip(starts, stops):
    covered.update(range(a, b))
  if covered != set(range(start, stop)):
    raise ValueError(f'process {jax.process_index()} holds non-contiguous batch rows; '
                     'use a mesh whose batch axes are process-major (parallel.mesh.make_mesh)')
  return slice(start, stop)


def make_global_batch(local_batch: Mapping[str, np.ndarray], sharding: jax.sharding.Sharding,
                      global_batch_size: Optional[int] = None) -> dict:
  """Global arrays from this process's rows (`process_rows`); leading axis = batch."""
  def one(x):
    x = np.asarray(x)
    global_shape = None
    if global_batch_size is not None:
      global_shape = (global_batch_size,) + x.shape[1:]
    return jax.make_array_from_process_local_data(sharding, x, global_shape)
  return {k: one(v) for k, v in local_batch.items()}


def _cluster_configured() -> bool:
  """Env of a multi-host launcher that jax.distributed.initialize() can auto-detect."""
  env = os.environ
  hosts = env.get('TPU_WORKER_HOSTNAMES', '')
  if ',' in hosts or int(env.get('MEGASCALE_NUM_SLICES', '1') or 1) > 1:
    return True  # Cloud TPU pod slice / multislice
  for var in ('SLURM_NTASKS', 'OMPI_COMM_WORLD_SIZE'):
    if int(env.get(var, '1') or 1) > 1:
      return True
  return False


def maybe_initialize_distributed(coordinator_address: Optional[str] = None,
                                 num_processes: Optional[int] = None,
                                 process_id: Optional[int] = None, *,
                                 initialization_timeout: int = 300) -> bool:
  """Starts jax.distributed when several processes are configured; nothing on one host.

  Explicit arguments win, then JAX_COORDINATOR_ADDRESS / JAX_NUM_PROCESSES / JAX_PROCESS_ID,
  then an auto-detected cluster (TPU pod, SLURM, Open MPI). Call before any other JAX use.
  Returns whether jax.distributed is (now) initialized.
  """
  if jax.distributed.is_initialized():
    return True
  env = os.environ
  coordinator_address = coordinator_address or env.get('JAX_COORDINATOR_ADDRESS')
  if num_processes is None and env.get('JAX_NUM_PROCESSES'):
    num_processes = int(env['JAX_NUM_PROCESSES'])
  if process_id is None and env.get('JAX_PROCESS_ID'):
    process_id = int(env['JAX_PROCESS_ID'])
  if coordinator_address and num_processes and num_processes > 1:
    logging.info('jax.distributed: process %s of %d, coordinator %s',
                 process_id, num_processes, coordinator_address)
    jax.distributed.initialize(coordinator_address, num_processes, process_id,
                               initialization_timeout=initialization_timeout)
    return True
  if _cluster_configured():
    logging.info('jax.distributed: auto-detecting the cluster')
    jax.distributed.initialize(initialization_timeout=initialization_timeout)
    return True
  return False
