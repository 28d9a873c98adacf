"""Compares runs (e.g. one per intermediate task) against a baseline run, per target task."""

import csv
import os

from xstilts_jax.report import plots


def _columns(runs):
  """Target tasks in first-seen order, then the XTREME score."""
  cols = []
  for scores in runs.values():
    cols += [t for t in scores['tasks'] if t not in cols]
  return cols + ['xtreme']


def _value(scores, col):
  if col == 'xtreme':
    return scores.get('xtreme_score')
  task = scores['tasks'].get(col)
  return None if task is None else task.get('score')


def compare_runs(runs, baseline, out_dir=None):
  """Improvement of every run over `baseline` (points; None where either side lacks a score).

  runs: {run name: scores dict}. Returns {'baseline', 'columns', 'rows', 'scores':
  {run: {col: value}}, 'delta': {run: {col: value}}}; rows are the runs other than the
  baseline. With out_dir, also writes comparison.csv and improvement_heatmap.png there.
  """
  if baseline not in runs:
    raise ValueError(f'baseline {baseline!r} is not among the runs {sorted(runs)}')
  cols = _columns(runs)
  rows = [r for r in runs if r != baseline]
  values = {r: {c: _value(s, c) for c in cols} for r, s in runs.items()}
  delta = {}
  for r in rows:
    delta[r] = {}
    for c in cols:
      a, b = values[r][c], values[baseline][c]
      delta[r][c] = None if a is None or b is None else a - b
  result = {'baseline': baseline, 'columns': cols, 'rows': rows, 'scores': values,
            'delta': delta}
  if out_dir:
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'comparison.csv'), 'w', newline='',
              encoding='utf-8') as f:
      w = csv.writer(f)
      w.writerow(['run'] + cols + [f'delta_{c}' for c in cols])
      for r in runs:
        w.writerow([r] + ['' if values[r][c] is None else values[r][c] for c in cols] +
                   ['' if r == baseline or delta[r][c] is None else delta[r][c]
                    for c in cols])
    if rows:
      plots.plot_heatmap([[delta[r][c] for c in cols] for r in rows], rows, cols,
                         os.path.join(out_dir, 'improvement_heatmap.png'),
                         f'improvement over {baseline} (points)')
  return result
