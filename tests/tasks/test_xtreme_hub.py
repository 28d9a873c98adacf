"""The hub path of every XTREME task, on `datasets` saved with `save_to_disk` in the hub's
column layout (facebook/xnli, google-research-datasets/paws-x, google/xtreme configs)."""

import os
import sys

import pytest

import datasets  # a runtime dependency: never skipped

sys.path.insert(0, os.path.dirname(__file__))
import hub_layouts  # noqa: E402  (saved hub copies, beside this file)
from xstilts_jax.tasks import load  # noqa: E402
from xstilts_jax.tasks.load import load_examples  # noqa: E402

UPOS = ['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN',
        'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X']
NER = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC']


def _save(tmp_path, path, name, splits, features=None):
  return hub_layouts.save(tmp_path / 'hub', path, name, splits, features)


def _qa(qid, context, question, answer):
  return {'id': qid, 'title': 't', 'context': context, 'question': question,
          'answers': {'text': [answer], 'answer_start': [context.find(answer)]}}


def test_xnli_hub_label_order(tmp_path):
  features = datasets.Features({'premise': datasets.Value('string'),
                                'hypothesis': datasets.Value('string'),
                                'label': datasets.ClassLabel(names=['entailment', 'neutral',
                                                                    'contradiction'])})
  rows = [{'premise': 'Ein Mann spielt.', 'hypothesis': 'Jemand spielt.', 'label': 0},
          {'premise': 'Ein Mann spielt.', 'hypothesis': 'Er schläft.', 'label': 2},
          {'premise': 'Ein Mann spielt.', 'hypothesis': 'Er spielt für Geld.', 'label': 1}]
  path = _save(tmp_path, 'facebook/xnli', 'de', {'validation': rows, 'test': rows}, features)
  examples = load_examples('xnli', 'dev', 'de', source='hub', hub_dir=path)
  # ours: 0 contradiction, 1 entailment, 2 neutral
  assert [e.label for e in examples] == [1, 0, 2]


def test_pawsx_hub(tmp_path):
  features = datasets.Features({'id': datasets.Value('int32'), 'sentence1': datasets.Value('string'),
                                'sentence2': datasets.Value('string'),
                                'label': datasets.ClassLabel(names=['0', '1'])})
  rows = [{'id': 1, 'sentence1': 'アンナは引っ越した。', 'sentence2': 'アンナが引っ越した。', 'label': 1}]
  path = _save(tmp_path, 'google-research-datasets/paws-x', 'ja', {'test': rows}, features)
  ex, = load_examples('pawsx', 'test', 'ja', source='hub', hub_dir=path)
  assert ex.label == 1 and ex.text_a == 'アンナは引っ越した。'


@pytest.mark.parametrize('task,column,names,tags', [
    ('udpos', 'pos_tags', UPOS, ['ADP', 'DET', 'NOUN']),
    ('panx', 'ner_tags', NER, ['B-LOC', 'I-LOC', 'O'])])
def test_tagging_hub(tmp_path, task, column, names, tags):
  features = datasets.Features({'tokens': datasets.Sequence(datasets.Value('string')),
                                column: datasets.Sequence(datasets.ClassLabel(names=names))})
  rows = [{'tokens': ['zu', 'dem', 'Bahnhof'], column: [names.index(t) for t in tags]}]
  config = 'udpos.German' if task == 'udpos' else 'PAN-X.de'
  path = _save(tmp_path, 'google/xtreme', config, {'test': rows}, features)
  ex, = load_examples(task, 'test', 'de', source='hub', hub_dir=path)
  assert list(ex.words) == ['zu', 'dem', 'Bahnhof'] and list(ex.labels) == tags


def test_qa_hub(tmp_path):
  ctx = 'Поезд в Берлин отправляется в восемь часов.'
  path = _save(tmp_path, 'google/xtreme', 'XQuAD.ru',
               {'validation': [_qa('q1', ctx, 'Когда?', 'в восемь часов')]})
  ex, = load_examples('xquad', 'test', 'ru', source='hub', hub_dir=path)
  assert ex.answers[0].answer_start == ctx.find('в восемь часов')
  path = _save(tmp_path, 'google/xtreme', 'MLQA.zh.zh',
               {'test': [_qa('m1', '去柏林的火车八点出发。', '几点？', '八点')]})
  assert load_examples('mlqa', 'test', 'zh', source='hub', hub_dir=path)[0].guid == 'm1'
  # A misaligned answer_start is moved to where its text is (counted; test_hub_grid.py).
  bad = _qa('q2', ctx, 'Когда?', 'в восемь часов')
  bad['answers']['answer_start'] = [0]
  path = _save(tmp_path / 'bad', 'google/xtreme', 'XQuAD.ru', {'validation': [bad]})
  ex, = load_examples('xquad', 'test', 'ru', source='hub', hub_dir=path)
  assert ex.answers[0].answer_start == ctx.find('в восемь часов')


def test_tydiqa_hub_filters_languages(tmp_path):
  rows = [_qa('english-1-0', 'The train leaves at eight.', 'When?', 'at eight'),
          _qa('arabic-2-0', 'يغادر القطار في الثامنة.', 'متى؟', 'في الثامنة'),
          _qa('english-3-0', 'The museum is closed on Mondays.', 'When?', 'on Mondays')]
  path = _save(tmp_path, 'google/xtreme', 'tydiqa', {'train': rows, 'validation': rows})
  train = load_examples('tydiqa', 'train', 'en', source='hub', hub_dir=path)
  assert [e.guid for e in train] == ['english-1-0', 'english-3-0']
  assert [e.guid for e in load_examples('tydiqa', 'test', 'ar', source='hub', hub_dir=path)] == \
      ['arabic-2-0']


def test_retrieval_hub(tmp_path):
  rows = [{'source_sentence': s, 'target_sentence': t, 'source_lang': 'de', 'target_lang': 'en'}
          for s, t in (('Zwei Kinder lesen.', 'Two children read.'), ('Das Museum.', 'A museum.'))]
  path = _save(tmp_path, 'google/xtreme', 'bucc18.de', {'validation': rows, 'test': rows})
  corpus, = load_examples('bucc2018', 'dev', 'de', source='hub', hub_dir=path)
  assert corpus.gold == [('de-000000000', 'en-000000000'), ('de-000000001', 'en-000000001')]
  path = _save(tmp_path, 'google/xtreme', 'tatoeba.deu', {'validation': rows})
  corpus, = load_examples('tatoeba', 'test', 'de', source='hub', hub_dir=path)
  assert corpus.target == ['A museum.', 'Two children read.']
  assert corpus.gold == [('0', '1'), ('1', '0')]


def test_xquad_and_mlqa_train_on_squad_v1(tmp_path):
  row = _qa('s1', 'The train leaves at eight.', 'When?', 'at eight')
  path = _save(tmp_path, 'rajpurkar/squad', None, {'train': [row], 'validation': [row]})
  ex, = load_examples('xquad', 'train', 'en', source='hub', hub_dir=path)
  assert ex.guid == 's1' and load_examples('mlqa', 'train', source='hub', hub_dir=path)
  assert load_examples('xquad', 'dev', source='hub', hub_dir=path)[0].guid == 's1'
  # MLQA's dev split is MLQA's own, as locally; the hub serves no TyDiQA-less split.
  (ref,) = load.hub_refs('mlqa', 'dev', 'de')
  assert (ref.path, ref.name, ref.hub_split) == ('google/xtreme', 'MLQA.de.de', 'validation')
  with pytest.raises(ValueError, match="no hub split for 'dev'"):
    load.hub_refs('mlm', 'dev', 'de')
