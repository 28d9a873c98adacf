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
checkpoint is kept; a full disk; another run holds the workdir), printed as one line (the
traceback too with --verbosity=1); 75 (EX_TEMPFAIL) stopped by SIGTERM, at any stage, after
saving what was in progress: run the same command again to resume.
"""

import errno
import logging as std_logging
import os
import re
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from xstilts_jax import flag_errors
from xstilts_jax import storage

_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'Config file with get_config(); fields can be overridden with --config.x=y.',
    lock_config=True)
_WORKDIR = flags.DEFINE_string(
    'workdir', None, 'Experiment folder: a path every process can see, or gs://bucket/folder '
    '(checkpoints through orbax, every other file through xstilts_jax.storage).')
flags.mark_flags_as_required(['config', 'workdir'])

EXIT_ERROR = 1
EXIT_PREEMPTED = 75


def workdir_problem(workdir: str):
  """Why `workdir` cannot be written (created if missing), or None; checked before any work."""
  probe = os.path.join(workdir, f'.write_probe.{os.getpid()}')
  if storage.is_remote(workdir):
    problem = storage.scheme_problem(workdir) or storage.endpoint_problem(workdir)
    if problem:
      return f'--workdir {problem}'
    try:
      storage.write_text(probe, 'ok')
      storage.remove(probe)
    except Exception as e:  # noqa: BLE001 - credentials, permissions, no such bucket, ...
      return f'--workdir {workdir}: cannot write there ({type(e).__name__}: {str(e)[:200]})'
    return None
  try:
    os.makedirs(workdir, exist_ok=True)
    with open(probe, 'w') as f:
      f.write('ok')
    os.remove(probe)
  except OSError as e:
    return f'--workdir {workdir}: cannot write there ({e.strerror or e})'
  return None


def _fail(message, code):
  """One line per cause; the traceback only with --verbosity=1."""
  if flags.FLAGS.verbosity >= 1:
    logging.exception('%s', message)
  print(message, file=sys.stderr, flush=True)
  sys.exit(code)


# Storage full: no space, quota, file size limit. Orbax reports them as a ValueError
# holding the text and "[os_error_code='28']".
_STORAGE_FULL = {errno.ENOSPC: 'no space left on device', errno.EDQUOT: 'disk quota exceeded',
                 errno.EFBIG: 'file too large (file size limit)'}


def _storage_full(e):
  """(what, path or None) when `e` or one of its causes is a full-storage write error."""
  while e is not None:
    code = getattr(e, 'errno', None)
    found = re.search(r"os_error_code='(\d+)'", str(e))
    code = code if code in _STORAGE_FULL else int(found.group(1)) if found else None
    if code in _STORAGE_FULL:
      path = getattr(e, 'filename', None) or re.search(r'"(/[^"]+)"', str(e))
      return _STORAGE_FULL[code], (path if isinstance(path, str) or path is None
                                   else path.group(1))
    e = e.__cause__ or e.__context__
  return None


def _quiet_background_errors():
  """Without --verbosity: no tracebacks from orbax's writer threads (the error reaches the
  main thread, which reports it once), nor from their unfinished coroutines collected at
  exit ('Event loop is closed': a failed save abandons its other writes)."""
  if flags.FLAGS.verbosity >= 1:
    return

  class _NoOrbaxErrors(std_logging.Filter):

    def filter(self, record):
      return not (record.levelno >= std_logging.ERROR and '/orbax/' in record.pathname)

  class _NoAsyncioErrors(std_logging.Filter):

    def filter(self, record):
      return record.levelno < std_logging.ERROR

  logging.get_absl_logger().addFilter(_NoOrbaxErrors())
  # orbax reads and writes in asyncio tasks; a failed one is also reported by asyncio itself
  # ('Task exception was never retrieved', with the traceback), on its own logger
  std_logging.getLogger('asyncio').addFilter(_NoAsyncioErrors())
  # gcsfs logs a failed request's traceback, then raises it (reported once, by main)
  std_logging.getLogger('gcsfs').addFilter(_NoAsyncioErrors())
  sys.unraisablehook = lambda unraisable: None


def main(argv):
  from xstilts_jax.train import preemption  # pylint: disable=g-import-not-at-top
  preemption.install()  # SIGTERM from here on: finish what is in progress, then exit 75
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  if not flags.FLAGS['verbosity'].present:
    logging.set_verbosity(logging.WARNING)  # orbax and jax log every save at INFO
  _quiet_background_errors()
  config, workdir = _CONFIG.value, _WORKDIR.value
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
  from xstilts_jax.train import workdir_lock

  global_batch.maybe_initialize_distributed()
  if jax.process_count() > 1:
    preemption.multi_process()
  if config.compilation_cache:
    cache = (os.path.join(workdir, '.xla_cache') if config.compilation_cache == 'workdir'
             else config.compilation_cache)
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 1.0)
  try:
    with workdir_lock.job_lock(workdir):
      experiment.run(config, workdir)
  except loop.Preempted as e:
    _fail(f'Stopped by SIGTERM ({e}); run the same command to resume.', EXIT_PREEMPTED)
  except preflight.PreflightError as e:
    _fail(f'error: {e}', EXIT_ERROR)
  except loop.NonFiniteLossError as e:
    _fail(f'error: {e}', EXIT_ERROR)
  except workdir_lock.WorkdirBusy as e:
    _fail(f'error: {e}', EXIT_ERROR)
  except Exception as e:  # noqa: BLE001 - one line per cause
    full = _storage_full(e)
    if full is not None:
      what, where = full
      _fail(f'error: {what}{f" writing {where}" if where else ""}; free space and run the '
            'same command to resume', EXIT_ERROR)
    hint = '' if flags.FLAGS.verbosity >= 1 else ' (--verbosity=1 shows the traceback)'
    _fail(f'error: {type(e).__name__}: {" ".join(str(e).split())[:500]}{hint}', EXIT_ERROR)


def run():
  """`python -m xstilts_jax.main` (and `xstilts train`, through xstilts_jax.cli)."""
  app.run(main, flags_parser=flag_errors.parse)


if __name__ == '__main__':
  run()
