"""The paper's grid: each intermediate task (and all nine at once) × seeds, every target task.

One run = one intermediate task and one seed; it trains all nine XTREME targets from that
intermediate encoder, so 9 intermediate tasks × 9 targets is 9 runs per seed (+ the XLM-R
baseline without phase 2, + the multi-task run, + MNLI and SQuAD v1.1 on translated and on
mixed English + translated data: `mnli_translated`, `mnli_mixed`, `squad_v1_translated`,
`squad_v1_mixed`). The cells are data in
`xstilts_jax/grid/cells.py`; the argument after the colon picks one:

  python -m xstilts_jax.main --config configs/grid.py:squad_v1,1 --workdir runs/grid/squad_v1-s1
  python -m xstilts_jax.main --config configs/grid.py:baseline,0 --workdir runs/grid/baseline-s0

The whole grid as one command (runs, skips finished cells, records failures, aggregates):
`python -m xstilts_jax.grid run|status|report --root runs/grid` (see README). `python
configs/grid.py WORKDIR_ROOT [base config]` still prints one command per cell; the base
config (default xlmr_large; env XSTILTS_GRID_BASE for get_config) picks the model.
"""

import os
import runpy
import sys

from xstilts_jax.grid import cells as cells_lib

_HERE = os.path.dirname(os.path.abspath(__file__))

INTERMEDIATE = cells_lib.INTERMEDIATE
SEEDS = cells_lib.SEEDS
CELLS = tuple(cells_lib.CELLS)
VARIANT_OF = cells_lib.VARIANT_OF     # translated-data cell -> its intermediate task


def get_config(arg='mnli,0'):
  cell, seed = arg.split(',') if ',' in arg else (arg, '0')
  base = os.environ.get('XSTILTS_GRID_BASE', 'xlmr_large')
  c = runpy.run_path(os.path.join(_HERE, base + '.py'))['get_config']()
  (run,) = cells_lib.runs([cell], [seed])
  return cells_lib.apply(c, run.overrides)


def commands(root, base='xlmr_large'):
  env = '' if base == 'xlmr_large' else f'XSTILTS_GRID_BASE={base} '
  for run in cells_lib.runs(CELLS, SEEDS):
    yield (f'{env}python -m xstilts_jax.main --config configs/grid.py:{run.cell},{run.seed} '
           f'--workdir {root}/{run.name}')


if __name__ == '__main__':
  if len(sys.argv) < 2:
    sys.exit(__doc__)
  print('\n'.join(commands(sys.argv[1], *sys.argv[2:3])))
