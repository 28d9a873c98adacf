"""Each format's featurizer on small hand-made examples, with the tiny tokenizer."""

import numpy as np
import pytest

from xstilts_jax.data import mlm, multiple_choice, tagging
from xstilts_jax.data.featurize import featurize
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.tasks import examples as E
from xstilts_jax.tasks.registry import Task


@pytest.fixture(scope='module')
def tok():
  return load_tokenizer('tiny')


def _ids(tok, text):
  return tok(text, add_special_tokens=False)['input_ids']


def test_classification_layout_and_longest_first_truncation(tok):
  task = Task(name='nli', format='classification', metric='accuracy', labels=('c', 'e', 'n'))
  short = E.ClassificationExample('a', 'The city lies on a river.', 'It is by the sea.', 1)
  single = E.ClassificationExample('b', 'The city lies on a river.', None, None)
  long_a = ' '.join(['Many families moved there to work in the new factories.'] * 8)
  long = E.ClassificationExample('c', long_a, 'It is by the sea.', 2)
  f = featurize(task, [short, single, long], tok, 32)
  ids = f.arrays['input_ids']
  a, b = _ids(tok, short.text_a), _ids(tok, short.text_b)
  row = [0] + a + [2, 2] + b + [2]
  assert ids[0, :len(row)].tolist() == row and (ids[0, len(row):] == 1).all()
  assert f.arrays['attention_mask'][0].sum() == len(row)
  assert ids[1, :len(a) + 2].tolist() == [0] + a + [2]
  # The longer side (a) is cut; b is kept whole.
  b_long = _ids(tok, long.text_b)
  assert f.arrays['attention_mask'][2].sum() == 32
  assert ids[2, 32 - len(b_long) - 1:].tolist() == b_long + [2]
  assert f.arrays['label'].tolist() == [1, -1, 2]
  assert f.stats['truncated'] == 1
  assert f.stats['truncated_tokens'] == len(_ids(tok, long_a)) + len(b_long) - 28


def test_multiple_choice_shapes(tok):
  task = Task(name='mc', format='multiple_choice', metric='accuracy', num_choices=3)
  ex = [E.MultipleChoiceExample(str(i), 'Where is the river?', ['north', 'south', 'by the sea'], i)
        for i in range(2)]
  f = featurize(task, ex, tok, 24)
  assert f.arrays['input_ids'].shape == (2, 3, 24) == f.arrays['attention_mask'].shape
  assert f.arrays['label'].tolist() == [0, 1]
  row = [0] + _ids(tok, 'Where is the river?') + [2, 2] + _ids(tok, 'south') + [2]
  assert f.arrays['input_ids'][1, 1, :len(row)].tolist() == row
  bad = E.MultipleChoiceExample('odd', 'p', ['x', 'y'], 0)
  with pytest.raises(ValueError, match="'odd'"):
    featurize(task, ex + [bad], tok, 24)


def _jiant_truncate_sequences(tokens_ls, max_length, truncate_end=True):
  """jiant/tasks/utils.py `truncate_sequences` (nyu-mll/jiant, MIT), the reference."""
  lengths = np.array([len(tokens) for tokens in tokens_ls])
  total_length = lengths.sum()
  if total_length < max_length:
    return tokens_ls
  target_lengths = lengths
  while sum(target_lengths) > max_length:
    target_lengths[np.argmax(target_lengths)] -= 1
  return [tokens[:target_length] if truncate_end else tokens[-target_length:]
          for tokens, target_length in zip(tokens_ls, target_lengths)]


def test_multiple_choice_truncation_is_jiants():
  for budget in (2, 3, 8, 11, 16):  # odd and even: ties go to the prompt
    for n_prompt in range(1, 21):
      for n_choice in range(1, 21):
        prompt, choice = list(range(n_prompt)), list(range(100, 100 + n_choice))
        want = _jiant_truncate_sequences([prompt, choice], budget, truncate_end=False)
        got = multiple_choice.truncated_lengths(n_prompt, n_choice, budget)
        assert got == (len(want[0]), len(want[1])), (n_prompt, n_choice, budget)


