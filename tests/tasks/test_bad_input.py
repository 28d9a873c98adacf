"""Bad input is named (file, line, what was expected) and nothing is silently accepted or dropped."""

import json
import logging
import os
import shutil

import pytest

from xstilts_jax.tasks.load import FIXTURES_DIR, load_examples
from xstilts_jax.tasks.readers import conllu, rawfiles


def _copy_task(tmp_path, rel):
  """A copy of the fixture folder holding `rel` (its top folder) under tmp_path."""
  top = rel.split('/')[0]
  shutil.copytree(os.path.join(FIXTURES_DIR, top), tmp_path / top)
  return tmp_path / rel


# ------------------------------------------------------------------ decoding and line ends

@pytest.mark.parametrize('task,split,lang,rel', [
    ('xnli', 'dev', 'de', 'xnli/XNLI-1.0/xnli.dev.tsv'),
    ('xnli', 'train', 'en', 'xnli/XNLI-MT-1.0/multinli/multinli.train.en.tsv'),
    ('pawsx', 'dev', 'de', 'pawsx/x-final/de/dev_2k.tsv'),
    ('udpos', 'test', 'ru', 'udpos/ud-treebanks-v2.5/UD_Russian-GSD/ru_gsd-ud-test.conllu'),
    ('panx', 'test', 'ru', 'panx/panx_dataset/ru-test'),
    ('xquad', 'test', 'de', 'xquad/xquad.de.json'),
    ('tydiqa', 'train', 'en', 'tydiqa/tydiqa-goldp-v1.1-train.json'),
    ('bucc2018', 'dev', 'fr', 'bucc2018/fr-en.sample.fr'),
    ('bucc2018', 'dev', 'fr', 'bucc2018/fr-en.sample.gold'),
    ('tatoeba', 'test', 'el', 'tatoeba/tatoeba.ell-eng.eng'),
    ('xcopa', 'test', 'it', 'xcopa/data/it/test.it.jsonl'),
    ('mewslix', 'test', 'de', 'mewslix/candidate_set_entities.jsonl'),
    ('mewslix', 'train', 'en', 'mewslix/wikipedia_pairs-train.jsonl'),
    ('lareqa', 'test', 'de', 'lareqa/xquad-r/de.json'),
    ('mnli', 'dev', 'en', 'glue/MNLI/dev_matched.tsv'),
    ('snli', 'dev', 'en', 'snli/snli_1.0/snli_1.0_dev.jsonl'),
    ('cosmosqa', 'dev', 'en', 'cosmosqa/valid.csv'),
    ('mlm', 'dev', 'en', 'mlm/dev/en.txt'),
    ('ccg', 'dev', 'en', 'ccg/labels.txt'),
])
def test_non_utf8_names_file_line_and_byte_offset(tmp_path, task, split, lang, rel):
  path = _copy_task(tmp_path, rel)
  data = path.read_bytes()
  offset = data.index(b'\n') + 1  # the first byte of line 2
  path.write_bytes(data[:offset] + b'\xff' + data[offset:])
  with pytest.raises(ValueError, match=rf'{os.path.basename(rel)}:2: invalid UTF-8 byte 0xff '
                                       rf'at byte offset {offset} .*; expected UTF-8'):
    load_examples(task, split, lang, data_dir=str(tmp_path))


def test_non_utf8_offset_is_counted_in_bytes_not_characters(tmp_path):
  path = tmp_path / 'x.txt'
  path.write_bytes('ä\nöü\xa0'.encode() + b'\xc3(\n')  # a lead byte without its follower
  with pytest.raises(ValueError, match=r'x.txt:2: invalid UTF-8 byte 0xc3 at byte offset 9 '
                                       r'\(column 4\)'):
    rawfiles.read_label_list(str(path))


