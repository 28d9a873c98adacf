"""XTREME-R's tasks: XCOPA, Mewsli-X and LAReQA read from their raw releases (shipped fixtures in
the exact formats), their gold labels, their hub copies, and bad input named by file and record.
(UD-POS, PAN-X, XQuAD and Tatoeba's added languages load in tests/tasks/test_xtreme.py.)"""

import filecmp
import json
import logging
import os
import shutil
import sys

import pytest

from xstilts_jax.tasks import languages, load, registry
from xstilts_jax.tasks.examples import MultipleChoiceExample, QueryCandidateExample, RankingCorpus
from xstilts_jax.tasks.load import FIXTURES_DIR, load_examples
from xstilts_jax.tasks.readers import mewslix, sentences

sys.path.insert(0, os.path.dirname(__file__))
import hub_layouts  # noqa: E402
import xtreme_r_fixtures  # noqa: E402


def test_shipped_fixtures_are_what_the_generator_writes(tmp_path):
  xtreme_r_fixtures.main(str(tmp_path))
  written = 0
  for dirpath, _, names in os.walk(tmp_path):
    for name in names:
      fresh = os.path.join(dirpath, name)
      shipped = os.path.join(FIXTURES_DIR, os.path.relpath(fresh, tmp_path))
      assert filecmp.cmp(fresh, shipped, shallow=False), shipped
      written += 1
  assert written == 11 * 2 + 2 + 3 + 11 * 4 + 11  # xcopa, copa, mewslix, wikinews, xquad-r


def test_every_language_and_split_loads():
  for name, fmt in (('xcopa', 'multiple_choice'), ('mewslix', 'ranking'), ('lareqa', 'ranking')):
    task = registry.get_task(name)
    assert (task.format, task.xtreme_name is not None, task.category) == (
        fmt, True, 'classification' if name == 'xcopa' else 'retrieval')
    assert tuple(task.languages) == languages.XTREME_R[name]
    train = load_examples(name, 'train', 'en')
    want = MultipleChoiceExample if fmt == 'multiple_choice' else QueryCandidateExample
    assert train and all(isinstance(e, want) for e in train)
    for lang in task.languages:
      for split in ('dev', 'test'):
        if name == 'lareqa' and split == 'dev':
          continue  # SQuAD v1.1 dev, English only
        got = load_examples(name, split, lang)
        if fmt == 'ranking':
          corpus, = got
          assert isinstance(corpus, RankingCorpus) and corpus.lang == lang
          assert set(corpus.gold) == set(corpus.query_ids)
          assert all(set(g) <= set(corpus.candidate_ids) for g in corpus.gold.values())
        else:
          assert [e.label for e in got] == [r[4] for r in (
              xtreme_r_fixtures.XCOPA[lang][::-1 if split == 'dev' else 1])]
    dev, = load_examples(name, 'dev', 'en') if fmt == 'ranking' else [None]
    assert dev is None or dev.queries
  assert registry.get_task('mewslix').metric == registry.get_task('lareqa').metric == 'map@20'
  assert 'ranking' in registry.FORMATS


def test_xcopa_prompt_and_english_copa():
  ex = load_examples('xcopa', 'test', 'zh')
  assert ex[0].prompt == '湖面结冰。 What was the cause?' and ex[0].label == 0
  assert ex[1].prompt.endswith(' What was the effect?') and ex[1].label == 1
  assert ex[0].choices == ('冬天气温经常降到零度以下。', '游客来山里散步。')
  # English training and model selection: SuperGLUE's COPA (no `changed` field).
  assert [e.label for e in load_examples('xcopa', 'train', 'en')] == [
      r[4] for r in xtreme_r_fixtures.COPA['train']]
  assert len(load_examples('xcopa', 'dev', 'en')) == len(xtreme_r_fixtures.COPA['val'])
  task = registry.get_task('xcopa')
  assert load.local_patterns(task, 'dev', 'en', 'D') == ('D/copa/val.jsonl',)
  assert load.local_patterns(task, 'dev', 'qu', 'D') == ('D/xcopa/data/qu/val.qu.jsonl',)
  for name in ('xcopa', 'mewslix', 'lareqa'):
    with pytest.raises(ValueError, match='English only'):
      load_examples(name, 'train', 'de' if name != 'xcopa' else 'it')


