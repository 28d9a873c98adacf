"""Writes the full report of one scores dict into a folder."""

import os

from xstilts_jax.report import plots
from xstilts_jax.report import tables


def write_report(scores, out_dir, title='XTREME results'):
  """scores.md, scores.csv (long), summary.csv, scores.json and one PNG per task.

  Returns {name: path}.
  """
  os.makedirs(out_dir, exist_ok=True)
  paths = {
    'markdown': tables.write_markdown(scores, os.path.join(out_dir, 'scores.md'), title),
    'csv': tables.write_scores_csv(scores, os.path.join(out_dir, 'scores.csv')),
    'summary_csv': tables.write_summary_csv(scores, os.path.join(out_dir, 'summary.csv')),
    'json': tables.write_json(scores, os.path.join(out_dir, 'scores.json')),
  }
  for path in plots.plot_language_bars(scores, os.path.join(out_dir, 'plots')):
    paths[os.path.basename(path)] = path
  return paths
