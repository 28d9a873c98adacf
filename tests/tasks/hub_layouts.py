"""Saved hub copies for tests: `save` writes one data set where `load_examples(...,
source='hub', hub_dir=...)` looks for it, and `hub_rows` turns the shipped fixtures' typed
examples back into the hub's column layout (the converters' inverse, real column names).
"""

import collections
import glob
import os

import datasets

from xstilts_jax.tasks import load

datasets.disable_progress_bars()
from xstilts_jax.tasks.hub_intermediate import HUB_NLI_LABELS, HUB_QQP_LABELS
from xstilts_jax.tasks.readers import conllu, panx, xnli
from xstilts_jax.tasks.readers.commonsenseqa import CHOICE_LABELS
from xstilts_jax.tasks.readers.nli import NLI_LABELS

S = datasets.Value('string')
NLI_FEATURES = {'premise': S, 'hypothesis': S,
                'label': datasets.ClassLabel(names=list(HUB_NLI_LABELS))}


def save(hub_dir, path, name, splits, features=None):
  """Saves {hub split: rows} as the copy of hub data set `path` config `name`."""
  features = datasets.Features(features) if isinstance(features, dict) else features
  dd = datasets.DatasetDict({split: datasets.Dataset.from_list(rows, features=features)
                             for split, rows in splits.items()})
  where = load.HubRef(path, name, '', None).copy_dir(str(hub_dir))
  dd.save_to_disk(where)
  return str(hub_dir)


def _qa(ex):
  return {'id': ex.guid, 'title': '', 'context': ex.context, 'question': ex.question,
          'answers': {'text': [a.text for a in ex.answers],
                      'answer_start': [a.answer_start for a in ex.answers]}}


_QA_FEATURES = {'id': S, 'title': S, 'context': S, 'question': S,
                'answers': {'text': datasets.Sequence(S),
                            'answer_start': datasets.Sequence(datasets.Value('int32'))}}


def _nli(guid_column):
  def rows(examples):
    return [dict({guid_column: e.guid} if guid_column else {}, premise=e.text_a,
                 hypothesis=e.text_b, label=HUB_NLI_LABELS.index(NLI_LABELS[e.label]))
            for e in examples]
  features = dict(NLI_FEATURES)
  if guid_column:
    features[guid_column] = S
  return rows, features


def _xnli(examples):
  return [{'premise': e.text_a, 'hypothesis': e.text_b,
           'label': HUB_NLI_LABELS.index(xnli.LABELS[e.label])} for e in examples]


def _tagging(column, names):
  def rows(examples):
    return [{'tokens': list(e.words), column: [names.index(t) for t in e.labels]}
            for e in examples]
  return rows, {'tokens': datasets.Sequence(S),
                column: datasets.Sequence(datasets.ClassLabel(names=list(names)))}


def _pairs(corpora):
  rows = []
  for c in corpora:
    source, target = dict(zip(c.source_ids, c.source)), dict(zip(c.target_ids, c.target))
    rows += [{'source_sentence': source[s], 'target_sentence': target[t],
              'source_lang': c.lang, 'target_lang': 'en'} for s, t in c.gold]
  return rows