def test_udpos_reads_xtreme_r_languages_from_ud_v27():
  task = registry.get_task('udpos')
  assert 'ud-treebanks-v2.7/UD_*/lt_*-ud-test.conllu' in load.local_patterns(task, 'test', 'lt',
                                                                             '')[0]
  assert 'ud-treebanks-v2.5/' in load.local_patterns(task, 'test', 'de', '')[0]
  pl = load_examples('udpos', 'test', 'pl')
  assert pl[-1].words == ('Piliśmy', 'herbatę', '.')  # fused form, the VERB's tag
  assert pl[-1].labels == ('VERB', 'NOUN', 'PUNCT')


def test_mewslix_queries_candidates_and_gold():
  train = load_examples('mewslix', 'train', 'en')
  # XTREME-R's query: the mention's sentence only, the mention in front and marked; braces
  # already in the text become parentheses. The candidate: the description's sentences.
  assert train[0].query == 'Munich: It is the oldest museum in { Munich } .'
  assert train[3].query == 'Rome: All (three) are set in { Rome } .'
  assert train[2].candidate == 'Praha je hlavní město Česka. Městem protéká Vltava.'
  test, = load_examples('mewslix', 'test', 'ja')
  assert test.queries == ('ベルリン: { ベルリン } 行きの列車は八時に出発する。', 'パリ: 明日は { パリ } へ行く。')
  # Test mentions carry no entity (XTREME-R removed it); the gold comes from wikinews_labels.
  with open(os.path.join(FIXTURES_DIR, 'mewslix/wikinews_mentions/test-ja.jsonl')) as f:
    assert {m['entity_id'] for m in json.loads(f.readline())['mentions']} == {''}
  assert test.gold == {'test-ja-1': ('Q64',), 'test-ja-2': ('Q90',)}
  assert test.candidate_ids == tuple(e[0] for e in xtreme_r_fixtures.ENTITIES)
  dev, = load_examples('mewslix', 'dev', 'uk')
  assert dev.candidates is test.candidates  # one candidate set, read once
  assert dev.queries[1] == 'Парижа: Завтра він їде до { Парижа } .'


def _mewslix_copy(tmp_path, split='test', lang='de'):
  for rel in ('mewslix/candidate_set_entities.jsonl',
              f'mewslix/wikinews_mentions/{split}-{lang}.jsonl',
              f'mewslix/wikinews_labels/{split}-{lang}.json'):
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(os.path.join(FIXTURES_DIR, rel), tmp_path / rel)
  return tmp_path / 'mewslix'


@pytest.mark.parametrize('rel,old,new,match', [
    ('wikinews_mentions/test-de.jsonl', '"text": "Berlin"', '"text": "Berlim"',
     r"test-de.jsonl:1: mention 'test-de-1' span \[\d+:\d+\] is 'Berlin'; expected its text "
     r"'Berlim'"),
    ('wikinews_mentions/test-de.jsonl', '"language": "de"', '"language": "en"',
     r"test-de.jsonl:1: context in language 'en'; expected 'de' only"),
    ('wikinews_mentions/test-de.jsonl', '"entity_id": ""', '"entity_id": "Q1"',
     r"test-de.jsonl:1: mention 'test-de-1' is linked to 'Q1' but .*test-de.json says 'Q64'"),
    ('wikinews_mentions/test-de.jsonl', '"sentence_spans": [{"start": 0, "end": 41}',
     '"sentence_spans": [{"start": 0, "end": 15}',
     r"test-de.jsonl:1: mention 'test-de-1' \[\d+:\d+\] is not inside one sentence"),
    ('wikinews_labels/test-de.json', '"test-de-2": ["Q90"]', '"test-de-3": ["Q90"]',
     r"test-de.jsonl:1: mention 'test-de-2' has no gold entity in .*test-de.json"),
    ('wikinews_labels/test-de.json', '["Q90"]', '["Q90", "Q64"]',
     r"test-de.json: example 'test-de-2' has \['Q90', 'Q64'\]; expected a list of one entity"),
    ('wikinews_labels/test-de.json', '"Q90"', '"Q999"',
     r"test-de.json: gold entity 'Q999' of mention 'test-de-2' is not in .*candidate_set"),
    ('candidate_set_entities.jsonl', '"entity_id": "Q90"', '"entity_id": "Q64"',
     r"candidate_set_entities.jsonl:2: entity_id 'Q64' repeats line 1"),
    ('candidate_set_entities.jsonl', '{"start": 0, "end": 35}', '{"start": 0, "end": 350}',
     r'candidate_set_entities.jsonl:2: sentence_spans\[0\] .*; expected .* <= \d+'),
])
def test_mewslix_bad_input_names_file_and_record(tmp_path, rel, old, new, match):
  folder = _mewslix_copy(tmp_path)
  path = folder / rel
  text = path.read_text(encoding='utf-8')
  assert old in text, text[:300]
  path.write_text(text.replace(old, new, 1), encoding='utf-8')
  with pytest.raises(ValueError, match=match):
    load_examples('mewslix', 'test', 'de', data_dir=str(tmp_path))


