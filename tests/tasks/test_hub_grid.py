"""The hub path, complete: every grid cell of configs/grid.py reads all its data through it.

Saved hub-layout copies of every data set the grid reads are built from the shipped
fixtures through the hub's column layouts (`hub_layouts`, the converters' inverse) under
one `hub_dir`; each (task, split, language) a run reads must load from them and give the
same examples as the local files. CCG has no hub copy and must fail clearly; one cell
really trains through `python -m xstilts_jax.main` with `--config.data.source=hub`.
Also: answers repaired or dropped against answer_start (counted), the streamed MLM cut,
revisions passed to `load_dataset`, and each copy's note shown once per task.
"""

import dataclasses
import json
import logging
import os
import re
import runpy
import subprocess
import sys

import datasets
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import hub_layouts  # noqa: E402  (saved hub copies, beside this file)
from xstilts_jax.tasks import benchmarks, intermediate, load, mlm, registry  # noqa: E402
from xstilts_jax.tasks.examples import (ClassificationExample, MultipleChoiceExample,  # noqa: E402
                                        QAExample, RetrievalCorpus, TaggingExample)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GRID = runpy.run_path(os.path.join(ROOT, 'configs', 'grid.py'))


def _names(text):
  return [n.strip() for n in str(text).split(',') if n.strip()]


def _reads(task_name):
  """(task, split, language) that a run reads for one task (loop + zero-shot + retrieval)."""
  task = registry.get_task(task_name)
  if task.format == 'retrieval':
    splits = ('dev', 'test') if task.name == 'bucc2018' else ('test',)
    return [(task.name, s, lang) for lang in benchmarks.languages(task) for s in splits]
  english = [(task.name, 'train', 'en'), (task.name, 'dev', 'en')]
  if not task.xtreme_name:
    return english
  # The grid evaluates XTREME's languages (the hub copies have those).
  return english + [(task.name, 'test', lang) for lang in benchmarks.languages(task)]


def _cells():
  return {cell: GRID['get_config'](f'{cell},0') for cell in GRID['CELLS']}


def _content(ex):
  """What an example says, without ids the hub does not carry (row numbers)."""
  if isinstance(ex, ClassificationExample):
    return ex.text_a, ex.text_b, ex.label
  if isinstance(ex, MultipleChoiceExample):
    return ex.prompt, tuple(ex.choices), ex.label
  if isinstance(ex, QAExample):
    return (ex.guid, ex.question, ex.context, ex.is_impossible,
            tuple((a.text, a.answer_start) for a in ex.answers))
  if isinstance(ex, TaggingExample):
    return tuple(ex.words), tuple(ex.labels)
  if isinstance(ex, RetrievalCorpus):  # the hub keeps the gold pairs only
    source, target = dict(zip(ex.source_ids, ex.source)), dict(zip(ex.target_ids, ex.target))
    return sorted((source[s], target[t]) for s, t in ex.gold)
  raise TypeError(type(ex))


@pytest.fixture(scope='module')
def grid_hub(tmp_path_factory):
  """One hub_dir with a saved copy of every data set any grid cell reads (CCG has none)."""
  builder = hub_layouts.Builder()
  needed = {r for c in _cells().values()
            for t in _names(c.intermediate.tasks) + _names(c.targets) for r in _reads(t)}
  for task, split, lang in sorted(needed):
    if task != 'ccg':
      builder.add(task, split, lang)
  hub_dir = str(tmp_path_factory.mktemp('hub'))
  return hub_dir, builder.save(hub_dir), needed


def _check_reads(reads, hub_dir):
  for task, split, lang in reads:
    hub = load.load_examples(task, split, lang, source='hub', hub_dir=hub_dir)
    local = load.load_examples(task, split, lang)
    assert [_content(e) for e in hub] == [_content(e) for e in local], (task, split, lang)


