"""The paper's tables from a grid's workdirs.

Per target task: the score of every cell (mean ± sample standard deviation over the seeds
that finished), its improvement over the baseline (difference of the means), the best
intermediate cell per target, and the XTREME score of that best-per-target selection (the
mean over the nine tasks of the best cell's mean; null with the reason when a task is missing
or lacks a baseline-free cell, and then the mean over the targets present is given beside it,
labelled as such). Runs of an XTREME-R grid (scores with `benchmark` 'xtreme-r') give the
XTREME-R score of the selection instead (its ten tasks), by the same function as the scorer's
(`report.benchmark.benchmark_score`).
"""

import csv
import math
import os

from xstilts_jax.grid import state as state_lib
from xstilts_jax.report import benchmark as benchmark_lib
from xstilts_jax.report import compare
from xstilts_jax.report import tables


def mean_std(values):
  if not values:
    return None, None
  mean = sum(values) / len(values)
  if len(values) < 2:
    return mean, None
  return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def collect(root, runs):
  """{cell: {seed: scores}} of the finished runs."""
  out = {}
  for r in runs:
    scores = state_lib.results(root, r.name)
    out.setdefault(r.cell, {})
    if scores is not None:
      out[r.cell][r.seed] = scores
  return out


def benchmark_of(per_cell):
  """'xtreme' or 'xtreme-r': the benchmark the runs were scored on (one for all)."""
  found = {s.get('benchmark', 'xtreme') for seeds in per_cell.values() for s in seeds.values()}
  if len(found) > 1:
    raise ValueError(f'runs scored on different benchmarks ({sorted(found)}); aggregate '
                     'each separately')
  return found.pop() if found else 'xtreme'


def aggregate(per_cell, baseline):
  """The tables as data (see the module doc)."""
  benchmark = benchmark_of(per_cell)
  targets = [t for t in benchmark_lib.tasks(benchmark)
             if any(t in s['tasks'] for seeds in per_cell.values() for s in seeds.values())]
  table = {}
  for cell, seeds in per_cell.items():
    table[cell] = {}
    for t in targets:
      values = [s['tasks'][t]['score'] for s in seeds.values()
                if t in s['tasks'] and s['tasks'][t]['score'] is not None]
      mean, std = mean_std(values)
      table[cell][t] = dict(mean=mean, std=std, n=len(values),
                            seeds={str(k): s['tasks'].get(t, {}).get('score')
                                   for k, s in sorted(seeds.items())})
  base = table.get(baseline, {})
  for cell, row in table.items():
    for t, v in row.items():
      b = base.get(t, {}).get('mean')
      v['delta'] = None if cell == baseline or b is None or v['mean'] is None else v['mean'] - b
  best = {}
  for t in targets:
    scored = [c for c, row in table.items() if c != baseline and row[t]['mean'] is not None]
    if scored:
      cell = max(scored, key=lambda c: table[c][t]['mean'])   # a tie: the first in grid order
      best[t] = dict(cell=cell, mean=table[cell][t]['mean'], delta=table[cell][t]['delta'])
  overall = benchmark_lib.benchmark_score({t: b['mean'] for t, b in best.items()}, benchmark)
  missing = overall['missing']
  present = [best[t]['mean'] for t in best]
  base_present = [base.get(t, {}).get('mean') for t in best]
  selection = dict(
      benchmark=benchmark, xtreme_score=overall['score'],
      reason=('missing: ' + ', '.join(missing)) if missing else None,
      mean_over_present=mean_std(present)[0],
      # The baseline over the same targets (null unless it has them all).
      baseline_mean_over_present=None if None in base_present else mean_std(base_present)[0],
      targets=list(best))
  return dict(baseline=baseline, targets=targets, cells=list(table), table=table, best=best,
              selection=selection)


def _fmt(v, std=None):
  if v is None:
    return '–'
  return f'{v:.2f}' if std is None else f'{v:.2f} ± {std:.2f}'


