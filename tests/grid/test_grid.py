"""The grid as one command, end to end on the tiny config (one shared grid root):

baseline + 2 intermediate tasks (mnli, qqp) × 2 seeds × 2 targets (pawsx: trained and
scored zero-shot on 7 languages; bucc2018: retrieval, no training), 4 steps per phase, the
grid's translated-data cell mnli_translated (MNLI on the shipped translate-train fixtures of
its 14 languages, no English), plus a cell whose data_dir does not exist (fails at
preflight). Before the full `run`, one run is
started alone and SIGKILLed midway (between its finished intermediate phase and its target
phase); the full `run` resumes it. Then: a second `run` starts no subprocess, `status` lists
the failing cell with its error, `report` writes the tables and the heatmap, and `study`
compares English with translated MNLI (named groups of these workdirs).
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from xstilts_jax.tasks import languages

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(ROOT, '.jax_cache')
# 4 steps, as tests/train/test_workdir_faults.py and tests/e2e/test_translate_train.py take: the
# schedule is compiled into the train step, so only equal step counts can share cached programs.
FAST = ['targets=pawsx,bucc2018', 'intermediate.num_steps=4', 'target.num_steps=4',
        'checkpoint.every=2', 'intermediate.eval_every=0', 'target.eval_every=0',
        'eval.max_examples=8', f'compilation_cache={CACHE}']
CELLS, SEEDS = ['baseline', 'mnli', 'qqp', 'mnli_translated', 'broken'], [0, 1]
GRID = ['--base', 'tiny', '--cells', ','.join(CELLS), '--seeds', '0,1',
        '--cell-set', 'broken:data.data_dir=/nonexistent/xstilts_data'] + [
            a for s in FAST for a in ('--set', s)]
KILLED = 'mnli-s0'   # run index 1: seed 0, second cell


def grid(*args, **kwargs):
  return subprocess.run([sys.executable, '-m', 'xstilts_jax.grid', *args], cwd=ROOT,
                        capture_output=True, text=True, **kwargs)


def _read(path):
  with open(path, encoding='utf-8') as f:
    return json.load(f)


def _wait_for(predicate, timeout, what):
  t0 = time.time()
  while not predicate():
    if time.time() - t0 > timeout:
      raise AssertionError(f'timed out after {timeout}s waiting for {what}')
    time.sleep(0.05)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
  r = str(tmp_path_factory.mktemp('grid'))
  out = {'root': r}
  # One run alone, killed once its intermediate phase is finished and its target phase began.
  proc = subprocess.Popen([sys.executable, '-m', 'xstilts_jax.grid', 'run', '--root', r,
                           '--index', '1'] + GRID, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
  workdir = os.path.join(r, KILLED)
  status_file = os.path.join(r, '_grid', 'status', KILLED + '.json')
  _wait_for(lambda: os.path.exists(status_file) or proc.poll() is not None, 120,
            'the status file of ' + KILLED)
  child = _read(status_file)['pid']
  # Seconds of imports and compiling lie ahead of the run: it is still going.
  out['status_while_running'] = grid('status', '--root', r).stdout
  _wait_for(lambda: os.path.isdir(os.path.join(workdir, 'target_pawsx')) or
            proc.poll() is not None, 600, 'the target phase of ' + KILLED)
  assert proc.poll() is None, proc.stdout.read()
  os.kill(child, signal.SIGKILL)
  out['killed_stdout'] = proc.communicate(timeout=60)[0]
  out['killed_rc'] = proc.returncode
  out['killed_results'] = os.path.exists(os.path.join(workdir, 'results.json'))
  out['status_after_kill'] = grid('status', '--root', r).stdout
  intermediate = os.path.join(workdir, 'intermediate', 'results.json')
  out['intermediate_mtime'] = os.stat(intermediate).st_mtime_ns
  t0 = time.time()
  out['first'] = grid('run', '--root', r, *GRID)
  out['first_s'] = time.time() - t0
  out['intermediate_mtime_after'] = os.stat(intermediate).st_mtime_ns
  return out


def test_status_tells_a_running_run(root):
  row = next(l for l in root['status_while_running'].splitlines() if KILLED in l)
  assert row.split()[2:4] == ['running', 'PID'], root['status_while_running']
  assert '1 running' in root['status_while_running']


def test_a_killed_run_is_failed_then_resumed_to_done(root):
  assert root['killed_rc'] == 1 and not root['killed_results']
  assert f'[{KILLED}] FAILED' in root['killed_stdout']
  assert 'killed by signal SIGKILL' in root['status_after_kill']
  first = root['first']
  assert f'[{KILLED}] resuming' in first.stdout, first.stdout
  # The experiment's own resume: the finished intermediate phase was not trained again.
  assert root['intermediate_mtime_after'] == root['intermediate_mtime']
  assert _read(os.path.join(root['root'], KILLED, 'results.json'))['scores'] is not None


def test_run_runs_every_cell_and_fails_only_the_broken_one(root):
  first = root['first']
  assert first.returncode == 1, first.stdout + first.stderr
  for cell in CELLS:
    for seed in SEEDS:
      name = f'{cell}-s{seed}'
      results = os.path.join(root['root'], name, 'results.json')
      if cell == 'broken':
        assert f'[{name}] FAILED' in first.stdout and not os.path.exists(results)
      else:
        scores = _read(results)['scores']
        assert set(scores['tasks']) == {'pawsx', 'bucc2018'}
        assert scores['tasks']['pawsx']['score'] is not None
  assert '8 done, 2 failed' in first.stdout, first.stdout


def test_status_shows_done_and_the_failure_with_its_error(root):
  out = grid('status', '--root', root['root'], '--cells', ','.join(CELLS))
  assert out.returncode == 0, out.stderr
  lines = out.stdout.splitlines()
  for i, (seed, cell) in enumerate((s, c) for s in SEEDS for c in CELLS):
    row = next(l for l in lines if l.split()[:2] == [str(i), f'{cell}-s{seed}'])
    assert row.split()[2] == ('failed' if cell == 'broken' else 'done'), out.stdout
  # The preflight's own message: which folder is missing and how to get the data.
  assert '/nonexistent/xstilts_data: no such folder' in out.stdout
  assert '8 done, 0 running, 2 failed, 0 pending' in out.stdout


def test_a_second_run_does_no_work(root):
  r = root['root']
  logs = os.path.join(r, '_grid', 'logs')
  before = {f: os.stat(os.path.join(logs, f)).st_mtime_ns for f in os.listdir(logs)}
  t0 = time.time()
  out = grid('run', '--root', r, '--cells', 'baseline,mnli,qqp')   # the rest from grid.json
  took = time.time() - t0
  assert out.returncode == 0, out.stdout + out.stderr
  assert out.stdout.count('done earlier') == 6 and 'starting' not in out.stdout
  after = {f: os.stat(os.path.join(logs, f)).st_mtime_ns for f in os.listdir(logs)}
  assert after == before    # no run wrote to its log: no subprocess started
  print(f'second run: {took:.1f}s (first: {root["first_s"]:.0f}s)')


def _pawsx(r, name):
  return _read(os.path.join(r, name, 'results.json'))['scores']['tasks']['pawsx']


def test_report_writes_tables_and_heatmap_with_the_grid_numbers(root):
  r = root['root']
  out = grid('report', '--root', r, '--cells', 'baseline,mnli,qqp')
  assert out.returncode == 0, out.stderr
  rep = os.path.join(r, 'report')
  for f in ('grid.md', 'grid.csv', 'best.csv', 'grid.json', 'comparison.csv',
            'improvement_heatmap.png'):
    assert os.path.getsize(os.path.join(rep, f)) > 0, f
  with open(os.path.join(rep, 'improvement_heatmap.png'), 'rb') as f:
    assert f.read(8) == b'\x89PNG\r\n\x1a\n'
  agg = _read(os.path.join(rep, 'grid.json'))
  mean = {c: sum(_pawsx(r, f'{c}-s{s}')['score'] for s in SEEDS) / 2
          for c in ('baseline', 'mnli', 'qqp')}
  for c in ('mnli', 'qqp'):
    assert agg['table'][c]['pawsx']['mean'] == pytest.approx(mean[c])
    assert agg['table'][c]['pawsx']['delta'] == pytest.approx(mean[c] - mean['baseline'])
  best = max(('mnli', 'qqp'), key=mean.get)   # a tie goes to the first cell
  assert agg['best']['pawsx']['cell'] == best
  # Only 2 of the 9 tasks: no XTREME score, and the report says why.
  assert agg['selection']['score'] is None and agg['selection']['benchmark'] == 'xtreme'
  assert 'xnli' in agg['selection']['reason']
  with open(os.path.join(rep, 'grid.csv'), newline='') as f:
    rows = list(csv.DictReader(f))
  assert len(rows) == 3 * 2 and {r_['n_seeds'] for r_ in rows} == {'2'}
  assert 'Best intermediate cell per target' in open(os.path.join(rep, 'grid.md')).read()


def test_translated_runs_record_their_regime(root):
  r = root['root']
  for seed in SEEDS:
    phases = _read(os.path.join(r, f'mnli_translated-s{seed}', 'results.json'))['phases']
    regime = phases['intermediate']['data_regime']['mnli']
    assert regime['regime'] == 'translated' and regime['english_examples'] == 0
    assert regime['languages'] == [l for l in languages.XNLI if l != 'en']
    assert regime['translations'] == 'xnli_translate_train'
    assert regime['per_language']['de']['invalid_label'] == 1   # the fixture's bad row
    english = _read(os.path.join(r, f'mnli-s{seed}', 'results.json'))['phases']
    assert english['intermediate']['data_regime']['mnli']['regime'] == 'english'


def test_study_compares_english_and_translated_with_robustness_where_present(root, tmp_path):
  """'english' = the mnli runs, 'translated' = the mnli_translated runs (MNLI's translate-train
  fixtures). A robustness report in the format of the robustness CLI
  (`robustness/report/report.json`, hand-written here) sits in both seed-0 workdirs, none in
  seed 1. Tiny runs: the numbers are noise; the test checks the arithmetic and the files."""
  r = root['root']
  drops = {'mnli-s0': 4.0, 'mnli_translated-s0': 1.5}
  for name, drop in drops.items():
    path = os.path.join(r, name, 'robustness', 'report', 'report.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
      json.dump({'summary': [{'task': 'pawsx', 'kind': 'typo', 'level': 0.1, 'drop_mean': drop,
                              'mean': 40.0}], 'rows': []}, f)
  out_dir = str(tmp_path / 'study')
  out = grid('study', '--root', r, '--out', out_dir, '--group', 'english=mnli',
             '--group', 'translated=mnli_translated', '--group', 'baseline=baseline',
             '--compare', 'english:translated', '--compare', 'baseline:english')
  assert out.returncode == 0, out.stdout + out.stderr
  study = _read(os.path.join(out_dir, 'study.json'))
  # Which data produced each group's numbers, from its runs' results.json.
  assert all(l.startswith('intermediate mnli: translated, 14 languages (ar bg de')
             for l in study['regimes']['translated']), study['regimes']
  assert study['regimes']['english'] == ['intermediate mnli: english; target_pawsx pawsx: '
                                         'english'] * 2
  assert 'intermediate mnli: translated, 14 languages' in open(
      os.path.join(out_dir, 'study.md')).read()
  c = study['comparisons'][0]
  assert (c['a'], c['b'], c['pairs']) == ('english', 'translated', 2)
  de = next(x for x in c['langs'] if x['task'] == 'pawsx' and x['lang'] == 'de')
  diffs = [_pawsx(r, f'mnli_translated-s{s}')['langs']['de']['accuracy'] -
           _pawsx(r, f'mnli-s{s}')['langs']['de']['accuracy'] for s in SEEDS]
  assert de['diff'] == pytest.approx(sum(diffs) / 2) and de['tier'] == 'high'
  target = next(x for x in c['targets'] if x['task'] == 'pawsx')
  assert target['n_langs'] == 7
  assert target['std_change'] == pytest.approx(target['b_std'] - target['a_std'])
  # PAWS-X's 7 languages are all Joshi class 4-5 ('high'); the tier split is tested on
  # hand-made scores in test_study.py.
  assert [(t['tier'], t['n_langs']) for t in c['tiers'] if t['task'] == 'pawsx'] == [('high', 7)]
  # Robustness: only the seed-0 runs have a report; the mean drop over what exists.
  assert c['robustness'] == [dict(task='pawsx', kind='typo', level=0.1, a_drop=4.0,
                                  b_drop=1.5, drop_diff=-2.5)]
  assert study['comparisons'][1]['robustness'] == []   # the baseline runs have none
  with open(os.path.join(out_dir, 'languages.csv'), newline='') as f:
    rows = [x for x in csv.DictReader(f) if x['a'] == 'english']
  assert len(rows) == 7 + 4 and {x['task'] for x in rows} == {'pawsx', 'bucc2018'}
  for f in ('study.md', 'languages.csv', 'targets.csv', 'tiers.csv', 'robustness.csv',
            'plots/translated_minus_english.png', 'plots/english_minus_baseline.png'):
    assert os.path.getsize(os.path.join(out_dir, f)) > 0, f
  with open(os.path.join(out_dir, 'plots', 'translated_minus_english.png'), 'rb') as f:
    assert f.read(8) == b'\x89PNG\r\n\x1a\n'
  print(open(os.path.join(out_dir, 'study.md')).read())
