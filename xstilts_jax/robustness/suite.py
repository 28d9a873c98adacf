"""The robustness suite over a finished workdir: one JSON file per cell, written once.

Cells (under `<workdir>/robustness/cells/<task>/`):
  clean.json                                   per language: per-example scores, predictions
  <kind>/level=<l>/seed=<s>.json               random perturbation at noise level l
  adversarial-<kind>/beam=<k>,edits=<e>,queries=<q>/seed=<s>.json   the attack and, at the
                                               same edit budget, the random baseline

A cell holds every language of its task. It is written atomically (temp file + rename) and
never recomputed, so a killed run resumes where it stopped and a finished one does no work.
Per language a cell records the per-example score counts (`stats.example_stats`, what the
report bootstraps), the score, label-free consistency against the clean predictions, and the
realised noise rates. Retrieval (Tatoeba) perturbs the non-English sentences and scores the
phase-2 encoder as the experiment does; BUCC is not perturbed (see docs/design.md). Ranking
(Mewsli-X, LAReQA) perturbs the queries only, ranks every (untouched, encoded once)
candidate with the trained dual encoder as `eval/ranking.py` does and scores map@20 (per
query: its average precision); consistency is the change of the best gold's rank in the top
20. Neither retrieval nor ranking has an adversarial mode (no gold log-probability).
"""

import dataclasses
import json
import os
import time
import types

import jax
import numpy as np
import tqdm

from xstilts_jax import storage
from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.eval import ranking as ranking_lib
from xstilts_jax.eval import retrieval as retrieval_lib
from xstilts_jax.robustness import adversarial
from xstilts_jax.robustness import consistency as consistency_lib
from xstilts_jax.robustness import stats as stats_lib

CELLS = 'cells'


def perturbation_functions():
  """The perturbation module's functions (exported by xstilts_jax.robustness), as `Suite`
  takes them."""
  from xstilts_jax import robustness  # pylint: disable=g-import-not-at-top
  names = ('perturb_example', 'perturb_text', 'realised_rates', 'split_words',
           'word_candidates', 'kinds_for_format', 'check_example', 'KINDS')
  missing = [n for n in names if not hasattr(robustness, n)]
  if missing:
    raise ImportError(f'xstilts_jax.robustness lacks {", ".join(missing)} (the perturbation '
                      'functions)')
  return types.SimpleNamespace(**{n: getattr(robustness, n) for n in names})


def write_json(path, obj):
  """Atomic: a reader (or a resumed run) sees the whole file or none. One process writes (every
  process computes the same cell)."""
  if jax.process_index() != 0:
    return
  storage.write_text(path, json.dumps(obj, ensure_ascii=False))


def read_json(path):
  return json.loads(storage.read_text(path))


def level_name(level):
  return f'level={float(level):g}'


def attack_name(beam, edits, queries):
  return f'beam={beam},edits={edits},queries={queries}'


def _jsonable(predictions):
  return predictions if isinstance(predictions, (list, dict)) else list(predictions)


def _texts(example, format):
  return [t for _, t in adversarial.editable_texts(example, format)]


