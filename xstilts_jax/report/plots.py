"""PNG plots (matplotlib, Agg backend: no display needed)."""

import math
import os

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from xstilts_jax.report import summary as summary_lib  # noqa: E402


def plot_language_bars(scores, out_dir):
  """One bar chart per task: the per-language number, the task average as a line."""
  os.makedirs(out_dir, exist_ok=True)
  paths = []
  for task, t in scores['tasks'].items():
    if not t['langs']:
      continue
    langs = list(t['langs'])
    values = [summary_lib.language_value(t['langs'][l]) for l in langs]
    fig, ax = plt.subplots(figsize=(max(4, 0.35 * len(langs) + 1.5), 3))
    ax.bar(langs, values, color=['tab:orange' if l == 'en' else 'tab:blue' for l in langs])
    if t.get('score') is not None:
      ax.axhline(t['score'], color='black', linestyle='--', linewidth=1,
                 label=f'avg {t["score"]:.1f}')
      ax.legend(loc='lower right', fontsize=7)
    ax.set_title(task)
    ax.set_ylim(0, 100)
    ax.tick_params(axis='x', labelsize=7, rotation=90)
    fig.tight_layout()
    path = os.path.join(out_dir, f'{task}_languages.png')
    fig.savefig(path, dpi=100)
    plt.close(fig)
    paths.append(path)
  return paths


def plot_heatmap(matrix, rows, cols, path, title):
  """Annotated diverging heatmap of matrix[row][col] (None = not available, left blank)."""
  data = [[math.nan if v is None else v for v in row] for row in matrix]
  finite = [abs(v) for row in data for v in row if not math.isnan(v)]
  bound = max(finite) if finite and max(finite) > 0 else 1.0
  fig, ax = plt.subplots(figsize=(0.8 * len(cols) + 2.5, 0.45 * len(rows) + 1.5))
  image = ax.imshow(data, cmap='RdBu', vmin=-bound, vmax=bound, aspect='auto')
  ax.set_xticks(range(len(cols)), cols, rotation=45, ha='right', fontsize=8)
  ax.set_yticks(range(len(rows)), rows, fontsize=8)
  for i, row in enumerate(data):
    for j, v in enumerate(row):
      if not math.isnan(v):
        # White text on the dark ends of the colour map so it stays readable.
        color = 'white' if abs(v) > 0.6 * bound else 'black'
        ax.text(j, i, f'{v:+.1f}', ha='center', va='center', fontsize=7, color=color)
  fig.colorbar(image, ax=ax)
  ax.set_title(title, fontsize=9)
  fig.tight_layout()
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path


TIER_COLORS = {'high': 'tab:blue', 'mid': 'tab:green', 'low': 'tab:red', None: 'tab:gray'}


def plot_paired_diffs(rows_per_task, path, title):
  """One bar panel per task: rows_per_task = {task: [{'lang', 'diff', 'diff_std', 'tier'}]}."""
  tasks = list(rows_per_task) or ['(none)']
  width = max([len(r) for r in rows_per_task.values()] + [4])
  fig, axes = plt.subplots(len(tasks), 1, figsize=(max(0.3 * width + 2, 5), 2.4 * len(tasks) + 0.6),
                           squeeze=False)
  for ax, task in zip(axes[:, 0], tasks):
    rows = rows_per_task.get(task, [])
    langs = [r['lang'] for r in rows]
    ax.bar(langs, [r['diff'] for r in rows],
           yerr=[r['diff_std'] or 0.0 for r in rows],
           color=[TIER_COLORS.get(r['tier'], 'tab:gray') for r in rows])
    ax.axhline(0, color='black', linewidth=0.8)
    ax.set_title(task, fontsize=8)
    ax.tick_params(axis='x', labelsize=7, rotation=90)
  fig.suptitle(title, fontsize=8)
  fig.tight_layout()
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  fig.savefig(path, dpi=100)
  plt.close(fig)
  return path