def test_multiple_choice_long_prompt_keeps_its_question(tok):
  """CosmosQA-style: the prompt is context + question; cut from its start, the question stays."""
  task = Task(name='mc', format='multiple_choice', metric='accuracy', num_choices=2)
  context = ' '.join(['We walked to the old market and bought bread.'] * 10)
  question = 'Why did they go out?'
  prompt = context + ' ' + question
  ex = [E.MultipleChoiceExample('0', prompt, ['To buy food.', 'To sleep.'], 0)]
  f = featurize(task, ex, tok, 40)
  p, q, c = _ids(tok, prompt), _ids(tok, question), _ids(tok, 'To buy food.')
  row = f.arrays['input_ids'][0, 0]
  keep = 40 - 4 - len(c)  # the choice is the shorter side: it stays whole
  assert row.tolist() == [0] + p[-keep:] + [2, 2] + c + [2]
  assert row[1 + keep - len(q):1 + keep].tolist() == q  # the question ends the prompt
  assert f.stats['truncated'] == 2


def _qa_task():
  return Task(name='qa', format='span_qa', metric='squad', max_seq_length=64)


def _recovered(f, examples, row):
  s, e = f.arrays['start_positions'][row], f.arrays['end_positions'][row]
  off = f.arrays['offsets'][row]
  return examples[f.arrays['example_index'][row]].context[off[s, 0]:off[e, 1]]


def test_qa_answer_recovered_from_offsets(tok):
  context = 'The university was founded in 1867 (by the city) and has 30,000 students.'
  ex = [E.QAExample('q1', 'When was it founded?', context, [E.Answer('1867', context.index('1867'))]),
        E.QAExample('q2', 'By whom?', context, [E.Answer('the city', context.index('the city'))])]
  f = featurize(_qa_task(), ex, tok, 64)
  assert f.stats['features'] == 2 and f.stats['examples_with_several_windows'] == 0
  assert [_recovered(f, ex, r) for r in range(2)] == ['1867', 'the city']
  off = f.arrays['offsets'][0]
  q_len = len(_ids(tok, 'When was it founded?'))
  assert (off[:q_len + 3] == -1).all()  # <s> question </s></s> are not context
  n = f.arrays['attention_mask'][0].sum()
  assert (off[n - 1:] == -1).all() and (off[q_len + 3:n - 1] >= 0).all()


def test_qa_long_context_windows(tok):
  filler = 'The farmers grow wheat and sell it at the market. '
  context = filler * 12 + 'The bridge was designed by Anna Berg. ' + filler * 12
  start = context.index('Anna Berg')
  ex = [E.QAExample('q', 'Who designed the bridge?', context, [E.Answer('Anna Berg', start)])]
  f = featurize(_qa_task(), ex, tok, 64, doc_stride=16, max_query_length=8)
  n = f.stats['features']
  assert n > 3 and f.stats['examples_with_several_windows'] == 1
  assert f.stats['questions_truncated'] == (len(_ids(tok, ex[0].question)) > 8)
  with_answer = [r for r in range(n) if f.arrays['start_positions'][r] > 0]
  assert with_answer and len(with_answer) < n
  for r in with_answer:
    assert _recovered(f, ex, r) == 'Anna Berg'
  for r in set(range(n)) - set(with_answer):
    assert f.arrays['end_positions'][r] == 0
  # Consecutive windows start doc_stride context tokens apart and cover the whole context.
  firsts = [int(f.arrays['offsets'][r][f.arrays['offsets'][r, :, 0] >= 0][0, 0]) for r in range(n)]
  assert firsts == sorted(firsts) and firsts[0] == 0
  last = f.arrays['offsets'][n - 1]
  assert last[last[:, 1] >= 0][-1, 1] == len(context.rstrip())


def test_qa_v2_no_answer_is_zero(tok):
  ex = [E.QAExample('q', 'Who won?', 'Nobody knows who won the game.', [], is_impossible=True)]
  f = featurize(_qa_task(), ex, tok, 64)
  assert f.arrays['start_positions'].tolist() == [0] and f.arrays['end_positions'].tolist() == [0]
  assert f.stats['no_answer'] == 1


def _tag_task():
  return Task(name='pos', format='tagging', metric='f1', labels=('NOUN', 'VERB', 'DET', 'PUNCT'))


