"""The robustness report of one workdir, and the cross-run comparison.

From the cells (`suite.py`), per task, kind, level and language: clean and perturbed score
(mean over seeds; per-example counts averaged over seeds, so the bootstrap stays paired),
absolute and relative drop with 95% paired-bootstrap intervals, realised noise rates,
consistency, and the gold-validity violations per task and kind (must be 0; a warning line
otherwise). Per task, kind and level: mean, standard deviation and worst language of the
perturbed score, the transfer gap (English minus the mean of the other languages) clean and
perturbed, and the robustness gap (mean non-English relative drop minus English relative
drop). Adversarial cells: success rate, score under attack beside the random baseline at the
same edit budget, perturbed words and queries per example. Curves: score against noise level
per language and their mean (PNG). Written as report.md, rows.csv, summary.csv,
adversarial.csv, report.json and plots/.

`compare(workdirs)`: per language, the paired difference of every other run minus the first
(clean score, perturbed score and drop), with bootstrap intervals over the shared examples;
compare.md, compare.csv, compare.json and plots/ (a PNG per run and task: the per-language
score difference with its interval, one series per setting).
"""

import csv
import glob
import json
import math
import os

import numpy as np

from xstilts_jax import storage
from xstilts_jax.report import summary as summary_lib
from xstilts_jax.robustness import stats as stats_lib
from xstilts_jax.robustness import suite as suite_lib

BOOTSTRAP = dict(samples=1000, seed=0)


def _metric(cell):
  return stats_lib.Metric(cell['format'], cell['metric'])


def load_cells(workdir):
  """{task: {'clean': cell, 'perturbed': {(kind, level): [cells]}, 'attack': {(kind, name):
  [cells]}}} from `<workdir>/robustness/cells`."""
  root = os.path.join(storage.absolute(workdir), 'robustness', suite_lib.CELLS)
  if not storage.isdir(root):
    raise FileNotFoundError(f'{root}: no robustness cells (run `python -m xstilts_jax.robustness '
                            f'--workdir {workdir}` first)')
  with storage.local_copy(root) as (local_root,):  # a gs:// workdir's cells: read locally
    return _load_cells(local_root)


def _load_cells(root):
  out = {}
  for task in sorted(os.listdir(root)):
    clean_path = os.path.join(root, task, 'clean.json')
    if not os.path.exists(clean_path):
      continue
    entry = out[task] = {'clean': suite_lib.read_json(clean_path), 'perturbed': {}, 'attack': {}}
    for path in sorted(glob.glob(os.path.join(root, task, '*', '*', 'seed=*.json'))):
      kind, setting = path.split(os.sep)[-3:-1]
      cell = suite_lib.read_json(path)
      if kind.startswith('adversarial-'):
        entry['attack'].setdefault((kind[len('adversarial-'):], setting), []).append(cell)
      else:
        entry['perturbed'].setdefault((kind, float(setting.split('=')[1])), []).append(cell)
  return out


def _mean_stats(cells, lang, key='stats'):
  arrays = [np.asarray(c['langs'][lang][key], np.float64) for c in cells if lang in c['langs']]
  return np.mean(arrays, 0) if arrays else None


def _finite(x):
  return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def _lang_rows(task, metric, clean, cells, extra=None):
  rows = []
  for lang, c in clean['langs'].items():
    pert = _mean_stats(cells, lang)
    if pert is None:
      continue
    b = stats_lib.paired_bootstrap(metric, np.asarray(c['stats']), pert, **BOOTSTRAP)
    seeds = [cell['langs'][lang]['score'] for cell in cells if lang in cell['langs']]
    row = dict(task=task, lang=lang, n=b['n'], clean=b['clean'], perturbed=b['perturbed'],
               seed_std=float(np.std(seeds)), drop=b['drop'], drop_lo=b['drop_ci'][0],
               drop_hi=b['drop_ci'][1], rel_drop=_finite(b['rel_drop']),
               rel_drop_lo=_finite(b['rel_drop_ci'][0]), rel_drop_hi=_finite(b['rel_drop_ci'][1]))
    for key in ('rates', 'consistency'):
      values = [cell['langs'][lang].get(key) or {} for cell in cells if lang in cell['langs']]
      for name in (values[0] if values else {}):
        got = [v[name] for v in values if v.get(name) is not None]
        row[f'{key[:4]}_{name}' if key == 'rates' else name] = (
            float(np.mean(got)) if got else None)
    row.update(extra(lang) if extra else {})
    rows.append(row)
  return rows


