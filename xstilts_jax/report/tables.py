"""Tables of a scores dict: markdown, CSV (long and summary) and JSON."""

import csv
import json

from xstilts_jax.report import benchmark as benchmark_lib
from xstilts_jax.report import summary as summary_lib


def _fmt(value):
  return '–' if value is None else f'{value:.2f}'


def markdown_report(scores, title='XTREME results'):
  """The benchmark's score (XTREME or XTREME-R, as `scores['benchmark']` says) and its
  categories with their tasks, a summary row per task, then per-language tables."""
  benchmark = scores.get('benchmark', 'xtreme')
  lines = [f'# {title}', '']
  lines.append(f'**{benchmark_lib.NAMES[benchmark]} score: {_fmt(scores.get("xtreme_score"))}**')
  if scores.get('xtreme_score_reason'):
    lines.append(f' ({scores["xtreme_score_reason"]})')
  members = benchmark_lib.BENCHMARKS[benchmark]
  lines += ['', '| category | tasks | score |', '|---|---|---|']
  lines += [f'| {c} | {", ".join(members.get(c, ()))} | {_fmt(v)} |'
            for c, v in scores.get('categories', {}).items()]
  if scores.get('missing'):
    lines += ['', 'Missing: ' + ', '.join(scores['missing'])]
  lines += ['', '## Tasks', '',
            '| task | score | en | transfer gap | std | worst language |',
            '|---|---|---|---|---|---|']
  for task, s in summary_lib.summarize(scores).items():
    worst = '–' if s['worst_lang'] is None else f'{s["worst_lang"]} ({_fmt(s["worst"])})'
    lines.append(f'| {task} | {_fmt(s["score"])} | {_fmt(s["en"])} | '
                 f'{_fmt(s["transfer_gap"])} | {_fmt(s["std"])} | {worst} |')
  for task, t in scores['tasks'].items():
    langs = list(t['langs'])
    metrics = list(next(iter(t['langs'].values()))) if langs else []
    lines += ['', f'### {task}', '', '| metric | avg | ' + ' | '.join(langs) + ' |',
              '|---|---|' + '---|' * len(langs)]
    for m in metrics:
      avg = (t.get('avg') or {}).get(m)
      lines.append(f'| {m} | {_fmt(avg)} | ' +
                   ' | '.join(_fmt(t['langs'][l][m]) for l in langs) + ' |')
  return '\n'.join(lines) + '\n'


def write_markdown(scores, path, title='XTREME results'):
  with open(path, 'w', encoding='utf-8') as f:
    f.write(markdown_report(scores, title))
  return path


def write_scores_csv(scores, path):
  """Long format: task, lang ('avg' for the task average), metric, value."""
  with open(path, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['task', 'lang', 'metric', 'value'])
    for task, t in scores['tasks'].items():
      for lang, metrics in t['langs'].items():
        for m, v in metrics.items():
          w.writerow([task, lang, m, repr(v)])
      for m, v in (t.get('avg') or {}).items():
        w.writerow([task, 'avg', m, repr(v)])
  return path


def write_summary_csv(scores, path):
  """One row per task, then the categories and the XTREME score (empty cell = not available)."""
  cols = ['score', 'en', 'transfer_gap', 'std', 'worst_lang', 'worst', 'n_langs']
  with open(path, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['name'] + cols)
    for task, s in summary_lib.summarize(scores).items():
      w.writerow([task] + ['' if s[c] is None else s[c] for c in cols])
    for c, v in scores.get('categories', {}).items():
      w.writerow([c, '' if v is None else v] + [''] * (len(cols) - 1))
    # The overall row keeps its name for both benchmarks; scores.json says which one.
    v = scores.get('xtreme_score')
    w.writerow(['xtreme_score', '' if v is None else v] + [''] * (len(cols) - 1))
  return path


def write_json(scores, path):
  with open(path, 'w', encoding='utf-8') as f:
    json.dump(scores, f, indent=2, ensure_ascii=False)
    f.write('\n')
  return path
