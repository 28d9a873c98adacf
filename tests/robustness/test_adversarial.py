"""The adversarial search on hand-made scoring functions whose worst edit is planted."""

import re

import numpy as np

from xstilts_jax.robustness import adversarial
from xstilts_jax.robustness.scorer import Scores
from xstilts_jax.tasks.examples import ClassificationExample, QAExample, TaggingExample


def split_words(text, lang):
  del lang
  return [m.span() for m in re.finditer(r'\S+', text)]


def word_candidates(word, lang, kind, rng, n):
  """Tiny single-edit variants: a dropped or doubled character at a seeded position."""
  del lang, kind
  out = []
  for p in rng.permutation(len(word)):
    for v in (word[:p] + word[p + 1:], word[:p] + word[p] + word[p:]):
      if v and v != word and v not in out:
        out.append(v)
  return out[:n]


SENTENCE = 'the quick brown fox jumps over the lazy dog'


def keyed_on(word, other_cost=0.01):
  """Gold log-prob -0.1 while `word` is intact (the model keys on it), -5 once it is edited;
  every other edited word costs a little, so a blind search has something to follow."""
  clean = SENTENCE.split()

  def score(examples):
    lp, ok = [], []
    for ex in examples:
      words = ex.text_a.split()
      intact = word in words
      changed = sum(a != b for a, b in zip(words, clean)) - (not intact)
      lp.append((-0.1 if intact else -5.0) - other_cost * changed)
      ok.append(intact)
    return Scores(np.array(lp), np.array(ok))
  return score


def _examples(n):
  return [ClassificationExample(f'g{i}', SENTENCE, None, 0) for i in range(n)]


def test_greedy_finds_the_planted_word():
  score = keyed_on('lazy')
  calls = []

  def counted(examples):
    calls.append(len(examples))
    return score(examples)
  results = adversarial.attack(_examples(3), 'classification', 'en', counted,
                               split_words=split_words, word_candidates=word_candidates,
                               max_edits=3, max_queries=500, n_candidates=2)
  for r in results:
    assert r.clean_correct and not r.correct
    assert [(orig) for _, orig, _ in r.edits] == ['lazy']  # one edit, the planted word
    assert 'lazy' not in r.example.text_a.split()
    assert r.logprob < -4.9
  # One batched call for the clean examples, one per search step for all examples together.
  assert calls == [3, 3 * 9 * 2]
  assert all(r.queries == 18 for r in results)
  s = adversarial.summarize(results)
  assert s['success_rate'] == 100.0 and s['words_per_example'] == 1.0


def test_query_budget_is_respected():
  results = adversarial.attack(_examples(2), 'classification', 'en', keyed_on('lazy'),
                               split_words=split_words, word_candidates=word_candidates,
                               max_edits=3, max_queries=5, n_candidates=2, seed=1)
  for r in results:
    assert r.queries <= 5


def _interaction(examples):
  """Editing 'fox' alone costs 0.5 (a decoy), 'over' or 'dog' 0.3; 'over' and 'dog' together
  are the real weakness (-10). Greedy takes the decoy first and never gets there."""
  lp, ok = [], []
  for ex in examples:
    words = set(ex.text_a.split())
    gone = {w for w in ('fox', 'over', 'dog') if w not in words}
    value = -0.5 * ('fox' in gone) - 0.3 * len(gone & {'over', 'dog'})
    if {'over', 'dog'} <= gone:
      value = -10.0
    lp.append(value)
    ok.append(value > -5)
  return Scores(np.array(lp), np.array(ok))


def test_beam_search_finds_what_greedy_misses():
  kw = dict(split_words=split_words, word_candidates=word_candidates, max_edits=2,
            max_queries=1000, n_candidates=1)
  greedy, = adversarial.attack(_examples(1), 'classification', 'en', _interaction, beam=1, **kw)
  beam, = adversarial.attack(_examples(1), 'classification', 'en', _interaction, beam=3, **kw)
  assert greedy.correct and greedy.logprob > -1.5
  assert not beam.correct and beam.logprob == -10.0
  assert sorted(o for _, o, _ in beam.edits) == ['dog', 'over']


def test_gold_stays_valid_for_tagging_and_qa():
  tag = TaggingExample('t', ['Anna', 'lives', 'in', 'Paris'], ['B-PER', 'O', 'O', 'B-LOC'])
  slots = adversarial.word_slots(tag, 'tagging', 'en', split_words)
  out = adversarial.apply_edits(tag, 'tagging', slots, ((0, 'Ana'), (3, 'Pris')))
  assert out.words == ['Ana', 'lives', 'in', 'Pris'] and out.labels == tag.labels
  qa = QAExample('q', 'where does Anna live', 'Anna lives in Paris.', ())
  slots = adversarial.word_slots(qa, 'span_qa', 'en', split_words)
  assert {s[0] for s in slots} == {('text', 'question')}
  out = adversarial.apply_edits(qa, 'span_qa', slots, ((1, 'dos'), (3, 'liev')))
  assert out.question == 'where dos Anna liev' and out.context == qa.context


def test_random_baseline_uses_the_same_budget_and_space():
  out = adversarial.random_attack(_examples(4), 'classification', 'en', split_words=split_words,
                                  word_candidates=word_candidates, edits=2, n_candidates=2)
  for ex, n in out:
    assert n == 2
    changed = [a for a, b in zip(ex.text_a.split(), SENTENCE.split()) if a != b]
    assert len(changed) == 2
  again = adversarial.random_attack(_examples(4), 'classification', 'en',
                                    split_words=split_words, word_candidates=word_candidates,
                                    edits=2, n_candidates=2)
  assert [e.text_a for e, _ in out] == [e.text_a for e, _ in again]  # seeded
