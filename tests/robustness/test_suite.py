"""Scorer, attack, suite, report and comparison on a small finished workdir (trained once)."""

import json
import os
import shutil

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.robustness import adversarial
from xstilts_jax.robustness import report as report_lib
from xstilts_jax.robustness import scorer as scorer_lib
from xstilts_jax.robustness import suite as suite_lib
from xstilts_jax.robustness import workdir as workdir_lib



PERTURB = suite_lib.perturbation_functions()


@pytest.fixture(scope='module')
def wd(demo_workdir):
  config, path = demo_workdir
  return workdir_lib.Workdir(path, config)


@pytest.fixture(scope='module')
def targets(wd):
  return {name: wd.target_model(wd.task(name)) for name in ('xnli', 'udpos', 'xquad')}


def _manual_gold(target, examples, wd):
  """Gold log-probs from the model's raw logits, row by row in numpy (no buckets, no jit)."""
  task = target.task
  opts = wd.qa_options if task.format == 'span_qa' else {}
  f = featurize_lib.featurize(task, examples, wd.tokenizer, target.max_seq_length, **opts).arrays
  apply = jax.jit(lambda p, b: target.model.apply({'params': p}, b, task.head_name))
  out = apply(jax.device_get(target.params), {'input_ids': jnp.asarray(f['input_ids']),
                                              'attention_mask': jnp.asarray(f['attention_mask'])})
  lsm = lambda x: np.asarray(x - jax.scipy.special.logsumexp(x, -1, keepdims=True), np.float64)
  if task.format == 'classification':
    lp = lsm(out['logits'])
    return lp[np.arange(len(examples)), f['label']]
  if task.format == 'tagging':
    lp, total = lsm(out['logits']), np.zeros(len(examples))
    for r, e in enumerate(f['example_index']):
      for t, y in enumerate(f['labels'][r]):
        if y >= 0:
          total[e] += lp[r, t, y]
    return total
  best = np.full(len(examples), -np.inf)
  for r, e in enumerate(f['example_index']):
    keep = f['attention_mask'][r] > 0
    s = lsm(np.asarray(out['start_logits'][r])[keep])
    en = lsm(np.asarray(out['end_logits'][r])[keep])
    a, b = f['start_positions'][r], f['end_positions'][r]
    if a > 0 or not (f['start_positions'][f['example_index'] == e] > 0).any():
      best[e] = max(best[e], s[a] + en[b])
  return best


@pytest.mark.parametrize('name', ['xnli', 'udpos', 'xquad'])
def test_gold_scorer_matches_the_model(wd, targets, name):
  target = targets[name]
  examples = wd.test_examples(target.task, 'de')
  scores = wd.scorer(target)(examples)
  np.testing.assert_allclose(scores.gold_logprob, _manual_gold(target, examples, wd),
                             rtol=1e-4, atol=1e-4)
  if name == 'xnli':  # argmax-is-gold is what eval's predictions say
    preds = wd.predictions(target, examples)
    assert list(scores.correct) == [p == e.label for p, e in zip(preds, examples)]
  if name != 'xquad':
    return
  # Length buckets change nothing (padding is masked out of QA's softmax): the same numbers
  # with every batch at the full length.
  one = scorer_lib.GoldScorer(target.task, target.logprob_fn, target.params, wd.tokenizer,
                              target.max_seq_length, 32, wd.batch_sharding, wd.qa_options,
                              bucketed=False)(examples)
  np.testing.assert_allclose(one.gold_logprob, scores.gold_logprob, rtol=1e-5, atol=1e-5)