# hub path -> (examples -> hub rows, features or None).
LAYOUTS = {
    'facebook/anli': _nli('uid'),
    'stanfordnlp/snli': _nli(''),
    'rajpurkar/squad': (lambda exs: [_qa(e) for e in exs], _QA_FEATURES),
    'rajpurkar/squad_v2': (lambda exs: [_qa(e) for e in exs], _QA_FEATURES),
    'Rowan/hellaswag': (lambda exs: [
        {'ind': i, 'activity_label': '', 'ctx_a': e.prompt, 'ctx_b': '', 'ctx': e.prompt,
         'endings': list(e.choices), 'source_id': e.guid, 'split': '', 'split_type': '',
         'label': str(e.label)} for i, e in enumerate(exs)], None),
    'tau/commonsense_qa': (lambda exs: [
        {'id': e.guid, 'question': e.prompt, 'question_concept': '',
         'choices': {'label': list(CHOICE_LABELS), 'text': list(e.choices)},
         'answerKey': CHOICE_LABELS[e.label]} for e in exs], None),
    'facebook/xnli': (_xnli, {'premise': S, 'hypothesis': S, 'label': datasets.ClassLabel(
        names=['entailment', 'neutral', 'contradiction'])}),
    'google-research-datasets/paws-x': (lambda exs: [
        {'id': i, 'sentence1': e.text_a, 'sentence2': e.text_b, 'label': e.label}
        for i, e in enumerate(exs)], {'id': datasets.Value('int32'), 'sentence1': S,
                                      'sentence2': S,
                                      'label': datasets.ClassLabel(names=['0', '1'])}),
}
_GLUE = {
    'mnli': (lambda exs: [dict(r, idx=i) for i, r in enumerate(_nli('idx')[0](exs))],
             dict(NLI_FEATURES, idx=datasets.Value('int32'))),
    'qqp': (lambda exs: [{'question1': e.text_a, 'question2': e.text_b, 'label': e.label,
                          'idx': i} for i, e in enumerate(exs)],
            {'question1': S, 'question2': S, 'idx': datasets.Value('int32'),
             'label': datasets.ClassLabel(names=list(HUB_QQP_LABELS))}),
}
_XTREME = {'udpos': _tagging('pos_tags', conllu.UPOS), 'PAN-X': _tagging('ner_tags', panx.LABELS),
           'XQuAD': LAYOUTS['rajpurkar/squad'], 'MLQA': LAYOUTS['rajpurkar/squad'],
           'tydiqa': LAYOUTS['rajpurkar/squad'], 'bucc18': (_pairs, None),
           'tatoeba': (_pairs, None)}


def layout(ref):
  """(examples -> hub rows, features) of the data set a HubRef names."""
  if ref.path == 'nyu-mll/glue':
    return _GLUE[ref.name]
  if ref.path == 'google/xtreme':
    return _XTREME[ref.name.split('.')[0]]
  return LAYOUTS[ref.path]


class Builder:
  """Collects the hub rows of many (task, split, language)s, then saves each data set once.

  Rows of one hub split are keyed by the language they came from, so a config shared by
  several languages (google/xtreme tydiqa) holds each language once, and two of our splits
  read from the same hub split (TyDiQA dev and test) do not repeat rows.
  """

  def __init__(self):
    self.rows = collections.defaultdict(dict)  # (path, name, hub split) -> {key: rows}
    self.features = {}
    self.raw = collections.defaultdict(dict)   # (path, name) -> {hub split: local file}
    self.sources = {}

  def add(self, task, split, lang, data_dir=None):
    """Adds the hub rows behind load_examples(task, split, lang, source='hub'), built from
    the local examples of the same data (the fixtures)."""
    for ref in load.hub_refs(task, split, lang):
      key = (ref.path, ref.name, ref.hub_split)
      member = ref.part or task
      if lang in self.rows.get(key, {}):
        continue  # the same hub rows (SQuAD v1.1 train behind squad_v1, xquad and mlqa)
      if ref.builder:  # raw release files: the local file is the same file, read the same way
        task_entry = load.registry.get_task(member)
        pattern = os.path.join(data_dir or load.FIXTURES_DIR, task_entry.local.paths[split])
        self.raw[(ref.path, ref.name)][ref.hub_split] = sorted(glob.glob(pattern))[0]
        self.sources[(ref.path, ref.name)] = next(
            s for s in task_entry.hub_sources if s.path == ref.path)
        continue
      to_rows, features = layout(ref)
      examples = load.load_examples(member, split, lang, data_dir=data_dir)
      self.rows[key][lang] = to_rows(examples)
      self.features[(ref.path, ref.name)] = features

  def save(self, hub_dir):
    by_dataset = collections.defaultdict(dict)
    for (path, name, hub_split), parts in self.rows.items():
      by_dataset[(path, name)][hub_split] = [r for rows in parts.values() for r in rows]
    for (path, name), splits in by_dataset.items():
      save(hub_dir, path, name, splits, self.features[(path, name)])
    for (path, name), files in self.raw.items():
      source = self.sources[(path, name)]
      dd = datasets.load_dataset(source.builder, data_files=files, **source.load_kwargs)
      dd.save_to_disk(load.HubRef(path, name, '', None).copy_dir(str(hub_dir)))
    return sorted(set(by_dataset) | set(self.raw))