def test_mewslix_malformed_line(tmp_path):
  folder = _mewslix_copy(tmp_path)
  with open(folder / 'wikinews_mentions/test-de.jsonl', 'a') as f:
    f.write('{"context": \n')
  with pytest.raises(ValueError, match=r'test-de.jsonl:2: malformed JSON'):
    load_examples('mewslix', 'test', 'de', data_dir=str(tmp_path))


def test_lareqa_gold_is_the_answer_sentence_in_every_language():
  corpus, = load_examples('lareqa', 'test', 'de')
  ids = xtreme_r_fixtures.XQUAD_R_IDS
  assert corpus.query_ids == tuple(f'{i}_de' for i in ids)
  assert corpus.queries == ('Wann fährt der Zug nach Berlin ab?', 'Wann ist das Museum geschlossen?')
  langs = sorted(xtreme_r_fixtures.XQUAD_R)
  assert len(corpus.candidates) == 2 * len(langs)  # every sentence of every language
  assert corpus.gold[f'{ids[0]}_de'] == tuple(f'{l}_1_0' for l in langs)
  assert corpus.gold[f'{ids[1]}_de'] == tuple(f'{l}_1_1' for l in langs)
  position = dict(zip(corpus.candidate_ids, range(len(corpus.candidate_ids))))
  zh = position['zh_1_1']
  assert corpus.candidates[zh] == '博物馆周一闭馆。'
  assert corpus.candidate_contexts[zh] == '去柏林的火车八点出发。 博物馆周一闭馆。'


def test_lareqa_trains_on_squad_answer_sentences():
  train = load_examples('lareqa', 'train', 'en')
  with open(os.path.join(FIXTURES_DIR, 'squad', 'train-v1.1.json')) as f:
    qas = [(p['context'], q) for a in json.load(f)['data'] for p in a['paragraphs']
           for q in p['qas']]
  assert [e.guid for e in train] == [q['id'] for _, q in qas]
  for e, (context, q) in zip(train, qas):
    start = q['answers'][0]['answer_start']
    where = context.index(e.candidate)
    assert where <= start < where + len(e.candidate) and e.candidate_context == context
    assert e.query == q['question']
  dev, = load_examples('lareqa', 'dev', 'en')
  assert dev.lang == 'en' and all(len(g) == 1 for g in dev.gold.values())


def test_lareqa_bad_sentence_breaks_and_missing_language(tmp_path):
  folder = tmp_path / 'lareqa' / 'xquad-r'
  shutil.copytree(os.path.join(FIXTURES_DIR, 'lareqa', 'xquad-r'), folder)
  path = folder / 'el.json'
  data = json.loads(path.read_text(encoding='utf-8'))
  data['data'][0]['paragraphs'][0]['sentence_breaks'][1] = [50, 10]
  path.write_text(json.dumps(data), encoding='utf-8')
  with pytest.raises(ValueError, match=r'el.json: data\[0\].paragraphs\[0\].sentence_breaks\[1\] '
                                       r'is \[50, 10\]; expected \[start, end\]'):
    load_examples('lareqa', 'test', 'de', data_dir=str(tmp_path))
  (folder / 'el.json').unlink()
  with pytest.raises(FileNotFoundError, match=r'no file matches .*xquad-r/el.json'):
    load_examples('lareqa', 'test', 'de', data_dir=str(tmp_path))


