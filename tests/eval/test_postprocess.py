"""QA answer selection and tagging merge on hand-made features and logits."""

import numpy as np
import pytest

from tests.eval import jiant_squad_reference as ref
from xstilts_jax.data import span_qa
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import answer_text, postprocess
from xstilts_jax.tasks.examples import Answer, QAExample, TaggingExample

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


def _arrays(example_index, windows):
  """Hand-made windows: every context token counts as having its maximal context there."""
  offsets = np.stack([_window(w) for w in windows])
  return {'example_index': np.asarray(example_index, np.int32), 'offsets': offsets,
          'max_context': offsets[..., 0] >= 0}


def _run(windows, starts, ends, **kwargs):
  arrays = _arrays(np.zeros(len(windows)), windows)
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
  arrays = _arrays([1, 0], [[0, 1], [2, 3]])
  starts = np.stack([_logits(p4=1.0), _logits(p5=1.0)])
  ends = np.stack([_logits(p5=1.0), _logits(p5=1.0)])
  answers, _ = postprocess.qa_predictions([_example('a'), _example('b')], arrays, starts, ends)
  assert answers == {'a': 'delta', 'b': 'alpha beta'}


def test_no_candidate_is_jiants_placeholder():
  # The only high start is a question token: no valid span anywhere.
  starts, ends = [_logits(p1=9.0, p0=1.0)], [_logits(p1=9.0, p0=1.0)]
  starts[0][4:] = ends[0][4:] = -np.inf
  assert _run([[0]], starts, ends, n_best=2)[0] == postprocess.NO_CANDIDATE
  answer, margin = _run([[0]], starts, ends, n_best=2, version_2=True)
  assert answer == '' and margin == pytest.approx(2.0)  # null 2 against the placeholder's 0


def test_span_counts_only_in_its_max_context_window():
  """A span planted where window 0 overlaps window 1 but the token's maximal context is
  window 1: its high logits in window 0 do not count; window 1's best wins, as jiant."""
  tok = load_tokenizer('tiny')
  context = ' '.join(f'item{i}' for i in range(60))
  ex = QAExample('q', 'Which?', context, [Answer('item0', 0)])
  max_len, stride = 48, 16
  f = span_qa.featurize(None, [ex], tok, max_len, doc_stride=stride, max_query_length=8)
  a = f.arrays
  assert len(a['input_ids']) >= 3
  # jiant's windows and max-context flags on the same pieces.
  pieces = lambda text: tok.convert_ids_to_tokens(
      tok.backend_tokenizer.encode(text, add_special_tokens=False).ids)
  doc_tokens = ref.doc_tokens_of(context)
  _, spans = ref.features(doc_tokens, pieces(ex.question), pieces, max_len, stride)
  assert len(spans) == len(a['input_ids'])
  for row, span in enumerate(spans):
    assert tok.convert_ids_to_tokens(a['input_ids'][row, :len(span['tokens'])].tolist()) \
        == span['tokens']
    assert np.flatnonzero(a['max_context'][row]).tolist() == \
        [p for p, m in sorted(span['token_is_max_context'].items()) if m]
  # Window 0's last context token lies in window 1 too, with more context there.
  last0 = max(spans[0]['token_to_orig_map'])
  assert not spans[0]['token_is_max_context'][last0]
  mid1 = sorted(p for p, m in spans[1]['token_is_max_context'].items() if m)[5]
  starts = np.zeros(a['input_ids'].shape, np.float32)
  ends = np.zeros(a['input_ids'].shape, np.float32)
  starts[0, last0] = ends[0, last0] = 9.0   # the higher score, outside its max context
  starts[1, mid1] = ends[1, mid1] = 5.0
  want, pred = ref.predict(doc_tokens, spans, starts, ends)
  assert (pred.feature_index, pred.start_index, pred.end_index) == (1, mid1, mid1)
  answers, _ = postprocess.qa_predictions([ex], a, starts, ends, tokenizer=tok)
  assert answers['q'] == want
  # Without the rule window 0's span would win: the rule decided it.
  no_rule = dict(a, max_context=np.ones_like(a['max_context']))
  other, _ = postprocess.qa_predictions([ex], no_rule, starts, ends, tokenizer=tok)
  assert other['q'] != want


def test_final_text_projected_onto_the_original_words():
  get = answer_text.get_final_text
  assert get('Steve Smith', "Steve Smith's") == 'Steve Smith'
  assert get('1867', '1867)') == '1867'
  # Not found in BasicTokenizer's spaced-out text ('U . S .', '北 京 大 学'): the whole words.
  assert get('U.S', 'U.S.') == 'U.S.'
  assert get('北京', '北京大学') == '北京大学'
  assert get('(by', '(by') == '(by'
  # A character BasicTokenizer drops (zero-width non-joiner) breaks the alignment.
  assert get('می', 'می\u200cخواهم') == 'می\u200cخواهم'
  assert get('Tesla', 'Tesla,') == 'Tesla'
  # 'e' + combining diaeresis: not NFC, kept as it is (transformers 4.5 had no NFC step).
  text = 'Der 5½-Meter «Turm» 北京大学\tnaïve nai\u0308ve U.S.-Präsident 1⁄2 می\u200cخواهم (NFL)'
  assert answer_text.basic_tokenize(text) == ref.BasicTokenizer(do_lower_case=False).tokenize(text)
  assert 'nai\u0308ve' in answer_text.basic_tokenize(text)
  for pred, orig in (('Smith', "Smith's"), ('北京', '北京大学'), ('Meter', '5½-Meter')):
    assert get(pred, orig) == ref.get_final_text(pred, orig)


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
