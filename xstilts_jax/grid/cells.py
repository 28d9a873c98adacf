"""The paper's grid as data: a cell is a name and the config overrides that make it.

A run is one cell with one seed, in the workdir `<root>/<cell>-s<seed>`. A new variant is one
more entry of CELLS; nothing else changes.

The translated-data variants (data/translated.py) of the paper's two best intermediate tasks,
MNLI and SQuAD v1.1, on XTREME's translate-train files into every language XTREME translated
them into (MNLI: XNLI's 14, SQuAD: XQuAD's 10):

  <task>_translated  translated only (weight 1: each language 1/L of the data, no English;
                     the data are the translations' total size, L times English's)
  <task>_mixed       English whole plus as many translated examples (weight 0.5), split
                     evenly over the languages

Model selection stays on English dev data. Epochs count passes over each cell's own training
set, so the cells differ in steps as well as in data unless `intermediate.num_steps` is set
(as the tiny grid does): then all train the same number of steps.
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
TRANSLATED = ('mnli', 'squad_v1')
REGIMES = (('translated', 1.0), ('mixed', 0.5))    # cell suffix, translated.weight
VARIANT_OF = {f'{task}_{suffix}': task for task in TRANSLATED for suffix, _ in REGIMES}
CELLS.update({f'{task}_{suffix}': {'intermediate.tasks': task,
                                   'intermediate.translated.languages': 'all',
                                   'intermediate.translated.weight': weight}
              for task in TRANSLATED for suffix, weight in REGIMES})


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