def test_lone_carriage_return_has_its_own_message(tmp_path):
  path = _copy_task(tmp_path, 'pawsx/x-final/de/dev_2k.tsv')
  lines = path.read_bytes().split(b'\n')
  lines[2] = lines[2].replace(b' ', b'\r', 1)
  path.write_bytes(b'\n'.join(lines))
  with pytest.raises(ValueError, match=r'dev_2k.tsv:3: a carriage return \(\\r\) without a line '
                                       r'feed at column \d+; expected lines ending in \\n or '
                                       r'\\r\\n'):
    load_examples('pawsx', 'dev', 'de', data_dir=str(tmp_path))


def test_crlf_line_ends_still_read(tmp_path):
  path = _copy_task(tmp_path, 'pawsx/x-final/de/dev_2k.tsv')
  before = load_examples('pawsx', 'dev', 'de', data_dir=str(tmp_path))
  path.write_bytes(path.read_bytes().replace(b'\n', b'\r\n'))
  assert load_examples('pawsx', 'dev', 'de', data_dir=str(tmp_path)) == before


# ------------------------------------------------------------------ CoNLL-U ranges

_WORDS = ''.join(f'{i}\tw{i}\t_\tNOUN\t_\t_\t{0 if i == 1 else 1}\tdep\t_\t_\n'
                 for i in range(1, 6))


@pytest.mark.parametrize('line,what', [
    ('4-9', r'ends past the sentence\'s 5 words'),
    ('3-2', r'is reversed'),
    ('0-2', r'starts before word 1'),
])
def test_bad_conllu_range_names_the_line(tmp_path, line, what):
  path = tmp_path / 'x_tb-ud-test.conllu'
  path.write_text(f'# sent_id = 1\n{line}\tfused\t_\t_\t_\t_\t_\t_\t_\t_\n{_WORDS}\n')
  with pytest.raises(ValueError, match=rf'x_tb-ud-test.conllu:2: multi-word range {line} '
                                       rf'{what}; expected'):
    conllu.read_conllu([str(path)], 'de', 'test')


def test_overlapping_conllu_ranges_are_refused(tmp_path):
  path = tmp_path / 'x_tb-ud-test.conllu'
  path.write_text(f'1-2\tab\t_\t_\t_\t_\t_\t_\t_\t_\n2-3\tbc\t_\t_\t_\t_\t_\t_\t_\t_\n{_WORDS}\n')
  with pytest.raises(ValueError, match=r'conllu:2: multi-word range 2-3 overlaps 1-2 \(line 1\)'):
    conllu.read_conllu([str(path)], 'de', 'test')


# ------------------------------------------------------------------ empty splits

def test_empty_split_names_the_files_it_read(tmp_path):
  path = tmp_path / 'xnli/XNLI-1.0/xnli.test.tsv'
  path.parent.mkdir(parents=True)
  header = open(os.path.join(FIXTURES_DIR, 'xnli/XNLI-1.0/xnli.test.tsv')).readline()
  path.write_text(header)
  with pytest.raises(ValueError, match=rf"'xnli' split 'test' language 'de': no example in "
                                       rf"{path}; expected at least one"):
    load_examples('xnli', 'test', 'de', data_dir=str(tmp_path))


# ------------------------------------------------------------------ Tatoeba blank lines

def test_tatoeba_trailing_blank_lines_are_ignored_and_counted(tmp_path, caplog):
  src = _copy_task(tmp_path, 'tatoeba/tatoeba.ell-eng.ell')
  eng = tmp_path / 'tatoeba/tatoeba.ell-eng.eng'
  before, = load_examples('tatoeba', 'test', 'el', data_dir=str(tmp_path))
  for path in (src, eng):
    with open(path, 'a') as f:
      f.write('\n  \n')
  with caplog.at_level(logging.WARNING):
    after, = load_examples('tatoeba', 'test', 'el', data_dir=str(tmp_path))
  assert after == before
  assert 'tatoeba.ell-eng.ell: ignored 2 blank lines at the end' in caplog.text
  assert 'tatoeba.ell-eng.eng: ignored 2 blank lines at the end' in caplog.text