def _level_summary(rows):
  """Mean, std, worst language, transfer gaps and the robustness gap of one (task, kind,
  level) from its language rows."""
  pert = {'langs': {r['lang']: {'accuracy': r['perturbed']} for r in rows}}
  clean = {'langs': {r['lang']: {'accuracy': r['clean']} for r in rows}}
  ps, cs = summary_lib.task_summary(pert), summary_lib.task_summary(clean)
  rel = {r['lang']: r['rel_drop'] for r in rows if r['rel_drop'] is not None}
  others = [v for l, v in rel.items() if l != 'en']
  gap = (float(np.mean(others)) - rel['en']) if 'en' in rel and others else None
  return dict(n_langs=len(rows), clean_mean=float(np.mean([r['clean'] for r in rows])),
              mean=float(np.mean([r['perturbed'] for r in rows])), std=ps['std'],
              worst_lang=ps['worst_lang'], worst=ps['worst'],
              drop_mean=float(np.mean([r['drop'] for r in rows])),
              rel_drop_mean=float(np.mean(list(rel.values()))) if rel else None,
              transfer_gap_clean=cs['transfer_gap'], transfer_gap_perturbed=ps['transfer_gap'],
              robustness_gap=gap)


def build(workdir):
  """The report as data: {'rows', 'summary', 'adversarial', 'curves'}."""
  cells = load_cells(workdir)
  rows, summary, attacks, curves, skipped, violations = [], [], [], {}, {}, []
  for task, entry in cells.items():
    clean, metric = entry['clean'], _metric(entry['clean'])
    violations += _violations(task, entry['perturbed'])
    for cs in list(entry['perturbed'].values()) + list(entry['attack'].values()):
      for c in cs:
        for lang, reason in c.get('skipped', {}).items():
          skipped[(task, c['kind'], lang)] = reason
    for (kind, level), cs in sorted(entry['perturbed'].items()):
      lang_rows = [dict(r, kind=kind, level=level) for r in _lang_rows(task, metric, clean, cs)]
      rows += lang_rows
      if lang_rows:
        summary.append(dict(task=task, kind=kind, level=level, **_level_summary(lang_rows)))
      curve = curves.setdefault(f'{task}/{kind}', {})
      curve[level] = {r['lang']: r['perturbed'] for r in lang_rows}
      # Level 0 is the clean score of the languages the kind perturbs (the mean compares alike).
      curve[0.0] = {r['lang']: r['clean'] for r in lang_rows}
    for (kind, setting), cs in sorted(entry['attack'].items()):
      def extra(lang, cs=cs):
        get = lambda k: float(np.mean([c['langs'][lang][k] for c in cs if lang in c['langs']]))
        rnd = stats_lib.corpus_score(metric, _mean_stats(cs, lang, 'random_stats'))
        return dict(random=rnd, success_rate=get('success_rate'),
                    words_per_example=get('words_per_example'),
                    queries_per_example=get('queries_per_example'),
                    logprob_drop=get('logprob_drop'))
      for r in _lang_rows(task, metric, clean, cs, extra):
        attacks.append(dict(r, kind=kind, attack=setting))
  skipped = [dict(task=t, kind=k, lang=l, reason=r) for (t, k, l), r in sorted(skipped.items())]
  return dict(workdir=os.path.abspath(workdir), rows=rows, summary=summary, adversarial=attacks,
              skipped=skipped, violations=violations,
              curves={k: {str(l): v for l, v in sorted(c.items())} for k, c in curves.items()})


def _violations(task, perturbed):
  """Gold-validity violations (`gold.check_example`) summed per kind over its cells; they
  must be 0 (a non-zero count means a perturbation broke the gold it promised to keep)."""
  by_kind = {}
  for (kind, _), cs in perturbed.items():
    row = by_kind.setdefault(kind, dict(task=task, kind=kind, cells=0, examples=0, violations=0))
    for c in cs:
      row['cells'] += 1
      for v in c['langs'].values():
        row['examples'] += v['n']
        row['violations'] += int(v.get('violations', 0))
  return [by_kind[k] for k in sorted(by_kind)]


def violation_warning(report):
  """One line naming the task/kinds whose perturbed examples broke their gold, or None."""
  bad = [v for v in report.get('violations', []) if v['violations']]
  if not bad:
    return None
  return ('warning: gold-validity violations (must be 0): ' + ', '.join(
      f'{v["task"]}/{v["kind"]} {v["violations"]} in {v["examples"]} examples' for v in bad))