def test_attack_beats_random_at_the_same_budget(wd, targets):
  target = targets['udpos']
  score_fn = wd.scorer(target)
  attacked, randomised, clean = [], [], []
  for lang in ('en', 'de'):
    examples = wd.test_examples(target.task, lang)
    kw = dict(split_words=PERTURB.split_words, word_candidates=PERTURB.word_candidates,
              n_candidates=3)
    results = adversarial.attack(examples, 'tagging', lang, score_fn, kind='char', max_edits=2,
                                 max_queries=60, **kw)
    rand = adversarial.random_attack(examples, 'tagging', lang, kind='char', edits=2, **kw)
    assert all(len(r.edits) <= 2 and r.queries <= 60 for r in results)
    attacked += [r.logprob for r in results]
    clean += [r.clean_logprob for r in results]
    randomised += list(score_fn([e for e, _ in rand]).gold_logprob)
    # What the attack reports is what the model gives the perturbed example.
    np.testing.assert_allclose(score_fn([r.example for r in results]).gold_logprob,
                               [r.logprob for r in results], rtol=1e-5)
  assert np.mean(attacked) < np.mean(randomised)
  assert np.mean(attacked) < np.mean(clean)
  assert all(a <= c for a, c in zip(attacked, clean))  # never worse than no edit


@pytest.fixture(scope='module')
def finished_suite(wd):
  suite = suite_lib.Suite(wd, PERTURB, kinds=['char'], levels=[0, 0.3],
                          seeds=[0, 1], adversarial_options=dict(beam=2, edits=2, queries=40,
                                                                 candidates=2),
                          tasks=['xnli', 'udpos', 'xquad', 'tatoeba'], progress=False,
                          log=lambda *a: None)
  return suite, suite.run()


def _cells(wd):
  root = os.path.join(wd.path, 'robustness', suite_lib.CELLS)
  return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


def test_suite_writes_each_cell_once_and_resumes(wd, finished_suite):
  suite, computed = finished_suite
  cells = _cells(wd)
  # 4 clean + 4 tasks x 2 seeds at level 0.3 + 3 tasks x 2 seeds adversarial (not Tatoeba).
  assert computed == len(cells) == 4 + 8 + 6
  assert not [c for c in cells if '.tmp' in c]
  again = suite_lib.Suite(wd, PERTURB, kinds=['char'], levels=[0, 0.3],
                          seeds=[0, 1], adversarial_options=suite.attack, tasks=suite.only_tasks,
                          progress=False, log=lambda *a: None)
  assert again.run() == 0
  victim = [c for c in cells if 'udpos' in c and 'seed=1' in c and 'level' in c][0]
  before = suite_lib.read_json(victim)
  os.remove(victim)
  assert again.run() == 1  # only what is missing, and the same numbers again (seeded)
  after = suite_lib.read_json(victim)
  assert after['langs']['de']['stats'] == before['langs']['de']['stats']


def test_report_numbers_follow_the_cells(wd, finished_suite):
  logged = []
  report = report_lib.write(wd.path, log=logged.append)
  out = os.path.join(wd.path, 'robustness', 'report')
  for name in ('report.md', 'rows.csv', 'summary.csv', 'adversarial.csv', 'report.json'):
    assert os.path.getsize(os.path.join(out, name)) > 0
  assert report['plots'] and all(os.path.getsize(p) > 1000 for p in report['plots'])
  clean = suite_lib.read_json(os.path.join(wd.path, 'robustness', 'cells', 'udpos', 'clean.json'))
  rows = [r for r in report['rows'] if r['task'] == 'udpos']
  assert {r['lang'] for r in rows} == {'en', 'de'}
  for r in rows:
    assert r['clean'] == pytest.approx(clean['langs'][r['lang']]['score'])
    assert r['drop'] == pytest.approx(r['clean'] - r['perturbed'])
    assert r['drop_lo'] <= r['drop'] + 1e-9 and r['drop'] <= r['drop_hi'] + 1e-9
    assert 0 <= r['rate_words'] <= 1
  s, = [s for s in report['summary'] if s['task'] == 'udpos']
  by = {r['lang']: r for r in rows}
  if by['en']['rel_drop'] is not None and by['de']['rel_drop'] is not None:
    assert s['robustness_gap'] == pytest.approx(by['de']['rel_drop'] - by['en']['rel_drop'])
  assert s['transfer_gap_clean'] == pytest.approx(by['en']['clean'] - by['de']['clean'])
  assert s['worst'] == min(r['perturbed'] for r in rows)
  adv = [r for r in report['adversarial'] if r['task'] == 'udpos']
  assert len(adv) == 2 and all(r['queries_per_example'] <= 40 for r in adv)
  # Every task's char cells were checked: 2 seeds x (en, de); no violation, no warning.
  v = {r['task']: r for r in report['violations']}
  assert sorted(v) == ['tatoeba', 'udpos', 'xnli', 'xquad'] and not logged
  assert v['udpos'] == dict(task='udpos', kind='char', cells=2, violations=0,
                            examples=2 * sum(clean['langs'][l]['n'] for l in ('en', 'de')))
  with open(os.path.join(out, 'report.md')) as f:
    text = f.read()
  assert '| udpos | char | 2 |' in text and 'warning' not in text


