"""Studies: named groups of runs compared pairwise, per target task and language.

English vs translated vs mixed intermediate data, or model sizes with and without
intermediate training, are all the same question: how does group B differ from group A?
A group is a list of scores dicts (as `xstilts_jax.eval.score` prints them), one per run;
runs of two groups are paired by position (the same seed at the same place), so each
difference is paired. For a comparison (A, B), per target and language: both means and the
mean paired difference B - A (± sample std over pairs); across languages, per group: mean,
population std and worst language, and the change in spread; per resource tier (Joshi et al.
2020 classes, `tiers.py`): the mean difference; with robustness reports (the `summary` rows of
`<workdir>/robustness/report/report.json`), the mean drop per task, kind and level per group
and its difference. Each group's training data regime (English, translated or mixed, from
the `data_regime` its runs' results.json record per phase and task) heads the report, so the
numbers say which data produced them.
"""

import csv
import json
import math
import os

from xstilts_jax.report import plots
from xstilts_jax.report import summary as summary_lib
from xstilts_jax.report import tiers as tiers_lib


def _mean(xs):
  return sum(xs) / len(xs) if xs else None


def _sample_std(xs):
  if len(xs) < 2:
    return None
  m = _mean(xs)
  return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def _pop_std(xs):
  m = _mean(xs)
  return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


def _lang_values(scores, task):
  t = scores['tasks'].get(task)
  return {} if t is None else {l: summary_lib.language_value(m) for l, m in t['langs'].items()}


def _spread(values):
  """Mean, population std and worst language of {lang: value}."""
  worst = min(values, key=values.get)
  v = list(values.values())
  return dict(mean=_mean(v), std=_pop_std(v), worst_lang=worst, worst=values[worst])


def compare_groups(a_runs, b_runs):
  """One comparison (B - A) as data: {'pairs', 'langs': [row], 'targets': [row],
  'tiers': [row]} (see the module doc)."""
  n = min(len(a_runs), len(b_runs))
  if n == 0:
    raise ValueError('a group without finished runs cannot be compared')
  a_runs, b_runs = a_runs[:n], b_runs[:n]
  tasks = [t for t in a_runs[0]['tasks']
           if all(t in r['tasks'] for r in a_runs + b_runs)]
  langs_rows, target_rows, tier_rows = [], [], []
  for task in tasks:
    a_vals = [_lang_values(r, task) for r in a_runs]
    b_vals = [_lang_values(r, task) for r in b_runs]
    langs = [l for l in a_vals[0] if all(l in v for v in a_vals + b_vals)]
    if not langs:
      continue
    a_mean, b_mean = {}, {}
    for l in langs:
      diffs = [b[l] - a[l] for a, b in zip(a_vals, b_vals)]
      a_mean[l] = _mean([a[l] for a in a_vals])
      b_mean[l] = _mean([b[l] for b in b_vals])
      langs_rows.append(dict(task=task, lang=l, tier=tiers_lib.tier(l), a_mean=a_mean[l],
                             b_mean=b_mean[l], diff=_mean(diffs), diff_std=_sample_std(diffs),
                             pairs=n))
    sa, sb = _spread(a_mean), _spread(b_mean)
    a_scores = [r['tasks'][task]['score'] for r in a_runs]
    b_scores = [r['tasks'][task]['score'] for r in b_runs]
    score_diff = (None if None in a_scores + b_scores
                  else _mean([b - a for a, b in zip(a_scores, b_scores)]))
    target_rows.append(dict(
        task=task, n_langs=len(langs), score_diff=score_diff,
        a_mean=sa['mean'], b_mean=sb['mean'], mean_diff=sb['mean'] - sa['mean'],
        a_std=sa['std'], b_std=sb['std'], std_change=sb['std'] - sa['std'],
        a_worst_lang=sa['worst_lang'], a_worst=sa['worst'], b_worst_lang=sb['worst_lang'],
        b_worst=sb['worst'], worst_change=sb['worst'] - sa['worst']))
    for tier in tiers_lib.TIERS + (None,):
      rows = [r for r in langs_rows if r['task'] == task and r['tier'] == tier]
      if rows:
        tier_rows.append(dict(task=task, tier=tier or 'unclassified', n_langs=len(rows),
                              a_mean=_mean([r['a_mean'] for r in rows]),
                              b_mean=_mean([r['b_mean'] for r in rows]),
                              diff=_mean([r['diff'] for r in rows])))
  return dict(pairs=n, langs=langs_rows, targets=target_rows, tiers=tier_rows)