def _fmt(v):
  if v is None:
    return '–'
  if isinstance(v, float):
    return f'{v:.2f}'
  return str(v)


def _table(rows, cols):
  lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
  lines += ['| ' + ' | '.join(_fmt(r.get(c)) for c in cols) + ' |' for r in rows]
  return lines


def _ci(r, key):
  lo, hi = r.get(f'{key}_lo'), r.get(f'{key}_hi')
  return f'{_fmt(r.get(key))} [{_fmt(lo)}, {_fmt(hi)}]'


def markdown(report, title):
  lines = [f'# {title}', '']
  warning = violation_warning(report)
  if warning:
    lines += [f'**{warning}**', '']
  if report['summary']:
    lines += ['## Per level (mean over languages)', '']
    lines += _table(report['summary'], ['task', 'kind', 'level', 'n_langs', 'clean_mean', 'mean',
                                        'std', 'worst_lang', 'worst', 'rel_drop_mean',
                                        'transfer_gap_clean', 'transfer_gap_perturbed',
                                        'robustness_gap'])
    lines.append('')
  if report['adversarial']:
    lines += ['## Adversarial (greedy / beam search) vs random edits at the same budget', '']
    rows = [dict(r, drop_ci=_ci(r, 'drop')) for r in report['adversarial']]
    lines += _table(rows, ['task', 'kind', 'attack', 'lang', 'n', 'clean', 'perturbed', 'random',
                           'drop_ci', 'success_rate', 'words_per_example',
                           'queries_per_example'])
    lines.append('')
  if report['rows']:
    lines += ['## Per language (drop with 95% paired-bootstrap interval)', '']
    rows = [dict(r, drop_ci=_ci(r, 'drop'), rel_drop_ci=_ci(r, 'rel_drop'))
            for r in report['rows']]
    extra = sorted({k for r in report['rows'] for k in r} - set(ROW_COLS) - {
        'drop_lo', 'drop_hi', 'rel_drop_lo', 'rel_drop_hi', 'drop', 'rel_drop'})
    lines += _table(rows, ['task', 'kind', 'level', 'lang', 'n', 'clean', 'perturbed', 'drop_ci',
                           'rel_drop_ci'] + extra)
    lines.append('')
  if report.get('violations'):
    lines += ['## Gold validity (violations found by the check of every perturbed example; '
              'must be 0)', '']
    lines += _table(report['violations'], ['task', 'kind', 'cells', 'examples',
                                           'violations']) + ['']
  if report.get('skipped'):
    lines += ['## Languages a kind cannot perturb (not scored for that kind)', '']
    lines += _table(report['skipped'], ['task', 'kind', 'lang', 'reason']) + ['']
  if report.get('plots'):
    lines += ['## Curves', ''] + [f'![{os.path.basename(p)}](plots/{os.path.basename(p)})'
                                  for p in report['plots']] + ['']
  return '\n'.join(lines)


ROW_COLS = ('task', 'kind', 'level', 'lang', 'n', 'clean', 'perturbed', 'seed_std')


def write_csv(rows, path):
  cols = []
  for r in rows:
    cols += [k for k in r if k not in cols]
  with open(path, 'w', newline='', encoding='utf-8') as f:
    w = csv.DictWriter(f, fieldnames=cols)
    w.writeheader()
    w.writerows(rows)
  return path


def plot_curves(curves, out_dir):
  """One PNG per task and kind: score against noise level, a line per language, the mean bold."""
  import matplotlib  # pylint: disable=g-import-not-at-top
  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
  os.makedirs(out_dir, exist_ok=True)
  paths = []
  for name, curve in curves.items():
    levels = sorted(curve, key=float)
    if len(levels) < 2:
      continue
    x = [float(l) for l in levels]
    langs = sorted({l for v in curve.values() for l in v})
    fig, ax = plt.subplots(figsize=(5, 3.4))
    few = len(langs) <= 12
    for lang in langs:
      y = [curve[l].get(lang, math.nan) for l in levels]
      if lang == 'en':
        ax.plot(x, y, marker='o', linewidth=2, color='tab:orange', label='en')
      else:
        ax.plot(x, y, marker='.', linewidth=1, alpha=0.7 if few else 0.35,
                color=None if few else 'tab:blue', label=lang if few else None)
    mean = [float(np.mean(list(curve[l].values()))) for l in levels]
    ax.plot(x, mean, color='black', linewidth=2.5, label=f'mean of {len(langs)}')
    ax.set_xlabel('noise level (share of words)')
    ax.set_ylabel('score')
    ax.set_title(name)
    ax.legend(fontsize=6, ncol=2, loc='best')
    fig.tight_layout()
    path = os.path.join(out_dir, name.replace('/', '_') + '.png')
    fig.savefig(path, dpi=90)
    plt.close(fig)
    paths.append(path)
  return paths