def test_tagging_first_subword_split_and_merge(tok):
  words = ['The', 'farmers', 'grow', 'wheat', '.'] * 6
  labels = ['DET', 'NOUN', 'VERB', 'NOUN', 'PUNCT'] * 6
  ex = [E.TaggingExample('long', words, labels), E.TaggingExample('short', ['Hallo', '!'], None)]
  f = featurize(_tag_task(), ex, tok, 16)
  a = f.arrays
  assert f.stats['examples_split'] == 1 and f.stats['features'] > 2
  assert a['labels'].shape == a['word_index'].shape == (f.stats['features'], 16)
  # Labels only where a word starts; never on specials or padding.
  assert ((a['labels'] != -100) == ((a['word_index'] >= 0) & (a['example_index'][:, None] == 0))).all()
  assert (a['labels'][:, 0] == -100).all() and (a['labels'][a['attention_mask'] == 0] == -100).all()
  merged = tagging.merge_segments(a['example_index'], a['word_index'], a['labels'], [30, 2])
  names = _tag_task().labels
  assert [names[i] for i in merged[0]] == labels
  assert merged[1] == [-100, -100]  # unlabelled example: one slot per word all the same
  words_of_rows = [sorted(set(r[r >= 0].tolist())) for r in a['word_index'][a['example_index'] == 0]]
  assert sum(len(w) for w in words_of_rows) == 30  # each word in exactly one segment


def test_tagging_unknown_label_names_guid_and_label(tok):
  ex = [E.TaggingExample('sent-7', ['The', 'dog'], ['DET', 'NOUNX'])]
  with pytest.raises(ValueError, match=r"'sent-7'.*'NOUNX'"):
    featurize(_tag_task(), ex, tok, 16)


def test_tagging_empty_word_gets_unk(tok):
  ex = [E.TaggingExample('z', ['a', ' ', 'b'], ['DET', 'NOUN', 'VERB'])]  # ' ' has no token
  f = featurize(_tag_task(), ex, tok, 16)
  assert f.stats['empty_words'] == 1
  merged = tagging.merge_segments(f.arrays['example_index'], f.arrays['word_index'],
                                  f.arrays['labels'], [3])
  assert merged == [[2, 0, 1]]


def test_retrieval_truncation_counted(tok):
  task = Task(name='ret', format='retrieval', metric='acc', max_seq_length=512)
  f = featurize(task, ['A short sentence.', 'word ' * 40], tok, 16)
  assert f.arrays['input_ids'].shape == (2, 16)
  assert f.arrays['input_ids'][1, -1] == 2 and f.arrays['input_ids'][1, 0] == 0
  assert f.stats['truncated'] == 1


def test_mlm_masking_statistics_and_determinism(tok):
  task = Task(name='mlm', format='mlm', metric='loss')
  text = open(__file__.replace('tests/data/test_featurizers.py',
                               'xstilts_jax/assets/corpus/en.txt')).read()
  ex = [E.TextExample(str(i), line) for i, line in enumerate(text.splitlines() * 20)]
  f = featurize(task, ex, tok, 32)
  batch = dict(f.arrays, index=np.arange(len(f), dtype=np.int32))
  fn = mlm.masker(tok, seed=3)
  out = fn(batch, 0)
  original, masked, labels = batch['input_ids'], out['input_ids'], out['labels']
  special = np.isin(original, tok.all_special_ids)
  chosen = labels != -100
  assert not (chosen & special).any()
  assert (labels[chosen] == original[chosen]).all()
  assert abs(chosen.sum() / (~special).sum() - 0.15) < 0.01
  is_mask = masked[chosen] == tok.mask_token_id
  kept = masked[chosen] == original[chosen]
  rand = ~is_mask & ~kept
  assert abs(is_mask.mean() - 0.8) < 0.02 and abs(rand.mean() - 0.1) < 0.02
  assert abs(kept.mean() - 0.1) < 0.02 + 1 / len(tok)  # a random draw can hit the same id
  assert not np.isin(masked[chosen][rand], tok.all_special_ids).any()
  assert (masked[~chosen] == original[~chosen]).all()
  # A pure function of (seed, epoch, index): any batching gives the same rows.
  again = mlm.masker(tok, seed=3)({k: v[5:9] for k, v in batch.items()}, 0)
  assert (again['input_ids'] == masked[5:9]).all() and (again['labels'] == labels[5:9]).all()
  assert (fn(batch, 1)['labels'] != labels).any()
  assert (mlm.masker(tok, seed=4)(batch, 0)['labels'] != labels).any()