def robustness_drops(reports):
  """{(task, kind, level): mean drop} over a group's robustness reports (None = absent)."""
  got = {}
  for rep in reports:
    for row in (rep or {}).get('summary', []):
      if row.get('drop_mean') is not None:
        got.setdefault((row['task'], row['kind'], row['level']), []).append(row['drop_mean'])
  return {k: _mean(v) for k, v in got.items()}


def compare_robustness(a_reports, b_reports):
  a, b = robustness_drops(a_reports), robustness_drops(b_reports)
  return [dict(task=k[0], kind=k[1], level=k[2], a_drop=a[k], b_drop=b[k],
               drop_diff=b[k] - a[k]) for k in a if k in b]


def describe_regime(phases):
  """One line of a run's training data, from its results.json `phases`: per phase and task
  its regime (data/translated.py), e.g. 'intermediate mnli: mixed, 14 languages (ar … zh),
  50% of 128 examples translated'; '' when no phase recorded one."""
  parts = []
  for phase, result in (phases or {}).items():
    for task, r in ((result or {}).get('data_regime') or {}).items():
      text = f'{phase} {task}: {r.get("regime", "?")}'
      if r.get('languages'):
        total = r.get('english_examples', 0) + sum(
            v.get('used', 0) for v in (r.get('per_language') or {}).values())
        text += (f', {len(r["languages"])} languages ({" ".join(r["languages"])}), '
                 f'{100 * r.get("translated_fraction", 0):.0f}% of {total} examples '
                 'translated')
      parts.append(text)
  return '; '.join(parts)


def study(groups, comparisons, robustness=None, regimes=None):
  """groups: {name: [scores]}; comparisons: [(a, b)]; robustness: {name: [report or None]};
  regimes: {name: [describe_regime line per run]}. Returns {'groups': {name: runs},
  'regimes': {name: [line]}, 'comparisons': [{'a', 'b', ...compare_groups,
  'robustness': [row]}]}."""
  robustness = robustness or {}
  regimes = regimes or {}
  out = []
  for a, b in comparisons:
    for g in (a, b):
      if g not in groups:
        raise ValueError(f'comparison {a}:{b}: no group {g!r} (groups: {", ".join(groups)})')
    c = dict(a=a, b=b, **compare_groups(groups[a], groups[b]))
    c['robustness'] = compare_robustness(robustness.get(a, []), robustness.get(b, []))
    out.append(c)
  return dict(groups={g: len(r) for g, r in groups.items()},
              regimes={g: list(regimes.get(g, [])) for g in groups}, comparisons=out)


def _f(v, signed=False):
  if v is None:
    return '–'
  return f'{v:+.2f}' if signed else f'{v:.2f}'


