"""The paper's grid as one command: run it, see where it stands, aggregate it, study it.

  python -m xstilts_jax.grid run    --root R [--base CONFIG] [--cells a,b] [--seeds 0,1]
                                    [--set FIELD=VALUE ...] [--cell-set CELL:FIELD=VALUE ...]
                                    [--index I]
  python -m xstilts_jax.grid status --root R
  python -m xstilts_jax.grid report --root R [--out DIR]
  python -m xstilts_jax.grid study  --out DIR --group NAME=MEMBER,... --compare A:B ...
                                    [--root R]

run: every (cell, seed), seed by seed, each in its own subprocess (`xstilts_jax.main` with
the cell's overrides) in the workdir R/<cell>-s<seed>; finished runs are skipped, a failed
one is recorded with its error and the next starts; exit code 1 if any run failed (after all
of them). `--index I` runs only the I-th run (0-based, the order `status` lists): one per job
of a TPU queue or a job array. `--base` is tiny, xlmr_base, xlmr_large (configs/<name>.py) or
a config file. `--set` overrides a field in every run; `--cell-set` adds a field to one cell
or defines a new cell (a variant is a name and its overrides). The grid's definition is kept
in R/_grid/grid.json, so later calls need only --root; flags given again replace it.

status: each run as done, running, failed (with its error) or pending; exit code 0.

report: R/report/ (or --out): grid.md, grid.csv, best.csv, grid.json, comparison.csv and
improvement_heatmap.png (per target: mean ± std over seeds per cell, the improvement over the
baseline, the best intermediate cell per target and the XTREME or XTREME-R score of that
selection, as the runs' config.benchmark says; grid/benchmark.py).

study: named groups of runs compared pairwise (report/study.py). A member is a workdir, or,
with --root, a cell of that grid (its runs, seed by seed). `--compare A:B` reports B − A.
"""

import argparse
import glob
import os
import sys

from xstilts_jax.grid import cells as cells_lib
from xstilts_jax.grid import runner
from xstilts_jax.grid import state as state_lib

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def base_config(name):
  path = name if name.endswith('.py') else os.path.join(_REPO, 'configs', name + '.py')
  if not os.path.isfile(path):
    raise SystemExit(f'error: --base {name}: no config file {path} (tiny, xlmr_base, '
                     'xlmr_large, or a path to a .py config)')
  return os.path.abspath(path)


def _assignment(text, flag):
  if '=' not in text:
    raise SystemExit(f'error: {flag} {text!r}: expected FIELD=VALUE')
  field, value = text.split('=', 1)
  return field.strip(), value


def definition(args):
  """The grid: {'base', 'cells': {name: {field: value}}, 'order', 'seeds', 'set'}; flags
  given replace what R/_grid/grid.json holds, the rest comes from it or the defaults."""
  saved = state_lib.read_json(state_lib.grid_dir(args.root, 'grid.json')) or {}
  table = {k: dict(v) for k, v in cells_lib.CELLS.items()}
  table.update(saved.get('cells', {}))
  for text in args.cell_set or ():
    if ':' not in text:
      raise SystemExit(f'error: --cell-set {text!r}: expected CELL:FIELD=VALUE')
    cell, assignment = text.split(':', 1)
    field, value = _assignment(assignment, '--cell-set')
    table.setdefault(cell, {})[field] = value
  new_cells = [t.split(':', 1)[0] for t in args.cell_set or ()]
  order = (args.cells.split(',') if args.cells else saved.get('order') or
           list(cells_lib.CELLS) + [c for c in dict.fromkeys(new_cells)
                                     if c not in cells_lib.CELLS])
  seeds = ([int(s) for s in args.seeds.split(',')] if args.seeds else
           saved.get('seeds') or list(cells_lib.SEEDS))
  overrides = ([list(_assignment(s, '--set')) for s in args.set] if args.set is not None
               else saved.get('set', []))
  base = (base_config(args.base) if args.base else saved.get('base') or
          base_config('xlmr_large'))
  unknown = [c for c in order if c not in table]
  if unknown:
    raise SystemExit(f'error: --cells: unknown cell(s) {", ".join(unknown)}; known: '
                     f'{", ".join(table)} (define one with --cell-set CELL:FIELD=VALUE)')
  # Every cell defined so far is kept (a later --cells may leave some out of the order).
  return dict(base=base, cells=table, order=order, seeds=seeds, set=overrides)


def _runs(grid):
  return cells_lib.runs(grid['order'], grid['seeds'], grid['cells'])


def cmd_run(args):
  grid = definition(args)
  state_lib.write_json(state_lib.grid_dir(args.root, 'grid.json'), grid)
  runs = _runs(grid)
  if args.index is not None:
    if not 0 <= args.index < len(runs):
      raise SystemExit(f'error: --index {args.index}: the grid has runs 0..{len(runs) - 1}')
    runs = [runs[args.index]]
  print(f'grid {args.root}: {len(runs)} run(s), base {grid["base"]}', flush=True)
  log = lambda *a: print(*a, flush=True)
  final = runner.run_all(grid['base'], runs, args.root, [tuple(x) for x in grid['set']], log)
  failed = [s for s in final if s['state'] == state_lib.FAILED]
  print(f'{sum(s["state"] == state_lib.DONE for s in final)} done, {len(failed)} failed, '
        f'{sum(s["state"] == state_lib.RUNNING for s in final)} running elsewhere')
  return 1 if failed else 0


