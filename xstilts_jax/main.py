"""Entry point: run one experiment (intermediate phase → target phases → zero-shot → table).

  python -m xstilts_jax.main --config configs/tiny.py --workdir /tmp/xstilts_tiny
  python -m xstilts_jax.main --config configs/xlmr_large.py --workdir DIR \
      --config.intermediate.tasks=squad_v1 --config.targets=xquad,mlqa

Run the same command again after a crash, a kill or a preemption: finished phases are kept,
the unfinished one resumes from its last checkpoint.

Before the first step the run checks that everything it will need exists (data, label
lists, checkpoint, tokenizer) and stops at once listing what is missing;
`--config.dry_run=True` prints the plan (phases, examples per split and language, steps,
outputs) and trains nothing.

Exit codes: 0 done (or the dry run printed); 1 an error (something the run needs is missing:
the message lists it all; a NaN loss: the message says which phase and step, the last good
checkpoint is kept); 75 (EX_TEMPFAIL) stopped by SIGTERM after saving a checkpoint: run the
same command again to resume.
"""

import os
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from xstilts_jax import flag_errors

_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'Config file with get_config(); fields can be overridden with --config.x=y.',
    lock_config=True)
_WORKDIR = flags.DEFINE_string(
    'workdir', None, 'Experiment folder: a path every process can see (on a TPU pod, a bucket '
    'mounted with gcsfuse; gs:// URLs are not supported).')
flags.mark_flags_as_required(['config', 'workdir'])

EXIT_ERROR = 1
EXIT_PREEMPTED = 75


def workdir_problem(workdir: str):
  """Why `workdir` cannot be written (created if missing), or None; checked before any work."""
  probe = os.path.join(workdir, f'.write_probe.{os.getpid()}')
  try:
    os.makedirs(workdir, exist_ok=True)
    with open(probe, 'w') as f:
      f.write('ok')
    os.remove(probe)
  except OSError as e:
    return f'--workdir {workdir}: cannot write there ({e.strerror or e})'
  return None


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  if not flags.FLAGS['verbosity'].present:
    logging.set_verbosity(logging.WARNING)  # orbax and jax log every save at INFO
  config, workdir = _CONFIG.value, _WORKDIR.value
  if '://' in workdir:
    raise app.UsageError(f'--workdir {workdir}: URLs are not supported (results, logs and '
                         'reports are written with plain file I/O); mount the bucket with '
                         'gcsfuse and pass the mounted path (see launch/tpu/tpu.sh --bucket)')
  problem = workdir_problem(workdir)
  if problem:
    print(f'error: {problem}', file=sys.stderr)
    sys.exit(EXIT_ERROR)
  if config.xla_flags:
    # Before JAX starts (it is first imported below).
    os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') + ' ' + config.xla_flags).strip()
  # Heavy imports after flag parsing, so --help is instant.
  import jax
  from xstilts_jax.parallel import global_batch
  from xstilts_jax.train import experiment
  from xstilts_jax.train import loop
  from xstilts_jax.train import preflight

  global_batch.maybe_initialize_distributed()
  if config.compilation_cache:
    cache = (os.path.join(workdir, '.xla_cache') if config.compilation_cache == 'workdir'
             else config.compilation_cache)
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 1.0)
  try:
    experiment.run(config, workdir)
  except loop.Preempted as e:
    logging.warning('%s', e)
    print(f'Stopped by SIGTERM after saving a checkpoint ({e}); run the same command to resume.',
          file=sys.stderr)
    sys.exit(EXIT_PREEMPTED)
  except preflight.PreflightError as e:
    print(f'error: {e}', file=sys.stderr)
    sys.exit(EXIT_ERROR)
  except loop.NonFiniteLossError as e:
    logging.error('%s', e)
    print(f'error: {e}', file=sys.stderr)
    sys.exit(EXIT_ERROR)


def run():
  """`python -m xstilts_jax.main` (and `xstilts train`, through xstilts_jax.cli)."""
  app.run(main, flags_parser=flag_errors.parse)


if __name__ == '__main__':
  run()
