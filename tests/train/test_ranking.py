"""The dual encoder (format 'ranking': Mewsli-X, LAReQA), on a tiny task registered here.

The task: 20 entities, each named in its queries by one key word among filler words, and
described in its candidate by two other words. Key and description share no token, so only
training can tie them: the untrained encoder ranks at chance, the trained one must link them
(queries at test time use filler combinations never seen in training).
"""

import json
import os
import runpy

import jax
import numpy as np
import pytest

from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import ranking
from xstilts_jax.eval.metrics import ranking as ranking_metrics
from xstilts_jax.models import HeadSpec, Model, heads as heads_lib
from xstilts_jax.tasks import load, registry
from xstilts_jax.tasks.examples import QueryCandidateExample, RankingCorpus
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.train import experiment, losses

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TASK = 'toyrank'
# Single pieces of the tiny tokenizer (checked below).
KEYS = ('apple book cake car child clean close cook exam friend guitar kitap letter live '
        'montag museo near open paint play').split()
DESCRIPTIONS = ('read root school sent sing sleep some speel text travel vertrek vill walk '
                'wash with you happen leave move pushe barabara bibliote dirig gitaa libr '
                'museu tal tea unt wanas neu par por pro sta str man mar mid fix').split()
FILLERS = 'the are was not off von say dep'.split()


def _query(key, rng):
  a, b = rng.choice(FILLERS, 2, replace=False)
  return f'{a} {key} {b}'


def read_toyrank(files, lang=None, split=None):
  """train: JSON lines {id, query, candidate}; dev/test: one JSON {queries, candidates, gold}
  ([id, text] lists), as a reader of a real release would return them."""
  path, = files
  if split == 'train':
    return [QueryCandidateExample(r['id'], r['query'], r['candidate'])
            for _, r in rawfiles.jsonl_records(path, 'toyrank pairs')]
  with open(path, encoding='utf-8') as f:
    d = json.load(f)
  return [RankingCorpus(lang, [q for q, _ in d['queries']], [t for _, t in d['queries']],
                        [c for c, _ in d['candidates']], [t for _, t in d['candidates']],
                        d['gold'])]


def _write_data(root):
  rng = np.random.RandomState(0)
  folder = os.path.join(root, TASK)
  os.makedirs(folder)
  descriptions = [' '.join(DESCRIPTIONS[2 * i:2 * i + 2]) for i in range(len(KEYS))]
  with open(os.path.join(folder, 'train.jsonl'), 'w') as f:
    for rep in range(6):
      for i, key in enumerate(KEYS):
        f.write(json.dumps({'id': f'{rep}-{i}', 'query': _query(key, rng),
                            'candidate': descriptions[i]}) + '\n')
  for split in ('dev', 'test'):
    for lang in ('en', 'de'):
      queries = []
      for i, key in enumerate(KEYS):
        for j in range(2):
          queries.append([f'{lang}-q{i}-{j}', _query(key, rng)])
      corpus = {'queries': queries,
                'candidates': [[f'E{i}', d] for i, d in enumerate(descriptions)],
                'gold': {q: [f'E{int(q.split("-q")[1].split("-")[0])}'] for q, _ in queries}}
      with open(os.path.join(folder, f'{split}-{lang}.json'), 'w') as f:
        json.dump(corpus, f)


@pytest.fixture(scope='module')
def toy_task(tmp_path_factory):
  root = str(tmp_path_factory.mktemp('toyrank_data'))
  _write_data(root)
  task = registry.register(registry.Task(
      name=TASK, format='ranking', metric='map@20', languages=('en', 'de'),
      xtreme_name='TOYRANK', category='retrieval', max_seq_length=8,
      local=registry.LocalSource(read_toyrank, {'train': f'{TASK}/train.jsonl',
                                                'dev': f'{TASK}/dev-{{lang}}.json',
                                                'test': f'{TASK}/test-{{lang}}.json'})))
  yield task, root
  registry.unregister(TASK)


def _tiny_config(data_dir):
  config = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  config.data.data_dir = data_dir
  config.intermediate.tasks = ''
  config.targets = TASK
  # Dropout off: on a random 2-layer model with hidden 32 it drowns the signal of 3-token
  # queries (with 0.1 the loss stays at ln(batch)); the code path is the same.
  config.model.dropout = 0.0
  t = config.target
  t.num_steps, t.eval_every, t.batch_size, t.max_seq_length = 40, 20, 20, 8
  config.checkpoint.every = 40
  config.eval.batch_size = 16
  return config