def cmd_status(args):
  grid = definition(args)
  states = [state_lib.state(args.root, r.name) for r in _runs(grid)]
  print(f'grid {os.path.abspath(args.root)} (base {grid["base"]})')
  for i, s in enumerate(states):
    where = f' PID {s.get("pid")} on {s.get("host")}' if s['state'] == state_lib.RUNNING else ''
    print(f'{i:4d}  {s["run"]:<28} {s["state"]}{where}')
    if s['state'] == state_lib.FAILED and s.get('error'):
      for line in s['error'].splitlines():
        print(f'        {line}')
  counts = {k: sum(s['state'] == k for s in states) for k in
            (state_lib.DONE, state_lib.RUNNING, state_lib.FAILED, state_lib.PENDING)}
  print(', '.join(f'{v} {k}' for k, v in counts.items()))
  return 0


def cmd_report(args):
  from xstilts_jax.grid import aggregate  # matplotlib: only for the reports
  grid = definition(args)
  runs = _runs(grid)
  try:
    benchmark = aggregate.benchmark_of(grid['base'], runs, grid['set'])
  except ValueError as e:
    raise SystemExit(f'error: {e}')
  agg = aggregate.aggregate(aggregate.collect(args.root, runs), cells_lib.BASELINE, benchmark)
  out = args.out or os.path.join(os.path.abspath(args.root), 'report')
  paths = aggregate.write(agg, out, f'X-STILTs grid ({os.path.basename(grid["base"])})')
  print(open(paths['markdown'], encoding='utf-8').read())
  print('written: ' + ', '.join(sorted(paths.values())))
  return 0


def _members(text, root, seeds):
  out = []
  for m in text.split(','):
    if os.path.isdir(m):
      out.append(m)
    elif root and seeds and os.path.isdir(os.path.join(root, f'{m}-s{seeds[0]}')):
      out += [os.path.join(root, f'{m}-s{s}') for s in seeds]
    else:
      raise SystemExit(f'error: --group member {m!r}: not a workdir' +
                       (f' nor a cell of {root}' if root else ''))
  return out


def _robustness(workdir):
  """The robustness report of a workdir (`<workdir>/robustness/report/report.json`), or None."""
  for path in sorted(glob.glob(os.path.join(workdir, 'robustness', '**', 'report.json'),
                               recursive=True)):
    rep = state_lib.read_json(path)
    if isinstance(rep, dict) and 'summary' in rep:
      return rep
  return None


def cmd_study(args):
  from xstilts_jax.report import study as study_lib
  seeds = None
  if args.root:
    seeds = (state_lib.read_json(state_lib.grid_dir(args.root, 'grid.json')) or {}).get(
        'seeds') or list(cells_lib.SEEDS)
  groups, robustness, regimes = {}, {}, {}
  for text in args.group:
    name, members = _assignment(text, '--group')
    workdirs = _members(members, args.root, seeds)
    groups[name], robustness[name], regimes[name] = [], [], []
    for w in workdirs:
      scores = state_lib.results(os.path.dirname(os.path.abspath(w)),
                                 os.path.basename(os.path.abspath(w)))
      if scores is None:
        raise SystemExit(f'error: group {name}: {w} has no results.json with scores (is the '
                         'run finished?)')
      groups[name].append(scores)
      robustness[name].append(_robustness(w))
      phases = (state_lib.read_json(os.path.join(w, 'results.json')) or {}).get('phases')
      regimes[name].append(study_lib.describe_regime(phases))
  comparisons = []
  for text in args.compare:
    if ':' not in text:
      raise SystemExit(f'error: --compare {text!r}: expected A:B (reports B − A)')
    comparisons.append(tuple(text.split(':', 1)))
  result = study_lib.study(groups, comparisons, robustness, regimes)
  paths = study_lib.write(result, args.out, args.title)
  print(open(paths['markdown'], encoding='utf-8').read())
  print('written: ' + ', '.join(sorted(paths.values())))
  return 0


def main(argv=None):
  parser = argparse.ArgumentParser(prog='python -m xstilts_jax.grid',
                                   description=__doc__.split('\n')[0])
  sub = parser.add_subparsers(dest='command', required=True)
  for name in ('run', 'status', 'report'):
    p = sub.add_parser(name)
    p.add_argument('--root', required=True, help='folder of the grid\'s workdirs')
    p.add_argument('--base', help='tiny | xlmr_base | xlmr_large | path to a config file')
    p.add_argument('--cells', help='comma-separated cell names, in order')
    p.add_argument('--seeds', help='comma-separated seeds')
    p.add_argument('--set', action='append', metavar='FIELD=VALUE',
                   help='config override for every run (repeatable)')
    p.add_argument('--cell-set', action='append', metavar='CELL:FIELD=VALUE',
                   help='config override of one cell; a new name defines a cell')
    if name == 'run':
      p.add_argument('--index', type=int, help='run only this run (0-based, as status lists)')
    if name == 'report':
      p.add_argument('--out', help='output folder (default ROOT/report)')
  p = sub.add_parser('study')
  p.add_argument('--out', required=True)
  p.add_argument('--group', action='append', required=True, metavar='NAME=MEMBER,...')
  p.add_argument('--compare', action='append', required=True, metavar='A:B')
  p.add_argument('--root', help='grid root: members may be its cell names')
  p.add_argument('--title', default='Study')
  args = parser.parse_args(argv)
  if '://' in (getattr(args, 'root', None) or ''):  # its runs' logs are written by this process
    raise SystemExit(f'error: --root {args.root}: a grid root is a local folder (a single run '
                     'takes --workdir gs://...)')
  return {'run': cmd_run, 'status': cmd_status, 'report': cmd_report,
          'study': cmd_study}[args.command](args)


if __name__ == '__main__':
  sys.exit(main())