def test_tatoeba_blank_line_in_the_middle_is_an_error(tmp_path):
  src = _copy_task(tmp_path, 'tatoeba/tatoeba.ell-eng.ell')
  lines = src.read_text(encoding='utf-8').split('\n')
  lines[2] = ' '
  src.write_text('\n'.join(lines), encoding='utf-8')
  with pytest.raises(ValueError, match=r'tatoeba.ell-eng.ell:3: blank line; expected one '
                                       r'sentence per line'):
    load_examples('tatoeba', 'test', 'el', data_dir=str(tmp_path))


# ------------------------------------------------------------------ XNLI languages

def test_xnli_language_code_matched_case_insensitively(tmp_path, caplog):
  path = _copy_task(tmp_path, 'xnli/XNLI-1.0/xnli.dev.tsv')
  before = load_examples('xnli', 'dev', 'de', data_dir=str(tmp_path))
  path.write_text(path.read_text(encoding='utf-8').replace('\nde\t', '\nDE\t', 1),
                  encoding='utf-8')
  with caplog.at_level(logging.WARNING):
    after = load_examples('xnli', 'dev', 'de', data_dir=str(tmp_path))
  assert after == before
  assert 'xnli.dev.tsv (language de): kept all' in caplog.text and '1 language code not in lower case' in caplog.text


def test_xnli_unknown_language_is_an_error(tmp_path):
  path = _copy_task(tmp_path, 'xnli/XNLI-1.0/xnli.dev.tsv')
  path.write_text(path.read_text(encoding='utf-8').replace('\nde\t', '\nxx\t', 1),
                  encoding='utf-8')
  with pytest.raises(ValueError, match=r"xnli.dev.tsv:\d+: unknown language 'xx'; expected "
                                       r"one of ar, bg"):
    load_examples('xnli', 'dev', 'en', data_dir=str(tmp_path))


# ------------------------------------------------------------------ counted records

def test_duplicates_empty_fields_and_control_characters_are_counted(tmp_path, caplog):
  path = _copy_task(tmp_path, 'pawsx/x-final/de/dev_2k.tsv')
  header, first, *rest = path.read_text(encoding='utf-8').rstrip('\n').split('\n')
  pid, s1, s2, label = first.split('\t')
  rows = [first, first, '\t'.join(['98', '', s2, label]), '\t'.join(['99', s1 + '\x07', s2, label])]
  path.write_text('\n'.join([header] + rows + rest) + '\n', encoding='utf-8')
  with caplog.at_level(logging.WARNING):
    examples = load_examples('pawsx', 'dev', 'de', data_dir=str(tmp_path))
  assert len(examples) == len(rows) + len(rest)  # all kept, as XTREME keeps them
  assert examples[3].text_a.endswith('\x07')
  text = caplog.text
  assert 'dev_2k.tsv: kept all' in text
  assert '1 duplicate record (first at line 3)' in text
  assert '1 empty sentence1 (first at line 4)' in text
  assert '1 record with control characters (first at line 5: U+0007)' in text


def test_empty_squad_question_is_counted(tmp_path, caplog):
  path = _copy_task(tmp_path, 'xquad/xquad.de.json')
  text = path.read_text(encoding='utf-8')
  start = text.index('"question": "') + len('"question": "')
  path.write_text(text[:start] + text[text.index('"', start):], encoding='utf-8')
  with caplog.at_level(logging.WARNING):
    examples = load_examples('xquad', 'test', 'de', data_dir=str(tmp_path))
  assert sum(not e.question for e in examples) == 1
  assert 'xquad.de.json: kept all' in caplog.text and '1 empty question (first at question' in caplog.text