def test_featurizer_rows_and_lengths():
  tok = load_tokenizer('tiny')
  assert all(len(tok.backend_tokenizer.encode(w, add_special_tokens=False).ids) == 1
             for w in KEYS + DESCRIPTIONS + FILLERS)
  task = registry.Task(name='r', format='ranking', metric='map@20')
  pairs = [QueryCandidateExample('a', 'apple book', 'read', 'root\nschool sent'),
           QueryCandidateExample('b', 'cake', 'sing sleep some speel text travel')]
  f = featurize_lib.featurize(task, pairs, tok, 6, max_query_length=4)
  sp = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
  ids = lambda text: tok.backend_tokenizer.encode(text, add_special_tokens=False).ids
  assert f.arrays['input_ids'].shape == (2, 4)
  assert f.arrays['candidate_input_ids'].shape == (2, 6)
  assert f.arrays['input_ids'][0].tolist() == [sp[0]] + ids('apple book') + [sp[1]]
  # XTREME-R's candidate: sentence + paragraph as one text, newlines removed, cut at the end.
  assert (f.arrays['candidate_input_ids'][0].tolist()
          == [sp[0]] + ids('readrootschool sent')[:4] + [sp[1]])
  assert f.arrays['candidate_attention_mask'][1].tolist() == [1] * 6
  assert f.stats['candidate_truncated'] == 2 and f.stats['query_truncated'] == 0
  pair = featurize_lib.featurize(task, pairs[:1], tok, 8, candidate_context='pair')
  assert pair.arrays['candidate_input_ids'][0].tolist()[:4] == [sp[0]] + ids('read') + [sp[1], sp[1]]
  corpus = RankingCorpus('en', ['q1', 'q2'], ['apple', 'cake'], ['E1', 'E1'], ['x', 'y'], {})
  with pytest.raises(ValueError, match="candidate id 'E1' appears twice"):
    ranking_data.featurize_corpus(corpus, tok, 8)
  with pytest.raises(ValueError, match="query 'q1' has gold 'E9', not a candidate id"):
    ranking_data.featurize_corpus(RankingCorpus('en', ['q1'], ['a'], ['E1'], ['x'],
                                                {'q1': ['E9']}), tok, 8)


def test_loss_equals_numpy_reference():
  """Softmax cross-entropy of logit_scale × cosine over the batch's candidates, the target
  being the query's own (numpy, float64). The model's side (embeddings = the normalised
  pooled output, the train step's loss on 1 and 8 devices) is tests/parallel/test_ranking_mesh."""
  rng = np.random.RandomState(0)
  q = np.asarray(heads_lib.l2_normalize(rng.randn(5, 16)), np.float64)
  c = np.asarray(heads_lib.l2_normalize(rng.randn(5, 16)), np.float64)
  logits = 7.5 * q @ c.T
  top = logits.max(1, keepdims=True)
  logp = logits - top - np.log(np.exp(logits - top).sum(1, keepdims=True))
  outputs = {'embedding': q.astype(np.float32), 'candidate_embedding': c.astype(np.float32),
             'logit_scale': np.float32(7.5)}
  loss, count = losses.ranking_loss(outputs, {})
  np.testing.assert_allclose(float(loss), -np.mean(np.diag(logp)), rtol=1e-5)
  assert float(count) == 5
  # Hand-made: two orthogonal pairs at scale 1: -log(e / (e + 1)) each.
  eye = np.eye(2, dtype=np.float32)
  hand = {'embedding': eye, 'candidate_embedding': eye, 'logit_scale': np.float32(1.0)}
  np.testing.assert_allclose(float(losses.ranking_loss(hand, {})[0]),
                             np.log1p(np.exp(-1.0)), rtol=1e-6)


def _brute_force(queries, candidates, k):
  """Ranked candidate indices per query: similarity descending, the lower index on ties."""
  sims = np.asarray(queries, np.float64) @ np.asarray(candidates, np.float64).T
  return np.stack([np.lexsort((np.arange(len(s)), -s))[:k] for s in sims])


