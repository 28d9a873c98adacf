"""The paper's tables from a grid's workdirs.

Per target task: the score of every cell (mean ± sample standard deviation over the seeds
that finished), its improvement over the baseline (difference of the means), the best
intermediate cell per target, and the benchmark score of that best-per-target selection:
XTREME or XTREME-R, as the runs' `config.benchmark` says (default 'xtreme'), computed by
`benchmark.benchmark_score` from the best cells' per-language metrics (mean over seeds). It is
null with the reason when a task of the benchmark or one of its languages is missing, and
then the mean over the targets present is given beside it, labelled as such.
"""

import csv
import math
import os
import runpy

from xstilts_jax.grid import benchmark as benchmark_lib
from xstilts_jax.grid import state as state_lib
from xstilts_jax.report import benchmark as report_benchmark
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


def benchmark_of(base_config, runs, extra=()):
  """The runs' `config.benchmark`: the base config's value ('xtreme' when it has none), unless
  a cell's or the grid-wide overrides set it (the grid-wide ones come last, as on the run's
  command line). Runs that disagree are an error: one selection has one benchmark."""
  config = runpy.run_path(base_config)['get_config']()
  default = config.get('benchmark', 'xtreme')
  found = {}
  for r in runs:
    value = str(dict(tuple(r.overrides) + tuple(tuple(x) for x in extra)).get(
        'benchmark', default))
    found.setdefault(value, []).append(r.name)
  if len(found) > 1:
    raise ValueError('the runs differ in config.benchmark: ' + '; '.join(
        f'{b}: {", ".join(names)}' for b, names in found.items()))
  (value,) = found or [default]
  benchmark_lib.task_languages(value)   # an unknown benchmark is named here
  return value


def _language_means(seeds, task):
  """{lang: {metric: mean over the seeds that have the language}}."""
  got = {}
  for s in seeds.values():
    for lang, metrics in s['tasks'].get(task, {}).get('langs', {}).items():
      for m, v in metrics.items():
        if isinstance(v, (int, float)):
          got.setdefault(lang, {}).setdefault(m, []).append(v)
  return {l: {m: sum(v) / len(v) for m, v in ms.items()} for l, ms in got.items()}


def aggregate(per_cell, baseline, benchmark='xtreme'):
  """The tables as data (see the module doc)."""
  present = list(dict.fromkeys(t for seeds in per_cell.values() for s in seeds.values()
                               for t in s['tasks']))
  order = benchmark_lib.task_languages(benchmark)
  targets = [t for t in order if t in present] + [t for t in present if t not in order]
  table, langs = {}, {}
  for cell, seeds in per_cell.items():
    table[cell], langs[cell] = {}, {}
    for t in targets:
      values = [s['tasks'][t]['score'] for s in seeds.values()
                if t in s['tasks'] and s['tasks'][t]['score'] is not None]
      mean, std = mean_std(values)
      table[cell][t] = dict(mean=mean, std=std, n=len(values),
                            seeds={str(k): s['tasks'].get(t, {}).get('score')
                                   for k, s in sorted(seeds.items())})
      langs[cell][t] = _language_means(seeds, t)
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
  scored = benchmark_lib.benchmark_score(
      benchmark, {t: langs[b['cell']][t] for t, b in best.items()})
  in_benchmark = [t for t in best if t in order]
  present_means = [best[t]['mean'] for t in in_benchmark]
  base_present = [base.get(t, {}).get('mean') for t in in_benchmark]
  selection = dict(
      benchmark=benchmark, score=scored['score'], reason=scored['reason'],
      categories=scored['categories'], task_numbers=scored['tasks'],
      mean_over_present=mean_std(present_means)[0],
      # The baseline over the same targets (null unless it has them all).
      baseline_mean_over_present=None if None in base_present else mean_std(base_present)[0],
      targets=in_benchmark)
  return dict(baseline=baseline, benchmark=benchmark, targets=targets, cells=list(table),
              table=table, best=best, selection=selection)


BENCHMARK_NAMES = report_benchmark.NAMES


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
  name = BENCHMARK_NAMES.get(s['benchmark'], s['benchmark'])
  lines += ['', f'**{name} score of the best-per-target selection: {_fmt(s["score"])}**'
            + (f' ({s["reason"]})' if s['reason'] else ''), '',
            f'{name} categories: ' + ', '.join(
                f'{c} {_fmt(v)}' for c, v in s['categories'].items()) + '.',
            '', f'Mean over the {len(s["targets"])} {name} targets present: '
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
    w.writerow([f'{s["benchmark"]}_score', 'best per target',
                '' if s['score'] is None else s['score'], ''])
  tables.write_json(agg, paths['json'])
  # The mean scores as scores dicts, so report.compare writes the comparison and heatmap.
  runs = {c: {'tasks': {x: {'score': v['mean']} for x, v in row.items()},
              'xtreme_score': None} for c, row in agg['table'].items()}
  if agg['baseline'] in runs and len(runs) > 1:
    compare.compare_runs(runs, agg['baseline'], out_dir)
    paths['comparison_csv'] = os.path.join(out_dir, 'comparison.csv')
    paths['heatmap'] = os.path.join(out_dir, 'improvement_heatmap.png')
  return paths
