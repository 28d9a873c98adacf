"""The suite on a ranking target (the dual encoder: Mewsli-X, LAReQA), on a tiny task of its own.

A finished workdir with one ranking target (seeded random weights, as conftest's workdir) and
a toy corpus per language: the suite perturbs the queries, leaves the candidates alone,
scores map@20 as eval/ranking.py does and records the gold's rank change.
"""

import json
import os

import numpy as np
import pytest

from conftest import tiny_config, write_workdir  # pylint: disable=g-bad-import-order
from xstilts_jax import robustness as rb
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.eval import ranking as ranking_lib
from xstilts_jax.robustness import report as report_lib
from xstilts_jax.robustness import suite as suite_lib
from xstilts_jax.robustness import workdir as workdir_lib
from xstilts_jax.tasks import registry
from xstilts_jax.tasks.examples import RankingCorpus

TASK = 'toyrank_robust'
ENTITIES = {
    'en': ['the river that runs through the old city', 'a small dog that barks at night',
           'the painter who lived by the sea', 'a famous bridge made of red stone',
           'the school where children learn music', 'a train that crosses the mountains'],
    'de': ['der Fluss, der durch die alte Stadt fließt', 'ein kleiner Hund, der nachts bellt',
           'der Maler, der am Meer lebte', 'eine berühmte Brücke aus rotem Stein',
           'die Schule, in der Kinder Musik lernen', 'ein Zug, der die Berge überquert'],
}
QUERIES = {
    'en': ['we walked along the river near the city', 'the dog barked all night long',
           'his paintings show the sea', 'they crossed the red bridge',
           'my daughter learns music at that school', 'the train climbs into the mountains',
           'an old city with a river', 'a painter by the sea'],
    'de': ['wir gingen am Fluss entlang in der Stadt', 'der Hund bellte die ganze Nacht',
           'seine Bilder zeigen das Meer', 'sie überquerten die rote Brücke',
           'meine Tochter lernt Musik an dieser Schule', 'der Zug fährt in die Berge',
           'eine alte Stadt mit einem Fluss', 'ein Maler am Meer'],
}
GOLD = [0, 1, 2, 3, 4, 5, 0, 2]  # the entity each query mentions


def read_corpus(files, lang=None, split=None):
  path, = files
  with open(path, encoding='utf-8') as f:
    d = json.load(f)
  return [RankingCorpus(lang, d['query_ids'], d['queries'], d['candidate_ids'],
                        d['candidates'], d['gold'])]


@pytest.fixture(scope='module')
def ranking_workdir(tmp_path_factory):
  root = tmp_path_factory.mktemp('rank_robust')
  os.makedirs(root / 'data' / TASK)
  for lang in ('en', 'de'):
    ids = [f'{lang}-{i}' for i in range(len(QUERIES[lang]))]
    corpus = dict(query_ids=ids, queries=QUERIES[lang],
                  candidate_ids=[f'E{j}' for j in range(6)], candidates=ENTITIES[lang],
                  gold={q: [f'E{g}'] for q, g in zip(ids, GOLD)})
    with open(root / 'data' / TASK / f'test-{lang}.json', 'w', encoding='utf-8') as f:
      json.dump(corpus, f, ensure_ascii=False)
  task = registry.register(registry.Task(
      name=TASK, format='ranking', metric='map@20', languages=('en', 'de'),
      xtreme_name='TOYRANK', category='retrieval',
      local=registry.LocalSource(read_corpus, {'test': f'{TASK}/test-{{lang}}.json'})))
  config = tiny_config()
  config.targets = TASK
  config.data.data_dir = str(root / 'data')
  config.target.max_seq_length = 32
  config.eval.batch_size = 8
  write_workdir(config, str(root / 'w'))
  yield workdir_lib.Workdir(str(root / 'w'), config)
  registry.unregister(task.name)


def test_ranking_target_perturbs_queries_and_scores_map(ranking_workdir):
  wd = ranking_workdir
  logged = []
  suite = suite_lib.Suite(wd, suite_lib.perturbation_functions(), kinds=['char', 'word_drop'],
                          levels=[0, 0.5], seeds=[0], progress=False, log=logged.append,
                          adversarial_options=dict(beam=1, edits=1, queries=10, candidates=2))
  # clean + 2 kinds at one level and seed; no adversarial cell (no gold log-probability).
  assert suite.run() == 3
  cell = lambda *a: suite_lib.read_json(suite.path(TASK, *a))
  clean = cell()
  task = wd.task(TASK)
  target = wd.target_model(task)
  for kind in ('char', 'word_drop'):
    got = cell(kind, 'level=0.5', 0)
    for lang in ('en', 'de'):
      corpus, = wd.test_examples(task, lang)
      new, problems = rb.perturb_example(corpus, 'ranking', lang, kind, 0.5, 0, task=TASK,
                                         example_id=lang)
      assert problems == [] and new.candidates == corpus.candidates
      assert sum(a != b for a, b in zip(new.queries, corpus.queries)) >= 4
      # The cell's map@20 is eval/ranking.py's on the same perturbed queries (its own
      # encoding of the candidates), and clean is its score on the clean corpus.
      for c, cor in ((got, new), (clean, corpus)):
        features = ranking_data.featurize_corpus(cor, wd.tokenizer, 32)
        _, metrics = ranking_lib.rank_corpus(target.predict_fn, target.params, features, 8,
                                             wd.batch_sharding)
        assert c['langs'][lang]['score'] == pytest.approx(metrics['map@20'], abs=1e-9)
      one = got['langs'][lang]
      assert one['violations'] == 0 and one['n'] == len(GOLD)
      assert one['rates']['words'] > 0
      # One gold per query: its AP is 1 / rank (6 candidates, all within the top 20).
      ranks = np.asarray(one['ranks'])
      np.testing.assert_allclose(np.asarray(one['stats'])[:, 0], 1.0 / ranks)
      assert one['consistency']['mean_rank_change'] == pytest.approx(
          np.mean(ranks - np.asarray(clean['langs'][lang]['ranks'])))
  report = report_lib.write(wd.path, log=logged.append)
  rows = [r for r in report['rows'] if r['task'] == TASK]
  assert {(r['kind'], r['lang']) for r in rows} == {(k, l) for k in ('char', 'word_drop')
                                                    for l in ('en', 'de')}
  assert all('mean_rank_change' in r for r in rows)
  assert [v['violations'] for v in report['violations']] == [0, 0]
  assert not [l for l in logged if 'warning' in l]
  # The queries really moved the ranking somewhere (else the rank-change check is empty).
  assert any(r['top1_changed'] > 0 or r['mean_rank_change'] != 0 for r in rows)


def test_ranking_gold_rank_in_top_k():
  from xstilts_jax.robustness import consistency  # pylint: disable=g-import-not-at-top
  gold = {'a': ['E1'], 'b': ['E2', 'E0'], 'c': ['E9']}
  preds = {'a': ['E0', 'E1'], 'b': ['E3', 'E0', 'E2'], 'c': ['E0']}
  assert consistency.gold_rank_in_top(gold, preds, 2).tolist() == [2, 2, 3]