def markdown(result, title):
  lines = [f'# {title}', '', 'Groups (runs): ' + ', '.join(
      f'{g} ({n})' for g, n in result['groups'].items()) + '.', '',
           'Differences are B − A in points, paired by run position (seed); spread = '
           'population std across languages; tiers: Joshi et al. 2020 classes '
           '(high 4–5, mid 3, low 0–2).']
  if any(result.get('regimes', {}).values()):
    lines += ['', 'Training data of each group (as its runs\' results.json record it):', '']
    for g, per_run in result['regimes'].items():
      counts = {}
      for line in per_run:
        line = line or 'no trained phase recorded a regime'
        counts[line] = counts.get(line, 0) + 1
      lines += [f'- {g}: ' + '; '.join(
          (f'{n} runs: ' if len(counts) > 1 else '') + line for line, n in counts.items())]
  for c in result['comparisons']:
    a, b = c['a'], c['b']
    lines += ['', f'## {b} − {a} ({c["pairs"]} pairs)', '',
              f'| target | Δ score | mean {a} | mean {b} | std {a} | std {b} | Δ std | '
              f'worst {a} | worst {b} | Δ worst |', '|---|' + '---|' * 9]
    for r in c['targets']:
      lines.append(
          f'| {r["task"]} | {_f(r["score_diff"], True)} | {_f(r["a_mean"])} | '
          f'{_f(r["b_mean"])} | {_f(r["a_std"])} | {_f(r["b_std"])} | '
          f'{_f(r["std_change"], True)} | {r["a_worst_lang"]} {_f(r["a_worst"])} | '
          f'{r["b_worst_lang"]} {_f(r["b_worst"])} | {_f(r["worst_change"], True)} |')
    lines += ['', '| target | tier | languages | Δ mean |', '|---|---|---|---|']
    lines += [f'| {r["task"]} | {r["tier"]} | {r["n_langs"]} | {_f(r["diff"], True)} |'
              for r in c['tiers']]
    lines += ['', '| target | language | tier | ' + a + ' | ' + b + ' | Δ (± std) |',
              '|---|---|---|---|---|---|']
    lines += [f'| {r["task"]} | {r["lang"]} | {r["tier"] or "–"} | {_f(r["a_mean"])} | '
              f'{_f(r["b_mean"])} | {_f(r["diff"], True)}'
              + ('' if r['diff_std'] is None else f' ± {r["diff_std"]:.2f}') + ' |'
              for r in c['langs']]
    if c['robustness']:
      lines += ['', 'Robustness (mean drop, points):', '',
                f'| task | kind | level | drop {a} | drop {b} | Δ drop |',
                '|---|---|---|---|---|---|']
      lines += [f'| {r["task"]} | {r["kind"]} | {r["level"]} | {_f(r["a_drop"])} | '
                f'{_f(r["b_drop"])} | {_f(r["drop_diff"], True)} |' for r in c['robustness']]
    else:
      lines += ['', f'Robustness: no task, kind and level with a robustness report in both {a} '
                f'and {b}.']
    lines += ['', f'![{b} − {a}](plots/{_slug(a, b)}.png)']
  return '\n'.join(lines) + '\n'


def _slug(a, b):
  return f'{b}_minus_{a}'.replace('/', '_').replace(' ', '_')


def _write_csv(rows, path, extra):
  cols = list(extra) + list(rows[0]) if rows else list(extra)
  with open(path, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(cols)
    for r in rows:
      w.writerow(['' if r.get(k) is None else r.get(k) for k in cols])


def write(result, out_dir, title='Study'):
  """study.md, languages.csv, targets.csv, tiers.csv, robustness.csv, study.json and one
  PNG per comparison (per target: the paired difference per language, coloured by tier).
  Returns {name: path}."""
  os.makedirs(out_dir, exist_ok=True)
  paths = {'markdown': os.path.join(out_dir, 'study.md'),
           'json': os.path.join(out_dir, 'study.json')}
  with open(paths['markdown'], 'w', encoding='utf-8') as f:
    f.write(markdown(result, title))
  with open(paths['json'], 'w', encoding='utf-8') as f:
    json.dump(result, f, indent=1, ensure_ascii=False)
  for key in ('langs', 'targets', 'tiers', 'robustness'):
    rows = [dict(a=c['a'], b=c['b'], **r) for c in result['comparisons'] for r in c[key]]
    name = {'langs': 'languages'}.get(key, key)
    paths[name + '_csv'] = os.path.join(out_dir, name + '.csv')
    _write_csv(rows, paths[name + '_csv'], () if rows else ('a', 'b'))
  for c in result['comparisons']:
    per_task = {}
    for r in c['langs']:
      per_task.setdefault(r['task'], []).append(r)
    path = os.path.join(out_dir, 'plots', _slug(c['a'], c['b']) + '.png')
    paths[os.path.basename(path)] = plots.plot_paired_diffs(
        per_task, path, f'{c["b"]} − {c["a"]} per language\n(points, ± std over pairs; colour = '
        'resource tier: blue high, green mid, red low)')
  return paths
