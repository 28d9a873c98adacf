"""Real data: every XQuAD gold answer is recovered exactly from some window's offsets.

Tiny tokenizer, max length 384, doc stride 128, max question 64 tokens. The tokenizer
isolates punctuation, digit runs and each Han / Thai character, and its vocabulary is small,
so no token straddles an answer boundary in XQuAD: the number that cannot be recovered is 0
in every language (a token straddling a boundary would make the recovered text longer).
"""

import os

import pytest

from xstilts_jax.data import span_qa
from xstilts_jax.data.tokenizer import load_tokenizer

LANGS = ('ar', 'de', 'el', 'en', 'es', 'hi', 'ro', 'ru', 'th', 'tr', 'vi', 'zh')
UNRECOVERABLE = {lang: 0 for lang in LANGS}  # the exact counts we found


@pytest.mark.parametrize('lang', LANGS)
def test_xquad_answers_recovered_from_offsets(real_data_dir, lang):
  from xstilts_jax.tasks.readers.squad import read_squad
  examples = read_squad([os.path.join(real_data_dir, 'xquad', f'xquad.{lang}.json')])
  assert len(examples) == 1190
  f = span_qa.featurize(None, examples, load_tokenizer('tiny'), 384, doc_stride=128,
                        max_query_length=64)
  a = f.arrays
  recovered = set()
  for row in range(len(a['input_ids'])):
    start, end = a['start_positions'][row], a['end_positions'][row]
    if start == 0:
      continue
    ex = examples[a['example_index'][row]]
    text = ex.context[a['offsets'][row, start, 0]:a['offsets'][row, end, 1]]
    if text == ex.answers[0].text.strip():
      recovered.add(a['example_index'][row])
  missing = [examples[i] for i in range(len(examples)) if i not in recovered]
  for ex in missing:
    print(lang, ex.guid, repr(ex.answers[0].text), ex.answers[0].answer_start)
  assert len(missing) == UNRECOVERABLE[lang]
  assert f.stats['answer_text_mismatch'] == 0 and f.stats['answer_not_in_any_window'] == 0
  assert f.stats['examples_with_several_windows'] > 0  # XQuAD contexts do need windows here