def markdown(agg, title):
  t, cells = agg['targets'], agg['cells']
  lines = [f'# {title}', '', 'Mean ± sample std over seeds (n = seeds finished); Δ = cell '
           f'mean minus the {agg["baseline"]} mean, in points.', '',
           '| cell | ' + ' | '.join(t) + ' |', '|---|' + '---|' * len(t)]
  for c in cells:
    row = agg['table'][c]
    lines.append(f'| {c} | ' + ' | '.join(
        _fmt(row[x]['mean'], row[x]['std']) + f' (n={row[x]["n"]})' for x in t) + ' |')
  lines += ['', '## Improvement over the baseline (Δ)', '',
            '| cell | ' + ' | '.join(t) + ' |', '|---|' + '---|' * len(t)]
  for c in cells:
    if c != agg['baseline']:
      row = agg['table'][c]
      lines.append(f'| {c} | ' + ' | '.join(
          '–' if row[x]['delta'] is None else f'{row[x]["delta"]:+.2f}' for x in t) + ' |')
  lines += ['', '## Best intermediate cell per target', '', '| target | cell | score | Δ |',
            '|---|---|---|---|']
  for x, b in agg['best'].items():
    d = '–' if b['delta'] is None else f'{b["delta"]:+.2f}'
    lines.append(f'| {x} | {b["cell"]} | {_fmt(b["mean"])} | {d} |')
  s = agg['selection']
  name = benchmark_lib.NAMES[s.get('benchmark', 'xtreme')]
  lines += ['', f'**{name} score of the best-per-target selection: {_fmt(s["xtreme_score"])}**'
            + (f' ({s["reason"]})' if s['reason'] else ''),
            '', f'Mean over the {len(s["targets"])} targets present: '
            f'{_fmt(s["mean_over_present"])} (baseline: '
            f'{_fmt(s["baseline_mean_over_present"])}).', '',
            '![improvement](improvement_heatmap.png)', '']
  return '\n'.join(lines)


def write(agg, out_dir, title='X-STILTs grid'):
  """grid.md, grid.csv (one row per cell × target), best.csv, grid.json, and through
  report.compare: comparison.csv and improvement_heatmap.png. Returns {name: path}."""
  os.makedirs(out_dir, exist_ok=True)
  paths = {'markdown': os.path.join(out_dir, 'grid.md'), 'csv': os.path.join(out_dir, 'grid.csv'),
           'best_csv': os.path.join(out_dir, 'best.csv'),
           'json': os.path.join(out_dir, 'grid.json')}
  with open(paths['markdown'], 'w', encoding='utf-8') as f:
    f.write(markdown(agg, title))
  seeds = sorted({k for row in agg['table'].values() for v in row.values() for k in v['seeds']},
                 key=int)
  with open(paths['csv'], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['cell', 'target', 'mean', 'std', 'n_seeds', 'delta'] +
               [f'seed_{s}' for s in seeds])
    for c, row in agg['table'].items():
      for x, v in row.items():
        w.writerow([c, x] + ['' if v[k] is None else v[k] for k in ('mean', 'std', 'n', 'delta')]
                   + ['' if v['seeds'].get(s) is None else v['seeds'][s] for s in seeds])
  with open(paths['best_csv'], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['target', 'cell', 'mean', 'delta'])
    for x, b in agg['best'].items():
      w.writerow([x, b['cell'], b['mean'], '' if b['delta'] is None else b['delta']])
    s = agg['selection']
    w.writerow(['xtreme_score', 'best per target',
                '' if s['xtreme_score'] is None else s['xtreme_score'], ''])
  tables.write_json(agg, paths['json'])
  # The mean scores as scores dicts, so report.compare writes the comparison and heatmap.
  runs = {c: {'tasks': {x: {'score': v['mean']} for x, v in row.items()},
              'xtreme_score': None} for c, row in agg['table'].items()}
  if agg['baseline'] in runs and len(runs) > 1:
    compare.compare_runs(runs, agg['baseline'], out_dir)
    paths['comparison_csv'] = os.path.join(out_dir, 'comparison.csv')
    paths['heatmap'] = os.path.join(out_dir, 'improvement_heatmap.png')
  return paths
