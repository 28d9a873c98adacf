"""Robustness of a finished workdir's trained models (reads it, never retrains).

  python -m xstilts_jax.robustness --workdir /tmp/xstilts_tiny \
      [--kinds char,keyboard --levels 0,0.05,0.1,0.2,0.3 --seeds 0,1,2 --adversarial]
  python -m xstilts_jax.robustness --compare W1 W2 ... [--out DIR]

The config is the one the run recorded in its workdir (`run_config.json`, written when a run
starts); --config FILE [--config.x=y ...] gives it instead (a workdir written before runs
recorded it). Every (task, kind, level, seed) cell is written once: run the
same command again after a kill and it continues; on a finished suite it only rewrites the
report (`<workdir>/robustness/report/`). --compare writes the cross-run report (each run
minus the first, per language, paired) to --out (default `<W1>/robustness/compare`).
"""

import os
import sys

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

from xstilts_jax import run_config
from xstilts_jax import storage

_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'The config file the experiment ran with (and its --config.x=y overrides); '
    'default: the workdir\'s run_config.json.',
    lock_config=True)
_WORKDIR = flags.DEFINE_string('workdir', None, 'A finished experiment folder.')
_KINDS = flags.DEFINE_list('kinds', None, 'Perturbation kinds (default: every kind).')
_LEVELS = flags.DEFINE_list('levels', ['0', '0.05', '0.1', '0.2', '0.3'],
                            'Noise levels: the share of words perturbed (0 = clean).')
_SEEDS = flags.DEFINE_list('seeds', ['0', '1', '2'], 'Perturbation seeds.')
_TASKS = flags.DEFINE_list('tasks', None, 'Only these target tasks (default: every one).')
_LANGUAGES = flags.DEFINE_list('languages', None, 'Only these languages (default: every one).')
_ADVERSARIAL = flags.DEFINE_bool('adversarial', False, 'Also run the adversarial search.')
_BEAM = flags.DEFINE_integer('beam', 1, 'Adversarial beam width (1 = greedy).')
_EDITS = flags.DEFINE_integer('edits', 3, 'Adversarial budget: words edited per example.')
_QUERIES = flags.DEFINE_integer('queries', 200, 'Adversarial budget: model queries per example.')
_CANDIDATES = flags.DEFINE_integer('candidates', 4, 'Candidate edits tried per word.')
_SCORE_BATCH = flags.DEFINE_integer('score_batch_size', 0, 'Adversarial candidates scored per '
                                    'call (default: config.eval.batch_size).')
_COMPARE = flags.DEFINE_bool('compare', False, 'Compare the workdirs given as arguments.')
_OUT = flags.DEFINE_string('out', None, 'Output folder of --compare.')


def _floats(values, what):
  try:
    return [float(v) for v in values]
  except ValueError:
    raise app.UsageError(f'--{what}: expected numbers, got {",".join(values)}') from None


def _run(argv):
  if _COMPARE.value:
    workdirs = argv[1:]
    if len(workdirs) < 2:
      raise app.UsageError('--compare needs two or more workdirs: --compare W1 W2 ...')
    from xstilts_jax.robustness import report  # pylint: disable=g-import-not-at-top
    out = _OUT.value or os.path.join(storage.absolute(workdirs[0]), 'robustness', 'compare')
    rows = report.compare(workdirs, out)
    print(f'{len(rows)} rows; report in {out}/compare.md')
    return
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  config, workdir = _CONFIG.value, _WORKDIR.value
  if not workdir:
    raise app.UsageError('--workdir is required (or --compare W1 W2 ...)')
  if config is None:  # the config the run recorded in its workdir
    config = run_config.load(workdir)
  if config.xla_flags:
    os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') + ' ' + config.xla_flags).strip()
  import jax  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import report  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import suite as suite_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import workdir as workdir_lib  # pylint: disable=g-import-not-at-top
  if config.compilation_cache:
    cache = (os.path.join(workdir, '.xla_cache') if config.compilation_cache == 'workdir'
             else config.compilation_cache)
    jax.config.update('jax_compilation_cache_dir', cache)
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 1.0)
  perturb = suite_lib.perturbation_functions()
  kinds = _KINDS.value or list(perturb.KINDS)
  unknown = [k for k in kinds if not all(part in perturb.KINDS for part in k.split('+'))]
  if unknown:
    raise app.UsageError(f'--kinds: unknown {unknown}; known: {list(perturb.KINDS)} '
                         '(combine with +, e.g. char+word_drop)')
  attack = (dict(beam=_BEAM.value, edits=_EDITS.value, queries=_QUERIES.value,
                 candidates=_CANDIDATES.value, batch_size=_SCORE_BATCH.value)
            if _ADVERSARIAL.value else None)
  wd = workdir_lib.Workdir(workdir, config)
  suite = suite_lib.Suite(wd, perturb, kinds=kinds, levels=_floats(_LEVELS.value, 'levels'),
                          seeds=[int(s) for s in _floats(_SEEDS.value, 'seeds')],
                          adversarial_options=attack, tasks=_TASKS.value,
                          languages=_LANGUAGES.value,
                          log=lambda *a: print(*a, flush=True))
  computed = suite.run()
  if jax.process_index() == 0:
    report.write(workdir, title=f'Robustness: {os.path.basename(os.path.normpath(workdir))}')
  print(f'{computed} cells computed; report in {wd.path}/robustness/report/report.md')


def main(argv):
  if not flags.FLAGS['verbosity'].present:
    logging.set_verbosity(logging.WARNING)
  try:
    _run(argv)
  except (FileNotFoundError, ValueError, ImportError, KeyError) as e:
    print(f'error: {e}', file=sys.stderr)
    sys.exit(1)


if __name__ == '__main__':
  app.run(main)
