"""Adversarial candidates scored per second: batched search beside one example at a time.

  python bench/adversarial_bench.py --config configs/tiny.py --workdir /tmp/xstilts_tiny \
      [--task xnli --lang de --kind char --edits 2 --queries 100 --candidates 4 --beam 1]

Reads a finished workdir (as `python -m xstilts_jax.robustness`), runs the greedy (or beam)
search over the test examples of one language twice after a warm-up (compilation excluded):
all examples' candidates in one batched call per search step (what the suite does), and the
same search one example at a time (how TextAttack-style attacks run). Prints candidates
scored per second for both and checks that both find the same edits.
"""

import os
import sys
import time

from absl import app
from absl import flags
from absl import logging
from ml_collections import config_flags

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

_CONFIG = config_flags.DEFINE_config_file('config', None, 'The experiment\'s config.')
_WORKDIR = flags.DEFINE_string('workdir', None, 'A finished experiment folder.')
_TASK = flags.DEFINE_string('task', 'xnli', 'Target task.')
_LANG = flags.DEFINE_string('lang', 'de', 'Language.')
_KIND = flags.DEFINE_string('kind', 'char', 'Perturbation kind.')
_EDITS = flags.DEFINE_integer('edits', 2, 'Words edited per example.')
_QUERIES = flags.DEFINE_integer('queries', 100, 'Queries per example.')
_CANDIDATES = flags.DEFINE_integer('candidates', 4, 'Candidates per word.')
_BEAM = flags.DEFINE_integer('beam', 1, 'Beam width.')
_BATCH = flags.DEFINE_integer('batch', 0, 'Candidates per scoring call (0: eval batch size).')
_REPEAT = flags.DEFINE_integer('repeat', 1, 'Copies of the test set (a bigger workload).')
flags.mark_flags_as_required(['config', 'workdir'])


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)  # orbax logs every restore at INFO
  config = _CONFIG.value
  if config.xla_flags:
    os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') + ' ' + config.xla_flags).strip()
  import dataclasses  # pylint: disable=g-import-not-at-top
  import jax  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import adversarial  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import suite as suite_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.robustness import workdir as workdir_lib  # pylint: disable=g-import-not-at-top

  wd = workdir_lib.Workdir(_WORKDIR.value, config)
  task = wd.task(_TASK.value)
  target = wd.target_model(task)
  scorer = wd.scorer(target, _BATCH.value)
  p = suite_lib.perturbation_functions()
  examples = wd.test_examples(task, _LANG.value)
  examples = [dataclasses.replace(e, guid=f'{e.guid}#{r}') for r in range(_REPEAT.value)
              for e in examples]
  kw = dict(split_words=p.split_words, word_candidates=p.word_candidates, kind=_KIND.value,
            max_edits=_EDITS.value, max_queries=_QUERIES.value, beam=_BEAM.value,
            n_candidates=_CANDIDATES.value)
  attack = lambda exs: adversarial.attack(exs, task.format, _LANG.value, scorer, **kw)
  attack(examples)  # warm-up: every length bucket compiled
  for e in examples:
    attack([e])
  print(f'{task.name} {_LANG.value}: {len(examples)} examples, kind {_KIND.value}, edits '
        f'{_EDITS.value}, queries {_QUERIES.value}, beam {_BEAM.value}, scoring batch '
        f'{scorer.batch_size}, {jax.device_count()} {jax.default_backend()} device(s)')
  rows = {}
  for name, run in (('batched', lambda: attack(examples)),
                    ('one at a time', lambda: [r for e in examples for r in attack([e])])):
    scorer.queries = 0
    t0 = time.perf_counter()
    results = run()
    seconds = time.perf_counter() - t0
    rows[name] = results
    print(f'  {name:>14}: {scorer.queries:6d} candidates in {seconds:7.2f}s = '
          f'{scorer.queries / seconds:9.1f} candidates/s')
  same = [a.edits == b.edits for a, b in zip(rows['batched'], rows['one at a time'])]
  print(f'  same edits found: {sum(same)} of {len(same)}')


if __name__ == '__main__':
  app.run(main)