class Suite:
  """Cells of one workdir. `perturb` is the perturbation module's functions (a namespace with
  perturb_example, perturb_text, realised_rates, split_words, word_candidates, kinds_for_format,
  check_example); passed in so tests can supply their own."""

  def __init__(self, wd, perturb, *, kinds, levels, seeds, adversarial_options=None,
               tasks=None, languages=None, log=print, progress=True):
    self.wd, self.perturb = wd, perturb
    self.kinds, self.levels, self.seeds = list(kinds), [float(l) for l in levels], list(seeds)
    self.attack = adversarial_options  # dict(beam, edits, queries, candidates) or None
    self.only_tasks, self.only_langs = tasks, languages
    self.root = os.path.join(wd.path, 'robustness')
    self.log, self.progress = log, progress
    self.computed = 0  # cells computed by this run (0 when everything was there)

  # Where cells live.

  def path(self, task, kind=None, level=None, seed=None):
    base = os.path.join(self.root, CELLS, task)
    if kind is None:
      return os.path.join(base, 'clean.json')
    return os.path.join(base, kind, level, f'seed={seed}.json')

  def tasks(self):
    trained, retrieved = self.wd.targets(self.only_tasks)
    if any(t.name == 'bucc2018' for t in retrieved):
      self.log('robustness: bucc2018 is not perturbed (mining F1 has no per-example scores)')
    return trained + [t for t in retrieved if t.name == 'tatoeba']

  def kinds_for(self, task):
    fmt = 'classification' if task.format == 'retrieval' else task.format
    allowed = set(self.perturb.kinds_for_format(fmt))
    return [k for k in self.kinds if all(part in allowed for part in k.split('+'))]

  def attack_kinds(self, task):
    """Kinds with single-word candidates (not word_swap, not combinations)."""
    return [k for k in self.kinds_for(task) if '+' not in k and k != 'word_swap']

  def plan(self, task):
    """[(kind dir, level dir, seed, what)] of every cell of `task`, clean first."""
    cells = [(None, None, None, 'clean')]
    for kind in self.kinds_for(task):
      cells += [(kind, level_name(l), s, ('perturb', kind, l)) for l in self.levels if l > 0
                for s in self.seeds]
      if (self.attack and task.format not in ('retrieval', 'ranking')
          and kind in self.attack_kinds(task)):
        a = self.attack
        cells += [(f'adversarial-{kind}', attack_name(a['beam'], a['edits'], a['queries']), s,
                   ('attack', kind)) for s in self.seeds]
    return cells

  # Running.

  def run(self):
    tasks = self.tasks()
    todo = [(t, c) for t in tasks for c in self.plan(t)]
    missing = [(t, c) for t, c in todo if not storage.exists(self.path(t.name, *c[:3]))]
    self.log(f'robustness: {len(todo)} cells, {len(todo) - len(missing)} done earlier, '
             f'{len(missing)} to compute')
    bar = tqdm.tqdm(total=len(missing), desc='robustness', unit='cell',
                    disable=not self.progress or not missing)
    by_task = {}
    for task, cell in missing:
      by_task.setdefault(task.name, (task, []))[1].append(cell)
    for task, cells in by_task.values():
      runner = _TaskRunner(self, task)
      for kind, level, seed, what in cells:
        bar.set_postfix_str(f'{task.name} {kind or "clean"} {level or ""} {seed if seed is not None else ""}')
        t0 = time.time()
        if what == 'clean':
          out = runner.clean()
        elif what[0] == 'perturb':
          out = runner.perturbed(what[1], what[2], seed)
        else:
          out = runner.attacked(what[1], seed)
        out['seconds'] = time.time() - t0
        write_json(self.path(task.name, kind, level, seed), out)
        self.computed += 1
        bar.update(1)
      runner.close()
    bar.close()
    return self.computed


