"""The paper's grid: each intermediate task (and all nine at once) × seeds, every target task.

One run = one intermediate task and one seed; it trains all nine XTREME targets from that
intermediate encoder, so 9 intermediate tasks × 9 targets is 9 runs per seed (+ the XLM-R
baseline without phase 2, + the multi-task run). The argument after the colon picks the cell:

  python -m xstilts_jax.main --config configs/grid.py:squad_v1,1 --workdir runs/grid/squad_v1-s1
  python -m xstilts_jax.main --config configs/grid.py:baseline,0 --workdir runs/grid/baseline-s0

`python configs/grid.py WORKDIR_ROOT [base config]` prints one such command per cell (one
per line), to feed a job scheduler or `launch/tpu/tpu.sh run` one after another; `--base` picks
the model config (default xlmr_large). A killed cell resumes when its command is run again.
"""

import os
import runpy
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))

INTERMEDIATE = ('anli_plus', 'mnli', 'qqp', 'squad_v1', 'squad_v2', 'hellaswag', 'cosmosqa',
                'commonsenseqa', 'ccg')
SEEDS = (0, 1, 2)
# Cell names: an intermediate task, 'baseline' (no phase 2) or 'multitask' (all nine).
CELLS = ('baseline',) + INTERMEDIATE + ('multitask',)


def get_config(arg='mnli,0'):
  cell, seed = arg.split(',') if ',' in arg else (arg, '0')
  base = os.environ.get('XSTILTS_GRID_BASE', 'xlmr_large')
  c = runpy.run_path(os.path.join(_HERE, base + '.py'))['get_config']()
  if cell == 'baseline':
    c.intermediate.tasks = ''
  elif cell == 'multitask':
    c.intermediate.tasks = ','.join(INTERMEDIATE)
  elif cell in INTERMEDIATE:
    c.intermediate.tasks = cell
  else:
    raise ValueError(f'unknown grid cell {cell!r}; expected one of {CELLS}')
  c.seed = int(seed)
  return c


def commands(root, base='xlmr_large'):
  env = '' if base == 'xlmr_large' else f'XSTILTS_GRID_BASE={base} '
  for seed in SEEDS:
    for cell in CELLS:
      yield (f'{env}python -m xstilts_jax.main --config configs/grid.py:{cell},{seed} '
             f'--workdir {root}/{cell}-s{seed}')


if __name__ == '__main__':
  if len(sys.argv) < 2:
    sys.exit(__doc__)
  print('\n'.join(commands(sys.argv[1], *sys.argv[2:3])))
