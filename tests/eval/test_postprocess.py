"""QA answer selection and tagging merge on hand-made features and logits."""

import numpy as np
import pytest

from xstilts_jax.eval import postprocess
from xstilts_jax.tasks.examples import QAExample, TaggingExample

# Context words and their character spans (end exclusive).
CONTEXT = 'alpha beta gamma delta epsilon zeta'
SPANS = [(0, 5), (6, 10), (11, 16), (17, 22), (23, 30), (31, 35)]
T = 10
NEG = -20.0


def _window(words):
  """Offsets of `<s> q </s> </s> words... </s> <pad>...`: question/special tokens (-1, -1)."""
  offsets = np.full((T, 2), -1, np.int32)
  for pos, w in enumerate(words, start=4):
    offsets[pos] = SPANS[w]
  return offsets


def _logits(**by_pos):
  out = np.full(T, NEG, np.float32)
  for pos, value in by_pos.items():
    out[int(pos[1:])] = value
  return out


def _example(guid='q0'):
  return QAExample(guid=guid, question='q?', context=CONTEXT, answers=())


def _run(windows, starts, ends, **kwargs):
  arrays = {'example_index': np.zeros(len(windows), np.int32),
            'offsets': np.stack([_window(w) for w in windows])}
  answers, margins = postprocess.qa_predictions(
      [_example()], arrays, np.stack(starts), np.stack(ends), **kwargs)
  return answers['q0'], margins['q0']


def test_best_span_across_windows_and_question_tokens_ignored():
  # Window 0 holds words 0-2, window 1 words 2-4 (word 2 = position 6 / position 4).
  starts = [_logits(p1=10.0, p4=2.0), _logits(p5=3.0)]  # p1 is a question token
  ends = [_logits(p1=10.0, p5=2.0), _logits(p6=3.0)]
  answer, _ = _run([[0, 1, 2], [2, 3, 4]], starts, ends)
  assert answer == 'delta epsilon'  # window 1: 3 + 3 beats window 0: 2 + 2


def test_max_answer_length_and_end_before_start():
  # Best raw pair p4 -> p9 (words 0..5) is 6 tokens; end p3 is before any context start.
  starts = [_logits(p4=5.0, p7=0.5)]
  ends = [_logits(p9=5.0, p5=1.0, p3=9.0)]
  answer, _ = _run([[0, 1, 2, 3, 4, 5]], starts, ends, max_answer_length=3)
  assert answer == 'alpha beta'
  answer, _ = _run([[0, 1, 2, 3, 4, 5]], starts, ends, max_answer_length=30)
  assert answer == CONTEXT


def test_squad_v2_null_against_best_span():
  starts = [_logits(p0=5.0, p4=3.0), _logits(p0=1.0, p4=0.5)]
  ends = [_logits(p0=5.0, p4=3.0), _logits(p0=1.0, p4=0.5)]
  # Null = min over windows = 2 < best span 6: an answer.
  answer, margin = _run([[0], [1]], starts, ends, version_2=True)
  assert answer == 'alpha' and margin == pytest.approx(-4.0)
  # Only window 0: null 10 > 6: no answer; a threshold above the margin brings it back.
  answer, margin = _run([[0]], starts[:1], ends[:1], version_2=True)
  assert answer == '' and margin == pytest.approx(4.0)
  assert _run([[0]], starts[:1], ends[:1], version_2=True, null_threshold=4.5)[0] == 'alpha'
  # SQuAD v1 ignores the null score.
  assert _run([[0]], starts[:1], ends[:1])[0] == 'alpha'


def test_qa_examples_keep_their_own_windows():
  arrays = {'example_index': np.array([1, 0], np.int32),
            'offsets': np.stack([_window([0, 1]), _window([2, 3])])}
  starts = np.stack([_logits(p4=1.0), _logits(p5=1.0)])
  ends = np.stack([_logits(p5=1.0), _logits(p5=1.0)])
  answers, _ = postprocess.qa_predictions([_example('a'), _example('b')], arrays, starts, ends)
  assert answers == {'a': 'delta', 'b': 'alpha beta'}


def _tag_example(n_words, guid='t0'):
  return TaggingExample(guid=guid, words=[f'w{i}' for i in range(n_words)], labels=None)


def test_tagging_merges_segments_by_word_index():
  # Example 0 has 5 words in two segments (word 1 has two subwords); example 1 has 2 words.
  word_index = np.array([[-1, 0, 1, -1, 2, -1],
                         [-1, 3, 4, -1, -1, -1],
                         [-1, 0, 1, -1, -1, -1]])
  preds = np.array([[9, 0, 1, 9, 2, 9],
                    [9, 1, 0, 9, 9, 9],
                    [9, 2, 2, 9, 9, 9]])
  arrays = {'example_index': np.array([0, 0, 1]), 'word_index': word_index}
  examples = [_tag_example(5), _tag_example(2, 't1')]
  assert postprocess.tagging_predictions(examples, arrays, preds) == [[0, 1, 2, 1, 0], [2, 2]]
  names = ['NOUN', 'VERB', 'DET']
  assert postprocess.tagging_predictions(examples, arrays, preds, names)[1] == ['DET', 'DET']


def test_tagging_word_without_prediction_is_an_error():
  arrays = {'example_index': np.array([0]), 'word_index': np.array([[-1, 0, 1, -1]])}
  with pytest.raises(ValueError, match=r'no prediction for words \[2\]'):
    postprocess.tagging_predictions([_tag_example(3)], arrays, np.zeros((1, 4), np.int32))