def write(workdir, out_dir=None, title=None, log=print):
  """Writes the report beside the cells; returns it (as data, with 'plots'). Logs one
  warning line when any perturbed example broke its gold."""
  report = build(workdir)
  warning = violation_warning(report)
  if warning:
    log(warning)
  out_dir = out_dir or os.path.join(storage.absolute(workdir), 'robustness', 'report')
  with storage.staged(out_dir) as local_dir:  # a gs:// folder: written here, then uploaded
    _write(report, local_dir, out_dir, title or f'Robustness: {workdir}')
  return report


def _write(report, out_dir, final_dir, title):
  plots = plot_curves(report['curves'], os.path.join(out_dir, 'plots'))
  report['plots'] = [os.path.join(final_dir, os.path.relpath(p, out_dir)) for p in plots]
  write_csv(report['rows'], os.path.join(out_dir, 'rows.csv'))
  write_csv(report['summary'], os.path.join(out_dir, 'summary.csv'))
  write_csv(report['adversarial'], os.path.join(out_dir, 'adversarial.csv'))
  with open(os.path.join(out_dir, 'report.json'), 'w', encoding='utf-8') as f:
    json.dump(report, f, indent=1, ensure_ascii=False)
  with open(os.path.join(out_dir, 'report.md'), 'w', encoding='utf-8') as f:
    f.write(markdown(report, title))


def compare(workdirs, out_dir, names=None):
  """Per task, kind, level and language: each run minus the first, paired over the examples
  both ran (same test set: same order and count), with bootstrap intervals."""
  names = list(names or [os.path.basename(os.path.normpath(w)) for w in workdirs])
  runs = [load_cells(w) for w in workdirs]
  base, rows = runs[0], []
  for name, run in zip(names[1:], runs[1:]):
    for task, entry in run.items():
      if task not in base:
        continue
      a_clean, b_clean = base[task]['clean'], entry['clean']
      metric = _metric(a_clean)
      settings = [(k, l) for k, l in entry['perturbed'] if (k, l) in base[task]['perturbed']]
      for kind, level in [(None, 0.0)] + sorted(settings):
        a_cells = [a_clean] if kind is None else base[task]['perturbed'][(kind, level)]
        b_cells = [b_clean] if kind is None else entry['perturbed'][(kind, level)]
        for lang in a_clean['langs']:
          if lang not in b_clean['langs']:
            continue
          ac, bc = (np.asarray(x['langs'][lang]['stats']) for x in (a_clean, b_clean))
          ap, bp = _mean_stats(a_cells, lang), _mean_stats(b_cells, lang)
          if ap is None or bp is None or len(ap) != len(bp):
            continue
          rows.append(dict(run=name, baseline=names[0], task=task, kind=kind or 'clean',
                           level=level, lang=lang,
                           **_paired_diffs(metric, ac, ap, bc, bp)))
  with storage.staged(out_dir) as local_dir:  # a gs:// folder: written here, then uploaded
    _write_compare(rows, names, workdirs, local_dir)
  return rows