def test_search_equals_brute_force():
  rng = np.random.RandomState(3)
  # Exact ties: values on a 1/4 grid (dot products exact in float32), duplicated candidates.
  cands = rng.randint(-2, 3, (57, 8)).astype(np.float32) / 4
  cands[40:50] = cands[0:10]
  queries = rng.randint(-2, 3, (13, 8)).astype(np.float32) / 4
  for chunk in (7, 20, 4096):  # chunks smaller than k, and merges across chunks
    got = ranking.search(queries, cands, 20, chunk=chunk)
    np.testing.assert_array_equal(got, _brute_force(queries, cands, 20), err_msg=str(chunk))
  # Normalised random vectors (the model's embeddings), fewer candidates than k.
  q = np.asarray(heads_lib.l2_normalize(rng.randn(9, 16)))
  c = np.asarray(heads_lib.l2_normalize(rng.randn(12, 16)))
  np.testing.assert_array_equal(ranking.search(q, c, 20), _brute_force(q, c, 12))
  corpus = RankingCorpus('en', ['q0', 'q1'], ['a', 'b'], ['x', 'y', 'z'], ['1', '2', '3'],
                         {'q0': ['z'], 'q1': ['x']})
  preds = ranking.to_predictions(corpus, np.array([[2, 0, 1], [1, 0, 2]]))
  assert preds == {'q0': ['z', 'x', 'y'], 'q1': ['y', 'x', 'z']}
  assert ranking_metrics.map_at_k(ranking.gold(corpus), preds) == {'map@20': 75.0}


def _untrained_map(config, task, data_dir, lang):
  """map@20 of the encoder the experiment starts from (same seed), on `lang`'s test corpus."""
  tokenizer = load_tokenizer('tiny')
  model_config, encoder, _ = experiment.start_model(config, tokenizer)
  model = Model(model_config, (HeadSpec(TASK, 'ranking'),))
  params = {'encoder': encoder, 'heads': {TASK: {'logit_scale': np.float32(100.0)}}}
  fn = jax.jit(lambda p, b: heads_lib.predict('ranking', model.apply({'params': p}, b, TASK)))
  corpus, = load.load_examples(task, 'test', lang, data_dir=data_dir)
  cf = ranking_data.featurize_corpus(corpus, tokenizer, 8)
  return ranking.rank_corpus(fn, params, cf, config.eval.batch_size)[1]['map@20']


def test_dual_encoder_learns_through_the_experiment(toy_task, tmp_path, capsys):
  task, data_dir = toy_task
  config = _tiny_config(data_dir)
  config.dry_run = True  # the plan counts queries and candidates; nothing is trained
  assert experiment.run(config, str(tmp_path / 'dry')) is None
  assert 'toyrank test: en 40 queries, 20 candidates; de 40 queries' in capsys.readouterr().out
  config.dry_run = False
  workdir = str(tmp_path / 'run')
  experiment.run(config, workdir)
  results = json.load(open(os.path.join(workdir, 'results.json')))
  phase = results['phases'][f'target_{TASK}']
  trained = {lang: phase['zero_shot'][lang]['map@20'] for lang in ('en', 'de')}
  # Model selection ran on the English dev map@20.
  assert phase['best']['metric'] == 'dev_score'
  assert phase['best']['value'] == phase['best']['dev'][TASK]['map@20']
  for lang in ('en', 'de'):
    untrained = _untrained_map(config, task, data_dir, lang)
    print(f'{lang}: map@20 untrained {untrained:.1f}, trained {trained[lang]:.1f}')
    assert trained[lang] >= untrained + 30.0, (lang, untrained, trained[lang])
  # The submission files: {query id: [20 candidate ids, best first]} and the gold beside it.
  with open(os.path.join(workdir, 'predictions', TASK, 'test-en.json')) as f:
    preds = json.load(f)
  with open(os.path.join(workdir, 'labels', TASK, 'test-en.json')) as f:
    gold = json.load(f)
  corpus, = load.load_examples(task, 'test', 'en', data_dir=data_dir)
  assert list(preds) == list(corpus.query_ids) == list(gold)
  assert all(len(v) == 20 and len(set(v)) == 20 and set(v) <= set(corpus.candidate_ids)
             for v in preds.values())
  assert gold == {q: list(corpus.gold[q]) for q in corpus.query_ids}
  assert ranking_metrics.map_at_k(gold, preds)['map@20'] == trained['en']