class _TaskRunner:
  """One task's model (loaded on first use), its clean results, and its cells."""

  def __init__(self, suite, task):
    self.suite, self.task, self.wd = suite, task, suite.wd
    self._model = self._scorer = self._clean = self._encoder = None
    self._examples, self._candidates = {}, {}

  def _head(self):
    m = stats_lib.metric_of(self.task)
    return dict(task=self.task.name, format=m.format, metric=m.metric)

  def close(self):
    self._model = self._scorer = self._encoder = None
    self._candidates = {}

  def languages(self):
    langs = self.wd.languages(self.task)
    if self.suite.only_langs:
      langs = [l for l in langs if l in self.suite.only_langs]
    out = []
    for lang in langs:
      if self.examples(lang) is not None:
        out.append(lang)
    return out

  def supported(self, lang, kind):
    """None, or why `kind` cannot perturb `lang` (no keyboard layout, no dictionary)."""
    try:
      self.suite.perturb.perturb_text('x', lang, kind, 0.0, 0)
      return None
    except ValueError as e:
      return str(e).split('\n')[0][:200]

  def kind_languages(self, kind, out):
    """The languages `kind` can perturb; the others are listed in the cell with the reason."""
    langs = []
    for lang in self.languages():
      reason = self.supported(lang, kind)
      if reason:
        out.setdefault('skipped', {})[lang] = reason
      else:
        langs.append(lang)
    return langs

  def examples(self, lang):
    if lang not in self._examples:
      self._examples[lang] = self.wd.test_examples(self.task, lang)
    return self._examples[lang]

  @property
  def model(self):
    if self._model is None:
      self._model = self.wd.target_model(self.task)
    return self._model

  @property
  def scorer(self):
    if self._scorer is None:
      self._scorer = self.wd.scorer(self.model, (self.suite.attack or {}).get('batch_size', 0))
    return self._scorer

  def clean_cell(self):
    if self._clean is None:
      path = self.suite.path(self.task.name)
      self._clean = read_json(path) if storage.exists(path) else self.clean()
    return self._clean

  # Classification, multiple choice, tagging, QA.

  def _evaluate(self, lang, examples):
    preds = self.wd.predictions(self.model, examples)
    st = stats_lib.example_stats(self.task, examples, preds, lang)
    return preds, st

  def clean(self):
    if self.task.format == 'retrieval':
      return self._retrieval_clean()
    if self.task.format == 'ranking':
      return self._ranking_clean()
    out = dict(self._head(), langs={})
    for lang in self.languages():
      examples = self.examples(lang)
      preds, st = self._evaluate(lang, examples)
      out['langs'][lang] = dict(n=len(examples), stats=st.tolist(),
                                score=stats_lib.corpus_score(self.task, st),
                                predictions=_jsonable(preds))
    self._clean = out
    return out

  def _rates(self, lang, originals, perturbed):
    rows = []
    for a, b in zip(originals, perturbed):
      ta, tb = _texts(a, self._fmt()), _texts(b, self._fmt())
      if self._fmt() == 'tagging':
        ta, tb = [' '.join(ta)], [' '.join(tb)]
      rows.append(self.suite.perturb.realised_rates('\n'.join(ta), '\n'.join(tb), lang,
                                                    self.wd.tokenizer))
    return _mean_rates(rows)

  def _fmt(self):
    return 'classification' if self.task.format == 'retrieval' else self.task.format

  def perturbed(self, kind, level, seed):
    if self.task.format == 'retrieval':
      return self._retrieval_perturbed(kind, level, seed)
    if self.task.format == 'ranking':
      return self._ranking_perturbed(kind, level, seed)
    clean = self.clean_cell()
    out = dict(self._head(), kind=kind, level=level, seed=seed, langs={})
    for lang in self.kind_languages(kind, out):
      examples = self.examples(lang)
      perturbed, violations = [], 0
      for ex in examples:
        new, bad = self.suite.perturb.perturb_example(
            ex, self.task.format, lang, kind, level, seed, task=self.task.name,
            example_id=ex.guid)
        perturbed.append(new)
        violations += len(bad)
      preds, st = self._evaluate(lang, perturbed)
      out['langs'][lang] = dict(
          n=len(examples), stats=st.tolist(), score=stats_lib.corpus_score(self.task, st),
          consistency=consistency_lib.consistency(
              self.task, clean['langs'][lang]['predictions'], preds, lang),
          rates=self._rates(lang, examples, perturbed), violations=violations)
    return out

  def attacked(self, kind, seed):
    a = self.suite.attack
    clean = self.clean_cell()
    p = self.suite.perturb
    out = dict(self._head(), kind=kind, seed=seed, options=dict(a), langs={})
    for lang in self.kind_languages(kind, out):
      examples = self.examples(lang)
      results = adversarial.attack(
          examples, self.task.format, lang, self.scorer, split_words=p.split_words,
          word_candidates=p.word_candidates, kind=kind, max_edits=a['edits'],
          max_queries=a['queries'], beam=a['beam'], n_candidates=a['candidates'], seed=seed)
      attacked = [r.example for r in results]
      preds, st = self._evaluate(lang, attacked)
      random = adversarial.random_attack(
          examples, self.task.format, lang, split_words=p.split_words,
          word_candidates=p.word_candidates, kind=kind, edits=a['edits'],
          n_candidates=a['candidates'], seed=seed)
      _, rst = self._evaluate(lang, [e for e, _ in random])
      summary = adversarial.summarize(results)
      out['langs'][lang] = dict(
          n=len(examples), stats=st.tolist(), score=stats_lib.corpus_score(self.task, st),
          random_stats=rst.tolist(), random_score=stats_lib.corpus_score(self.task, rst),
          random_words_per_example=float(np.mean([k for _, k in random])) if random else 0.0,
          consistency=consistency_lib.consistency(
              self.task, clean['langs'][lang]['predictions'], preds, lang),
          rates=self._rates(lang, examples, attacked), **summary)
    return out

  # Tatoeba: the non-English sentences are perturbed; English queries look them up.

  def _encoder_vectors(self, sentences):
    if self._encoder is None:
      self._encoder = self.wd.retrieval_encoder()
    encode_fn, params = self._encoder
    r = self.wd.config.retrieval
    features = featurize_lib.featurize(self.task, list(sentences), self.wd.tokenizer,
                                       r.max_seq_length)
    return retrieval_lib.embed(encode_fn, params, features.arrays['input_ids'],
                               features.arrays['attention_mask'], batch_size=r.batch_size)

  def _tatoeba(self, corpus, source):
    english = self._encoder_vectors(corpus.target)
    src = self._encoder_vectors(source)
    source_index = {sid: i for i, sid in enumerate(corpus.source_ids)}
    target_index = {tid: j for j, tid in enumerate(corpus.target_ids)}
    gold = np.full(len(corpus.target), -1, np.int64)
    for sid, tid in corpus.gold:
      gold[target_index[tid]] = source_index[sid]
    if (gold < 0).any():
      raise ValueError(f'tatoeba {corpus.lang}: {int((gold < 0).sum())} English sentences '
                       'without an aligned sentence; expected a 1:1 alignment')
    ranks = consistency_lib.gold_ranks(english, src, gold)
    return ranks

  def _retrieval_clean(self):
    out = dict(self._head(), langs={})
    for lang in self.languages():
      corpus, = self.examples(lang)
      ranks = self._tatoeba(corpus, corpus.source)
      st = (ranks == 1).astype(np.float64)[:, None]
      out['langs'][lang] = dict(n=len(ranks), stats=st.tolist(), ranks=ranks.tolist(),
                                score=stats_lib.corpus_score(_ACCURACY, st))
    self._clean = out
    return out

  def _retrieval_perturbed(self, kind, level, seed):
    clean = self.clean_cell()
    out = dict(self._head(), kind=kind, level=level, seed=seed, langs={})
    p = self.suite.perturb
    for lang in self.kind_languages(kind, out):
      corpus, = self.examples(lang)
      source = [p.perturb_text(s, lang, kind, level, seed, key=(self.task.name, sid))
                for sid, s in zip(corpus.source_ids, corpus.source)]
      ranks = self._tatoeba(corpus, source)
      st = (ranks == 1).astype(np.float64)[:, None]
      rates = [p.realised_rates(a, b, lang, self.wd.tokenizer)
               for a, b in zip(corpus.source, source)]
      out['langs'][lang] = dict(
          n=len(ranks), stats=st.tolist(), score=stats_lib.corpus_score(_ACCURACY, st),
          consistency=consistency_lib.rank_change(clean['langs'][lang]['ranks'], ranks),
          rates=_mean_rates(rates),
          violations=len(p.check_example(corpus, dataclasses.replace(corpus, source=source),
                                         'retrieval')))
    return out

  # Ranking (Mewsli-X, LAReQA): the queries are perturbed; the candidates are encoded once.

  def _rank(self, lang, corpus):
    """(per-query AP@k [Nq, 1], best gold rank in the top k [Nq]) of `corpus`'s queries."""
    k, m = ranking_lib.TOP_K, self.model
    options = self.wd.ranking_options(self.task)
    features = ranking_data.featurize_corpus(corpus, self.wd.tokenizer, m.max_seq_length,
                                             **options)
    batch, sharding = self.wd.config.eval.batch_size, self.wd.batch_sharding
    if lang not in self._candidates:
      self._candidates[lang] = ranking_lib.embed(m.predict_fn, m.params, features.candidates,
                                                 batch, sharding)
    queries = ranking_lib.embed(m.predict_fn, m.params, features.queries, batch, sharding)
    preds = ranking_lib.to_predictions(
        corpus, ranking_lib.search(queries, self._candidates[lang], k))
    gold = ranking_lib.gold(corpus)
    if gold is None:
      raise ValueError(f'{self.task.name} {lang}: the test corpus has no gold; nothing to score')
    return (stats_lib.query_average_precision(gold, preds, k),
            consistency_lib.gold_rank_in_top(gold, preds, k))

  def _ranking_clean(self):
    out = dict(self._head(), langs={})
    for lang in self.languages():
      corpus, = self.examples(lang)
      st, ranks = self._rank(lang, corpus)
      out['langs'][lang] = dict(n=len(st), stats=st.tolist(), ranks=ranks.tolist(),
                                score=stats_lib.corpus_score(self.task, st))
    self._clean = out
    return out

  def _ranking_perturbed(self, kind, level, seed):
    clean = self.clean_cell()
    out = dict(self._head(), kind=kind, level=level, seed=seed, langs={})
    p = self.suite.perturb
    for lang in self.kind_languages(kind, out):
      corpus, = self.examples(lang)
      new, bad = p.perturb_example(corpus, 'ranking', lang, kind, level, seed,
                                   task=self.task.name, example_id=lang)
      st, ranks = self._rank(lang, new)
      rates = [p.realised_rates(a, b, lang, self.wd.tokenizer)
               for a, b in zip(corpus.queries, new.queries)]
      out['langs'][lang] = dict(
          n=len(st), stats=st.tolist(), ranks=ranks.tolist(),
          score=stats_lib.corpus_score(self.task, st),
          consistency=consistency_lib.rank_change(clean['langs'][lang]['ranks'], ranks),
          rates=_mean_rates(rates), violations=len(bad))
    return out


def _mean_rates(rows):
  """Mean of each realised rate over examples (a rate that is None, e.g. tokens without a
  tokenizer, stays None)."""
  keys = rows[0].keys() if rows else ()
  return {k: (None if any(r[k] is None for r in rows) else float(np.mean([r[k] for r in rows])))
          for k in keys}


_ACCURACY = stats_lib.Metric('classification', 'accuracy')  # Tatoeba: top-1 accuracy