def test_panx_repeated_sentences_and_empty_tokens_are_counted(tmp_path, caplog):
  path = _copy_task(tmp_path, 'panx/panx_dataset/ru-test')
  first = path.read_text(encoding='utf-8').split('\n\n')[0]
  with open(path, 'a', encoding='utf-8') as f:
    f.write(f'\n{first}\n\nru:\tO\nru:x\tO\n')
  before = len(load_examples('panx', 'test', 'ru'))
  with caplog.at_level(logging.WARNING):
    examples = load_examples('panx', 'test', 'ru', data_dir=str(tmp_path))
  assert len(examples) == before + 2
  assert examples[-2].words == examples[0].words and examples[-1].words == ('', 'x')
  assert '1 duplicate sentence (first at line' in caplog.text
  assert '1 empty token (first at line' in caplog.text


def _jsonl_edit(field):
  def edit(line, how):
    obj = json.loads(line)
    obj[field] = '' if how == 'empty' else obj[field] + '\x07'
    return json.dumps(obj)
  return edit


def _tsv_edit(column, new_id=None):
  """Empties or adds a control character to `column`; `new_id`: the id column, made unique
  (BUCC refuses a repeated id)."""
  def edit(line, how):
    fields = line.split('\t')
    fields[column] = '' if how == 'empty' else fields[column] + '\x07'
    if new_id is not None:
      fields[new_id] += how
    return '\t'.join(fields)
  return edit


def _bucc_dup(line):
  sid, sentence = line.split('\t', 1)
  return f'{sid}dup\t{sentence}'


# (task, split, lang, file, header lines, edit(line, 'empty'|'control'), the field emptied,
#  the counted record's name, a duplicate of the first record's line)
_COUNTED = {
    'anli': ('anli_r1', 'dev', 'en', 'anli/anli_v1.0/R1/dev.jsonl', 0, _jsonl_edit('context'),
             'context', 'record', None),
    'bucc': ('bucc2018', 'dev', 'fr', 'bucc2018/fr-en.sample.fr', 0, _tsv_edit(1, new_id=0),
             'sentence', 'sentence', _bucc_dup),
    'mnli': ('mnli', 'dev', 'en', 'glue/MNLI/dev_matched.tsv', 1, _tsv_edit(9), 'sentence2',
             'record', None),
    'qqp': ('qqp', 'dev', 'en', 'glue/QQP/dev.tsv', 1, _tsv_edit(3), 'question1', 'record',
            None),
    'snli': ('snli', 'dev', 'en', 'snli/snli_1.0/snli_1.0_dev.jsonl', 0,
             _jsonl_edit('sentence2'), 'sentence2', 'record', None),
    'translated': ('xnli_translate_train', 'train', 'fr',
                   'xtreme_translations/XNLI/translate-train/en-fr-translated.tsv', 0,
                   _tsv_edit(2), 'sentence1', 'record', None),
}


@pytest.mark.parametrize('reader', sorted(_COUNTED))
def test_each_pair_reader_counts_duplicates_empty_fields_and_control_characters(
    tmp_path, caplog, reader):
  task, split, lang, rel, header, edit, field, record, dup = _COUNTED[reader]
  path = _copy_task(tmp_path, rel)
  lines = path.read_text(encoding='utf-8').rstrip('\n').split('\n')
  first, rest = lines[header], lines[header + 1:]
  rows = [first, (dup or (lambda l: l))(first), edit(first, 'empty'), edit(first, 'control')]
  path.write_text('\n'.join(lines[:header] + rows + rest) + '\n', encoding='utf-8')
  # Records read: BUCC's one corpus holds its source sentences.
  count = lambda e: len(e[0].source) if reader == 'bucc' else len(e)
  before = count(load_examples(task, split, lang))
  with caplog.at_level(logging.WARNING):
    after = count(load_examples(task, split, lang, data_dir=str(tmp_path)))
  assert after == before + 3  # all kept
  line = header + 2  # the duplicate's line
  said = [r.getMessage() for r in caplog.records
          if r.getMessage().startswith(str(path)) and 'kept all' in r.getMessage()]
  assert len(said) == 1, caplog.text
  assert (f'1 duplicate {record} (first at line {line}), 1 empty {field} (first at line '
          f'{line + 1}), 1 {record} with control characters (first at line {line + 2}: '
          'U+0007)') in said[0], said[0]