def violation_rows(report):
  return {r['task']: r for r in report['violations']}


def test_report_flags_gold_violations(wd, finished_suite, tmp_path):
  other = str(tmp_path / 'broken')
  shutil.copytree(os.path.join(wd.path, 'robustness', 'cells'),
                  os.path.join(other, 'robustness', 'cells'))
  path = os.path.join(other, 'robustness', 'cells', 'xnli', 'char', 'level=0.3', 'seed=1.json')
  cell = suite_lib.read_json(path)
  cell['langs']['de']['violations'] = 3  # as if 3 perturbed German examples broke their gold
  suite_lib.write_json(path, cell)
  logged = []
  report = report_lib.write(other, log=logged.append)
  assert len(logged) == 1 and logged[0].startswith('warning: gold-validity violations')
  assert 'xnli/char 3 in' in logged[0] and 'udpos' not in logged[0]
  with open(os.path.join(other, 'robustness', 'report', 'report.json')) as f:
    v = {r['task']: r['violations'] for r in json.load(f)['violations']}
  assert v == {'tatoeba': 0, 'udpos': 0, 'xnli': 3, 'xquad': 0}
  with open(os.path.join(other, 'robustness', 'report', 'report.md')) as f:
    text = f.read()
  assert f'**{logged[0]}**' in text and '| xnli | char | 2 |' in text
  assert violation_rows(report)['xnli']['violations'] == 3


def test_compare_is_paired(wd, finished_suite, tmp_path):
  other = str(tmp_path / 'other')
  shutil.copytree(os.path.join(wd.path, 'robustness'), os.path.join(other, 'robustness'))
  # Run B: English XNLI gets every perturbed example right at level 0.3.
  for seed in (0, 1):
    path = os.path.join(other, 'robustness', 'cells', 'xnli', 'char', 'level=0.3',
                        f'seed={seed}.json')
    cell = suite_lib.read_json(path)
    cell['langs']['en']['stats'] = [[1.0]] * cell['langs']['en']['n']
    suite_lib.write_json(path, cell)
  rows = report_lib.compare([wd.path, other], str(tmp_path / 'cmp'), names=['a', 'b'])
  for r in rows:
    if r['task'] == 'xnli' and r['lang'] == 'en' and r['kind'] == 'char':
      assert r['perturbed_b'] == 100.0
      assert r['score_diff'] == pytest.approx(100.0 - r['perturbed_a'])
    else:  # the same predictions on the same examples: a paired difference of exactly 0
      assert r['score_diff'] == 0 and r['score_diff_lo'] == 0 == r['score_diff_hi']
  assert os.path.exists(tmp_path / 'cmp' / 'compare.md')
  with open(tmp_path / 'cmp' / 'compare.json') as f:
    data = json.load(f)
  assert len(data['rows']) == len(rows)
  # A PNG per run and task (4 tasks, one run against the baseline), linked from compare.md.
  assert sorted(data['plots']) == [f'plots/b_{t}.png' for t in ('tatoeba', 'udpos', 'xnli',
                                                                 'xquad')]
  with open(tmp_path / 'cmp' / 'compare.md') as f:
    text = f.read()
  for p in data['plots']:
    assert os.path.getsize(tmp_path / 'cmp' / p) > 1000 and f'({p})' in text