def test_every_cell_reads_its_intermediate_data_from_the_hub(grid_hub):
  hub_dir, saved, _ = grid_hub
  cells = _cells()
  assert set(cells) == {'baseline', 'multitask'} | set(GRID['INTERMEDIATE']) | set(
      GRID['VARIANT_OF'])
  for cell, config in cells.items():
    tasks = _names(config.intermediate.tasks)
    # A translated-data variant reads its task's English data here (translations: local only).
    assert tasks == ([] if cell == 'baseline' else
                     list(GRID['INTERMEDIATE']) if cell == 'multitask' else
                     [GRID['VARIANT_OF'].get(cell, cell)])
    reads = [r for t in tasks for r in _reads(t)]
    if 'ccg' in tasks:
      # CCGbank is licensed: a clear error naming ccg and how to run without it.
      with pytest.raises(ValueError, match='local CCGbank files') as error:
        load.load_examples('ccg', 'train', source='hub', hub_dir=hub_dir)
      message = str(error.value)
      assert "task 'ccg'" in message and '--config.data.source=local' in message
      fix = re.search(r'--config\.intermediate\.tasks=([\w,]+)', message).group(1)
      assert fix.split(',') == [t for t in GRID['INTERMEDIATE'] if t != 'ccg']
      with pytest.raises(ValueError, match="task 'ccg' has no hub source"):
        load.hub_refs('ccg', 'dev')
      reads = [r for r in reads if r[0] != 'ccg']
    _check_reads(reads, hub_dir)
  # ANLI+ reads its five parts' hub data sets; SQuAD v1.1 is saved once for three tasks.
  assert {r.part for r in load.hub_refs('anli_plus', 'train')} == set(
      registry.get_task('anli_plus').parts)
  assert ('rajpurkar/squad', None) in saved and ('wilburOne/cosmosqa', None) in saved


def test_every_target_read_comes_from_the_hub(grid_hub):
  hub_dir, _, needed = grid_hub
  targets = {tuple(_names(c.targets)) for c in _cells().values()}
  assert len(targets) == 1  # every cell evaluates the same nine targets
  target_reads = sorted(r for r in needed if registry.get_task(r[0]).xtreme_name)
  assert {r[0] for r in target_reads} == set(_names(GRID['get_config']('mnli,0').targets))
  _check_reads(target_reads, hub_dir)
  # XQuAD and MLQA train on SQuAD v1.1, as XTREME does.
  for task in ('xquad', 'mlqa'):
    (ref,) = load.hub_refs(task, 'train', 'en')
    assert (ref.path, ref.hub_split, ref.revision) == (
        'rajpurkar/squad', 'train', intermediate.SQUAD_REVISION)
  with pytest.raises(ValueError, match='English only'):
    load.hub_refs('xquad', 'train', 'de')


def test_a_grid_cell_trains_through_main_on_the_hub(grid_hub, tmp_path):
  hub_dir = grid_hub[0]
  workdir = str(tmp_path / 'run')
  cmd = [sys.executable, '-m', 'xstilts_jax.main', '--config', 'configs/grid.py:anli_plus,0',
         '--workdir', workdir, '--config.data.source=hub', f'--config.data.hub_dir={hub_dir}',
         '--config.intermediate.num_steps=1', '--config.target.num_steps=1',
         '--config.targets=xquad', '--config.eval.languages=de', '--config.eval.max_examples=2',
         f'--config.compilation_cache={os.path.join(ROOT, ".jax_cache")}']
  env = dict(os.environ, JAX_PLATFORMS='cpu', PYTHONPATH=ROOT, XSTILTS_GRID_BASE='tiny')
  p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
  assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
  # ANLI+ from its parts' copies, XQuAD trained on SQuAD v1.1 train, both from hub_dir.
  plus = len(load.load_examples('anli_plus', 'train', source='hub', hub_dir=hub_dir))
  squad = len(load.load_examples('squad_v1', 'train', source='hub', hub_dir=hub_dir))
  assert f'anli_plus: {plus} train examples' in p.stdout
  assert f'xquad: {squad} train examples' in p.stdout
  assert 'xquad: hub copy google/xtreme@' in p.stdout  # the copy's note, printed
  for phase in ('intermediate', 'target_xquad'):
    with open(os.path.join(workdir, phase, 'results.json')) as f:
      assert json.load(f)
  assert os.path.exists(os.path.join(workdir, 'predictions', 'xquad', 'test-de.json'))


# ------------------------------------------------------------------ answers at answer_start


