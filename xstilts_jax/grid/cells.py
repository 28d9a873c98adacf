"""The paper's grid as data: a cell is a name and the config overrides that make it.

A run is one cell with one seed, in the workdir `<root>/<cell>-s<seed>`. A new variant (say,
MNLI translated into every target language, once translate-train readers exist) is one more
entry of CELLS: `'mnli_translated': {'intermediate.tasks': 'mnli_tt'}`; nothing else changes.
"""

import dataclasses

INTERMEDIATE = ('anli_plus', 'mnli', 'qqp', 'squad_v1', 'squad_v2', 'hellaswag', 'cosmosqa',
                'commonsenseqa', 'ccg')
SEEDS = (0, 1, 2)
BASELINE = 'baseline'

# name -> {config field (dotted): value}. Order is the order `run` goes through.
CELLS = {BASELINE: {'intermediate.tasks': ''}}                   # XLM-R, no phase 2
CELLS.update({t: {'intermediate.tasks': t} for t in INTERMEDIATE})
CELLS['multitask'] = {'intermediate.tasks': ','.join(INTERMEDIATE)}


@dataclasses.dataclass(frozen=True)
class Run:
  cell: str
  seed: int
  overrides: tuple     # ((field, value), ...): the cell's, then the seed

  @property
  def name(self):
    return f'{self.cell}-s{self.seed}'


def runs(cells, seeds, table=None):
  """Every (cell, seed) in the grid's order: seed by seed, cells in the given order."""
  table = CELLS if table is None else table
  unknown = [c for c in cells if c not in table]
  if unknown:
    raise ValueError(f'unknown grid cell(s) {", ".join(unknown)}; known: {", ".join(table)}')
  return [Run(c, int(s), tuple(table[c].items()) + (('seed', int(s)),))
          for s in seeds for c in cells]


def apply(config, overrides):
  """Sets dotted fields of an ml_collections config (what `--config.a.b=v` does)."""
  for field, value in overrides:
    *path, leaf = field.split('.')
    node = config
    for p in path:
      node = node[p]
    node[leaf] = value
  return config