def plot_compare(rows, out_dir):
  """One PNG per run and task: the paired difference (run minus baseline) of the score per
  language with its 95% interval, a marker series per setting (clean, kind at level)."""
  import matplotlib  # pylint: disable=g-import-not-at-top
  matplotlib.use('Agg')
  import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
  os.makedirs(out_dir, exist_ok=True)
  groups = {}
  for r in rows:
    groups.setdefault((r['run'], r['baseline'], r['task']), []).append(r)
  paths = []
  for (run, baseline, task), rs in groups.items():
    langs = list(dict.fromkeys(r['lang'] for r in rs))
    settings = list(dict.fromkeys((r['kind'], r['level']) for r in rs))
    fig, ax = plt.subplots(figsize=(max(5, 0.45 * len(langs) + 2), 3.4))
    width = 0.8 / len(settings)
    for k, (kind, level) in enumerate(settings):
      by_lang = {r['lang']: r for r in rs if (r['kind'], r['level']) == (kind, level)}
      x = [i - 0.4 + (k + 0.5) * width for i, l in enumerate(langs) if l in by_lang]
      y = [by_lang[l]['score_diff'] for l in langs if l in by_lang]
      err = [[by_lang[l]['score_diff'] - by_lang[l]['score_diff_lo'] for l in langs
              if l in by_lang],
             [by_lang[l]['score_diff_hi'] - by_lang[l]['score_diff'] for l in langs
              if l in by_lang]]
      ax.errorbar(x, y, yerr=err, fmt='o', markersize=3, capsize=2,
                  label='clean' if kind == 'clean' else f'{kind} {level:g}')
    ax.axhline(0, color='black', linewidth=0.8)
    ax.set_xticks(range(len(langs)), langs, fontsize=7)
    ax.set_ylabel(f'score, {run} minus {baseline}')
    ax.set_title(f'{task}: paired difference, 95% interval')
    ax.legend(fontsize=6, ncol=2, loc='best')
    fig.tight_layout()
    path = os.path.join(out_dir, f'{run}_{task}.png'.replace('/', '_'))
    fig.savefig(path, dpi=90)
    plt.close(fig)
    paths.append(path)
  return paths


def _write_compare(rows, names, workdirs, out_dir):
  write_csv(rows, os.path.join(out_dir, 'compare.csv'))
  plots = plot_compare(rows, os.path.join(out_dir, 'plots'))
  with open(os.path.join(out_dir, 'compare.json'), 'w', encoding='utf-8') as f:
    json.dump(dict(runs=dict(zip(names, map(storage.absolute, workdirs))), rows=rows,
                   plots=[os.path.relpath(p, out_dir) for p in plots]), f,
              indent=1, ensure_ascii=False)
  md = [f'# Robustness: each run minus {names[0]}', '',
        'Paired over the same test examples; 95% bootstrap intervals (1000 resamples, seed 0).',
        '']
  md += _table([dict(r, score_diff=_ci(r, 'score_diff'), drop_diff=_ci(r, 'drop_diff'))
                for r in rows],
               ['run', 'task', 'kind', 'level', 'lang', 'clean_a', 'clean_b', 'perturbed_a',
                'perturbed_b', 'score_diff', 'drop_diff'])
  md += _compare_means(rows)
  md += ['', '## Per-language differences', ''] + [
      f'![{os.path.basename(p)}]({os.path.relpath(p, out_dir)})' for p in plots]
  with open(os.path.join(out_dir, 'compare.md'), 'w', encoding='utf-8') as f:
    f.write('\n'.join(md) + '\n')


def _compare_means(rows):
  groups = {}
  for r in rows:
    groups.setdefault((r['run'], r['task'], r['kind'], r['level']), []).append(r)
  out = ['', '## Mean over languages', '']
  out += _table([dict(run=k[0], task=k[1], kind=k[2], level=k[3], n_langs=len(v),
                      score_diff=float(np.mean([r['score_diff'] for r in v])),
                      drop_diff=float(np.mean([r['drop_diff'] for r in v])))
                 for k, v in groups.items()],
                ['run', 'task', 'kind', 'level', 'n_langs', 'score_diff', 'drop_diff'])
  return out


def _paired_diffs(metric, ac, ap, bc, bp, samples=1000, seed=0):
  """B minus A of the perturbed score and of the drop, resampling the examples jointly."""
  n = len(ac)
  score = lambda s, idx: stats_lib.score(metric, s[idx].sum(-2), n)
  full = np.arange(n)[None]
  idx = np.random.default_rng(seed).integers(0, n, size=(samples, n))
  out = dict(n=n, clean_a=float(score(ac, full)[0]), clean_b=float(score(bc, full)[0]),
             perturbed_a=float(score(ap, full)[0]), perturbed_b=float(score(bp, full)[0]))
  out['score_diff'] = out['perturbed_b'] - out['perturbed_a']
  out['drop_diff'] = (out['clean_b'] - out['perturbed_b']) - (out['clean_a'] - out['perturbed_a'])
  sd = score(bp, idx) - score(ap, idx)
  dd = (score(bc, idx) - score(bp, idx)) - (score(ac, idx) - score(ap, idx))
  out['score_diff_lo'], out['score_diff_hi'] = np.percentile(sd, [2.5, 97.5]).tolist()
  out['drop_diff_lo'], out['drop_diff_hi'] = np.percentile(dd, [2.5, 97.5]).tolist()
  return out
