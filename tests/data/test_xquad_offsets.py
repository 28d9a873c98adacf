"""Real data: XQuAD gold answers through featurize + QA post-processing, against jiant's code.

Tiny tokenizer, max length 384, doc stride 128, max question 64 tokens, every question of
every language (1,190 x 12). A "perfect model" puts logit 10 on the gold start and end tokens
in every window holding them, 0 elsewhere (longest answer allowed: the window, since the tiny
tokenizer cuts words into many more pieces than XLM-R's and 30 tokens would drop 87 English
answers):
- cut by character offsets, the answer is the gold text exactly, for every question whose
  start token has its maximal context in a window holding the whole answer (the others, 0 to 3
  per language, answers of 100+ tiny-tokenizer pieces, get jiant's 'empty', as in jiant);
- jiant's answer text (`get_final_text`) is the gold where its alignment succeeds, else the
  whitespace words covering the span, joined by one space (they contain the gold); the
  number per language is printed (`pytest -s`);
- on the first 100 questions of each language (jiant's code in Python is slow), the
  windows, their max-context tokens and every answer equal jiant's own code
  (tests/eval/jiant_squad_reference.py) run on the same logits, both the gold ones and
  random ones. Random logits exercise the max-context rule: their best
  spans often sit where two windows overlap.
"""

import os

import numpy as np
import pytest

from tests.eval import jiant_squad_reference as ref
from xstilts_jax.data import span_qa
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import postprocess

LANGS = ('ar', 'de', 'el', 'en', 'es', 'hi', 'ro', 'ru', 'th', 'tr', 'vi', 'zh')
MAX_LEN, STRIDE, MAX_QUERY = 384, 128, 64
REFERENCE_SUBSET = 100


def _gold_logits(examples, a):
  """10 at the gold start / end token of every row that holds it, 0 elsewhere."""
  starts = np.zeros(a['input_ids'].shape, np.float32)
  ends = np.zeros(a['input_ids'].shape, np.float32)
  gold_tokens = {}  # example -> (offsets of the start token, of the end token)
  for row in np.flatnonzero(a['start_positions'] > 0):
    s, e = a['start_positions'][row], a['end_positions'][row]
    gold_tokens[int(a['example_index'][row])] = (tuple(a['offsets'][row, s]),
                                                 tuple(a['offsets'][row, e]))
  for row, ex in enumerate(a['example_index']):
    start_off, end_off = gold_tokens[int(ex)]
    same_start = np.flatnonzero((a['offsets'][row] == start_off).all(-1))
    same_end = np.flatnonzero((a['offsets'][row] == end_off).all(-1))
    if len(same_start):
      starts[row, same_start[0]] = 10.0  # a lone '▁' shares its offsets with the next piece
    if len(same_end):
      ends[row, same_end[-1]] = 10.0
  return starts, ends, len(gold_tokens)


def _reference_answers(examples, tok, a, starts, ends, indices, max_answer_length):
  """jiant's answers (and windows) for the examples `indices`, from jiant's own code."""
  word_pieces = {}

  def pieces(text):
    # Read back from the ids, as jiant's tokens are (an unknown piece becomes '<unk>').
    return tok.convert_ids_to_tokens(tok.backend_tokenizer.encode(text, add_special_tokens=False).ids)

  def tokenize_word(word):
    if word not in word_pieces:
      word_pieces[word] = pieces(word)
    return word_pieces[word]

  rows_of = {}
  for row, ex in enumerate(a['example_index']):
    rows_of.setdefault(int(ex), []).append(row)
  answers = {}
  for i in indices:
    ex = examples[i]
    doc_tokens = ref.doc_tokens_of(ex.context)
    query = pieces(ex.question)
    _, spans = ref.features(doc_tokens, query[:MAX_QUERY], tokenize_word, MAX_LEN, STRIDE)
    rows = rows_of[i]
    # The same windows: the same pieces at the same positions, the same max-context tokens.
    assert len(spans) == len(rows), ex.guid
    for span, row in zip(spans, rows):
      assert tok.convert_ids_to_tokens(
          a['input_ids'][row, :len(span['tokens'])].tolist()) == span['tokens'], ex.guid
      ours = np.flatnonzero(a['max_context'][row]).tolist()
      assert ours == [p for p, m in sorted(span['token_is_max_context'].items()) if m], ex.guid
    answers[ex.guid], _ = ref.predict(doc_tokens, spans, starts[rows], ends[rows],
                                      max_answer_length=max_answer_length)
  return answers


@pytest.mark.parametrize('lang', LANGS)
def test_xquad_answers_as_jiant(real_data_dir, lang):
  from xstilts_jax.tasks.readers.squad import read_squad
  examples = read_squad([os.path.join(real_data_dir, 'xquad', f'xquad.{lang}.json')])
  assert len(examples) == 1190
  tok = load_tokenizer('tiny')
  f = span_qa.featurize(None, examples, tok, MAX_LEN, doc_stride=STRIDE,
                        max_query_length=MAX_QUERY)
  a = f.arrays
  assert f.stats['answer_text_mismatch'] == 0 and f.stats['answer_not_in_any_window'] == 0
  assert f.stats['examples_with_several_windows'] > 0  # XQuAD contexts do need windows here

  starts, ends, with_gold = _gold_logits(examples, a)
  assert with_gold == len(examples)
  by_offsets, _ = postprocess.qa_predictions(examples, a, starts, ends,
                                             max_answer_length=MAX_LEN)
  # A span counts only where its start token has maximal context: an answer longer than the
  # rest of that window (100+ tiny-tokenizer pieces) cannot win, in jiant too.
  reachable = {int(a['example_index'][r]) for r in np.flatnonzero(a['start_positions'] > 0)
               if a['max_context'][r, a['start_positions'][r]]}
  for i, ex in enumerate(examples):
    want = ex.answers[0].text.strip() if i in reachable else postprocess.NO_CANDIDATE
    assert by_offsets[ex.guid] == want, ex.guid
  as_jiant, _ = postprocess.qa_predictions(examples, a, starts, ends, tokenizer=tok,
                                           max_answer_length=MAX_LEN)
  subset = range(REFERENCE_SUBSET)
  want = _reference_answers(examples, tok, a, starts, ends, subset, MAX_LEN)
  assert {examples[i].guid: as_jiant[examples[i].guid] for i in subset} == want
  exact = sum(as_jiant[ex.guid] == ex.answers[0].text.strip() for ex in examples)
  # Where get_final_text falls back, the answer is the whole words around the gold, joined
  # by single spaces (6 Arabic golds hold double spaces; jiant's words split on its own
  # whitespace only, not on a no-break space).
  assert all(' '.join(ref.doc_tokens_of(ex.answers[0].text)) in as_jiant[ex.guid]
             for i, ex in enumerate(examples) if i in reachable)
  print(f'{lang}: gold text back {exact}/{len(examples)} with jiant\'s answer text, '
        f'{len(reachable)}/{len(examples)} cut by offsets')

  rng = np.random.default_rng(0)
  starts = rng.normal(size=starts.shape).astype(np.float32)
  ends = rng.normal(size=ends.shape).astype(np.float32)
  rows = a['example_index'] < REFERENCE_SUBSET  # rows come in example order
  ours, _ = postprocess.qa_predictions(examples[:REFERENCE_SUBSET],
                                       {k: v[rows] for k, v in a.items()}, starts[rows],
                                       ends[rows], tokenizer=tok)
  assert ours == _reference_answers(examples, tok, a, starts, ends, subset, 30)