def test_qa_answers_are_repaired_or_dropped_and_counted(tmp_path, caplog):
  ctx = 'The bridge opened in 1932. It was repainted in 1932 and again in 1990.'
  rows = [
      # misaligned by a few characters: moved to the nearest '1932' (the second one)
      {'id': 'a', 'title': '', 'context': ctx, 'question': 'When repainted?',
       'answers': {'text': ['1932'], 'answer_start': [ctx.rindex('1932') - 3]}},
      # aligned: kept as is
      {'id': 'b', 'title': '', 'context': ctx, 'question': 'Again?',
       'answers': {'text': ['1990', 'in 1990'], 'answer_start': [ctx.index('1990'), 3]}},
      # not in the context: dropped, and the question with it
      {'id': 'c', 'title': '', 'context': ctx, 'question': 'Closed?',
       'answers': {'text': ['2001'], 'answer_start': [5]}}]
  hub_dir = hub_layouts.save(tmp_path, 'rajpurkar/squad', None, {'train': rows})
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    a, b = load.load_examples('squad_v1', 'train', source='hub', hub_dir=hub_dir)
  assert (a.answers[0].text, a.answers[0].answer_start) == ('1932', ctx.rindex('1932'))
  assert [(x.text, x.answer_start) for x in b.answers] == [
      ('1990', ctx.index('1990')), ('in 1990', ctx.index('in 1990'))]
  assert ('rajpurkar/squad en train: 2 answers misaligned with answer_start, moved to the '
          'nearest occurrence of their text; 1 answers not in their context, dropped; 1 '
          'questions left without an answer, dropped; kept 2 questions') in caplog.text
  skipped = {}
  from xstilts_jax.tasks import hub_intermediate  # pylint: disable=g-import-not-at-top
  hub_intermediate.squad_rows(rows, 'en', 'train', skipped=skipped)
  assert skipped == {'answer_repaired': 2, 'answer_not_found': 1, 'question_without_answer': 1}


def test_local_squad_files_are_checked_the_same_way(tmp_path):
  from xstilts_jax.tasks.readers import squad  # pylint: disable=g-import-not-at-top
  ctx = 'Der Zug fährt um acht Uhr.'
  data = {'data': [{'title': 't', 'paragraphs': [{'context': ctx, 'qas': [
      {'id': 'q1', 'question': 'Wann?', 'answers': [{'text': 'um acht Uhr', 'answer_start': 2}]},
      {'id': 'q2', 'question': 'Wohin?', 'answers': [{'text': 'Berlin', 'answer_start': 0}]}]}]}]}
  path = tmp_path / 'xquad.de.json'
  path.write_text(json.dumps(data))
  skipped = {}
  (ex,) = squad.read_squad(str(path), skipped=skipped)
  assert ex.answers[0].answer_start == ctx.index('um acht Uhr')
  assert skipped == {'answer_repaired': 1, 'answer_not_found': 1, 'question_without_answer': 1}


# ------------------------------------------------------------------ load_dataset calls


class FakeHub:
  """Stands in for `datasets.load_dataset`: records each call and serves rows from a
  generator that counts how many rows were pulled (a large split, as Wikipedia's)."""

  def __init__(self, rows_for):
    self.calls, self.pulled, self.rows_for = [], {}, rows_for

  def __call__(self, path, name=None, **kwargs):
    self.calls.append(dict(kwargs, path=path, name=name))
    key = name or path
    self.pulled[key] = 0

    def rows():
      for row in self.rows_for(path, name):
        self.pulled[key] += 1
        yield row
    if kwargs.get('streaming'):
      return datasets.IterableDataset.from_generator(rows)
    return datasets.Dataset.from_list(list(rows()))


def _wiki(lang, n=1000):
  return ({'id': str(i), 'url': '', 'title': '', 'text': f'{lang} article {i}'}
          for i in range(n))


def test_mlm_text_is_streamed_and_cut_per_language(monkeypatch):
  fake = FakeHub(lambda path, name: _wiki(name))
  monkeypatch.setattr(datasets, 'load_dataset', fake)
  text = mlm.load_multilingual('train', ['de', 'sw'], max_per_language=3, source='hub')
  assert [e.guid for e in text] == ['de:0', 'de:1', 'de:2', 'sw:0', 'sw:1', 'sw:2']
  for call, lang in zip(fake.calls, ('de', 'sw')):
    assert call == dict(path='wikimedia/wikipedia', name=f'20231101.{lang}', split='train',
                        revision=mlm.WIKIPEDIA_REVISION, streaming=True)
  # Of 1,000 articles only the first three are read (the iterator reads one row ahead).
  assert all(n <= 4 for n in fake.pulled.values()), fake.pulled
  # Without a cap the whole split is read, not streamed.
  assert len(mlm.load_multilingual('train', ['de'], source='hub')) == 1000
  assert fake.calls[-1]['streaming'] is False


