"""Per-example counts add up to eval's metrics; the paired bootstrap."""

import numpy as np
import pytest

from xstilts_jax.eval import predict
from xstilts_jax.robustness import consistency
from xstilts_jax.robustness import stats
from xstilts_jax.tasks.examples import Answer, ClassificationExample, QAExample, TaggingExample
from xstilts_jax.tasks.registry import get_task


def _tagging(rng, n, labels):
  words = [[f'w{j}' for j in range(rng.integers(1, 9))] for _ in range(n)]
  gold = [[labels[k] for k in rng.integers(0, len(labels), len(w))] for w in words]
  pred = [[labels[k] for k in rng.integers(0, len(labels), len(w))] for w in words]
  return [TaggingExample(str(i), w, g) for i, (w, g) in enumerate(zip(words, gold))], pred


@pytest.mark.parametrize('name', ['panx', 'udpos'])
def test_tagging_counts_give_seqeval_f1(name):
  task = get_task(name)
  examples, preds = _tagging(np.random.default_rng(0), 40, list(task.labels))
  st = stats.example_stats(task, examples, preds, 'de')
  assert stats.corpus_score(task, st) == pytest.approx(
      predict.evaluate(task, examples, preds)['score'])


def test_qa_and_classification_counts_give_the_metric():
  for name, lang in (('xquad', 'de'), ('mlqa', 'zh')):
    task = get_task(name)
    examples = [QAExample(f'q{i}', 'wer', f'Anna lebt in Paris {i}', [Answer(f'Paris {i}', 13)])
                for i in range(6)]
    preds = {'q0': 'Paris 0', 'q1': 'in Paris 1', 'q2': 'lebt', 'q4': 'Paris'}
    st = stats.example_stats(task, examples, preds, lang)
    assert stats.corpus_score(task, st) == pytest.approx(
        predict.evaluate(task, examples, preds, lang)['score'])
  task = get_task('xnli')
  examples = [ClassificationExample(str(i), 'a', 'b', i % 3) for i in range(9)]
  preds = [0] * 9
  assert stats.corpus_score(task, stats.example_stats(task, examples, preds, 'de')) == \
      pytest.approx(100 / 3)


def test_paired_bootstrap():
  task = get_task('xnli')
  rng = np.random.default_rng(1)
  clean = (rng.random((200, 1)) < 0.8).astype(float)
  same = stats.paired_bootstrap(task, clean, clean)
  assert same['drop'] == 0 and same['drop_ci'] == [0, 0]  # paired: no spread at all
  worse = clean * (rng.random((200, 1)) < 0.75)
  b = stats.paired_bootstrap(task, clean, worse, seed=3)
  assert b['drop'] == pytest.approx(100 * (clean.mean() - worse.mean()))
  assert 0 < b['drop_ci'][0] < b['drop'] < b['drop_ci'][1]
  assert b['rel_drop'] == pytest.approx(100 * b['drop'] / b['clean'])
  assert b == stats.paired_bootstrap(task, clean, worse, seed=3)  # seeded


def test_consistency_measures():
  xnli, panx, xquad = get_task('xnli'), get_task('panx'), get_task('xquad')
  assert consistency.consistency(xnli, [0, 1, 2, 1], [0, 2, 2, 0], 'de') == {'flip_rate': 50.0}
  tags = consistency.consistency(panx, [['O', 'B-PER'], ['O']], [['O', 'O'], ['O']], 'de')
  assert tags == {'tag_agreement': pytest.approx(200 / 3)}
  qa = consistency.consistency(xquad, {'a': 'in Paris', 'b': 'Rom'}, {'a': 'Paris', 'b': 'Rom'},
                               'de')
  assert qa['answer_f1'] == pytest.approx(100 * (2 / 3 + 1) / 2)
  q = np.eye(3)
  ranks = consistency.gold_ranks(q, q, [0, 1, 2])
  assert list(ranks) == [1, 1, 1]
  assert list(consistency.gold_ranks(q, q[[1, 0, 2]], [0, 1, 2])) == [2, 2, 1]
  assert consistency.rank_change([1, 1, 1], [2, 2, 1]) == {
      'mean_rank_change': pytest.approx(2 / 3), 'top1_changed': pytest.approx(200 / 3)}