def test_lareqa_answers_outside_every_sentence_are_counted(tmp_path, caplog):
  shutil.copytree(os.path.join(FIXTURES_DIR, 'lareqa'), tmp_path / 'lareqa')
  path = tmp_path / 'lareqa' / 'xquad-r' / 'de.json'
  data = json.loads(path.read_text(encoding='utf-8'))
  paragraph = data['data'][0]['paragraphs'][0]
  paragraph['sentence_breaks'][0] = [0, 10]  # the first answer ('um acht Uhr') is outside
  path.write_text(json.dumps(data), encoding='utf-8')
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    corpus, = load_examples('lareqa', 'test', 'de', data_dir=str(tmp_path))
  first, second = xtreme_r_fixtures.XQUAD_R_IDS
  assert corpus.query_ids == (f'{second}_de',)
  assert 'LAReQA de: skipped 1 questions whose answer starts outside' in caplog.text
  en, = load_examples('lareqa', 'test', 'en', data_dir=str(tmp_path))
  assert 'de_1_0' not in en.gold[f'{first}_en'] and 'de_1_1' in en.gold[f'{second}_en']
  assert len(en.gold[f'{first}_en']) == 10


def test_sentence_breaks_keep_titles_initials_and_citations():
  text = ('Dr. Smith met J. R. R. Tolkien in Oxford.[3] The talk began at 10 a.m. '
          '"Was it long?" she asked. In 1950 it was printed, e.g. in London.')
  got = [text[s:e] for s, e in sentences.sentence_breaks(text)]
  assert got == ['Dr. Smith met J. R. R. Tolkien in Oxford.[3]', 'The talk began at 10 a.m.',
                 '"Was it long?" she asked.', 'In 1950 it was printed, e.g. in London.']
  assert sentences.sentence_breaks('  One.\nTwo.  ') == [(2, 6), (7, 11)]


def test_hub_copies_per_language(tmp_path):
  hub = tmp_path / 'hub'
  rows = lambda lang, split: [json.loads(line) for line in open(
      os.path.join(FIXTURES_DIR, 'xcopa', 'data', lang, f'{split}.{lang}.jsonl'))]
  hub_layouts.save(hub, 'cambridgeltl/xcopa', 'qu',
                   {'validation': rows('qu', 'val'), 'test': rows('qu', 'test')})
  copa = [json.loads(line) for line in open(os.path.join(FIXTURES_DIR, 'copa', 'val.jsonl'))]
  hub_layouts.save(hub, 'aps/super_glue', 'copa', {'validation': copa})
  assert load_examples('xcopa', 'test', 'qu', source='hub', hub_dir=str(hub)) == \
      load_examples('xcopa', 'test', 'qu')
  assert load_examples('xcopa', 'dev', 'en', source='hub', hub_dir=str(hub)) == \
      load_examples('xcopa', 'dev', 'en')
  # XQuAD's Romanian is google/xquad's; google/xtreme has XTREME's 11.
  (ref,) = load.hub_refs('xquad', 'test', 'ro')
  assert (ref.path, ref.name, ref.hub_split) == ('google/xquad', 'xquad.ro', 'validation')
  assert load.hub_refs('xquad', 'test', 'de')[0].path == 'google/xtreme'
  with pytest.raises(ValueError, match=r"'udpos': no hub copy of split 'test' in language 'wo' "
                                       r'\(the hub copies have google/xtreme: af .*\); use the '
                                       r'local files'):
    load.hub_refs('udpos', 'test', 'wo')
  with pytest.raises(ValueError, match="task 'mewslix' has no hub source: Mewsli-X has no hub"):
    load.hub_refs('mewslix', 'test', 'de')


def test_mention_text_is_xtreme_rs_preprocessing():
  context = {'text': 'A {b} c. Then X met {Y} at noon.\nDone.',
             'sentence_spans': [{'start': 0, 'end': 8}, {'start': 9, 'end': 32},
                                {'start': 33, 'end': 38}]}
  mention = {'example_id': 'm', 'mention_span': {'start': 14, 'end': 15, 'text': 'X'}}
  assert mewslix.mention_text(context, mention, 'f', 1) == 'X: Then { X } met (Y) at noon.'