def test_revisions_and_raw_release_files_are_passed_to_load_dataset(monkeypatch, tmp_path):
  nli = [{'premise': 'p', 'hypothesis': 'h', 'label': 0, 'idx': 0}]
  cosmos = [{'id': 'c', 'context': 'It rained.', 'question': 'Why?', 'answer0': 'None',
             'answer1': 'b', 'answer2': 'c', 'answer3': 'd', 'label': 0}]
  fake = FakeHub(lambda path, name: iter(cosmos if path == 'csv' else nli))
  monkeypatch.setattr(datasets, 'load_dataset', fake)
  load.load_examples('mnli', 'train', source='hub')
  assert fake.calls[-1] == dict(path='nyu-mll/glue', name='mnli', split='train',
                                revision=intermediate.GLUE_REVISION, streaming=False)
  (ex,) = load.load_examples('cosmosqa', 'dev', source='hub')
  assert ex.choices[0] == 'None'
  url = ('https://raw.githubusercontent.com/wilburOne/cosmosqa/'
         f'{intermediate.COSMOSQA_REVISION}/data/valid.csv')
  assert fake.calls[-1] == dict(path='csv', name=None, split='validation', streaming=False,
                                data_files={'validation': url}, na_filter=False)
  # Every hub copy in the registry is pinned (google/xtreme and XTREME-R's google/xquad,
  # cambridgeltl/xcopa, aps/super_glue to 'main': no sha could be verified offline).
  for task in registry.all_tasks().values():
    for source in task.hub_sources:
      assert source.revision, (task.name, source.path)
      assert re.fullmatch('[0-9a-f]{40}', source.revision) or source.path in (
          'google/xtreme', 'google/xquad', 'cambridgeltl/xcopa', 'aps/super_glue')


def test_a_copys_note_is_shown_once_per_task(tmp_path, capsys, caplog, monkeypatch):
  monkeypatch.setattr(load, '_NOTED', set())
  rows = [{'id': 'q', 'title': '', 'context': 'Um acht.', 'question': 'Wann?',
           'answers': {'text': ['acht'], 'answer_start': [3]}}]
  for lang in ('de', 'ru'):
    hub_layouts.save(tmp_path, 'google/xtreme', f'XQuAD.{lang}', {'validation': rows})
  with caplog.at_level(logging.WARNING, logger='xstilts_jax.tasks'):
    for lang in ('de', 'ru', 'de'):
      load.load_examples('xquad', 'test', lang, source='hub', hub_dir=str(tmp_path))
  note = [s for s in registry.get_task('xquad').hub_sources if s.note][0].note
  printed = capsys.readouterr().out
  assert printed.count(note) == 1 and caplog.text.count(note) == 1
  assert f'xquad: hub copy google/xtreme@main: {note}' in printed
  # Another task reading a copy with a note shows its own, once.
  hub_layouts.save(tmp_path, 'google/xtreme', 'MLQA.de.de', {'test': rows})
  load.load_examples('mlqa', 'test', 'de', source='hub', hub_dir=str(tmp_path))
  assert 'mlqa: hub copy google/xtreme@main' in capsys.readouterr().out


def test_hub_dir_names_the_missing_copy(tmp_path):
  with pytest.raises(FileNotFoundError, match=r'hub/rajpurkar/squad/default: no saved copy'):
    load.load_examples('squad_v1', 'train', source='hub', hub_dir=str(tmp_path / 'hub'))
  row = {'id': 'q', 'title': '', 'context': 'ab', 'question': 'q',
         'answers': {'text': ['b'], 'answer_start': [1]}}
  hub_layouts.save(tmp_path / 'hub', 'rajpurkar/squad', None, {'validation': [row]})
  with pytest.raises(ValueError, match=r"no split 'train'"):
    load.load_examples('squad_v1', 'train', source='hub', hub_dir=str(tmp_path / 'hub'))
  assert dataclasses.is_dataclass(registry.get_task('squad_v1').hub)
