"""Zero-shot evaluation: one model, every language of a task, XTREME's submission layout.

`run_task` (classification, tagging, QA): test examples of each language through the model,
predictions written as `<pred_dir>/<task>/test-<lang>.{tsv,json,jsonl}` (XTREME-R's layout
with `benchmark='xtreme-r'`: XCOPA jsonl, rankings json), gold labels the same way
under `<label_dir>` (when the data has them), metrics per language as the official scorer
computes them. `run_ranking` (Mewsli-X, LAReQA: the dual encoder; `run_task` hands ranking
tasks to it): each language's candidates encoded once, its queries searched
(`eval/ranking.py`), `{query id: [candidate ids]}` files. `run_retrieval` (BUCC, Tatoeba):
mean-pooled vectors of one hidden layer of the encoder, no training. The model enters as
functions, so eval/ never imports train/.
"""

import time

import jax
import numpy as np

from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data import progress
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.eval import mining
from xstilts_jax.eval import predict
from xstilts_jax.eval import ranking
from xstilts_jax.eval import retrieval
from xstilts_jax.eval import score
from xstilts_jax.eval import submission
from xstilts_jax.eval import xtreme_tasks
from xstilts_jax.tasks import benchmarks
from xstilts_jax.tasks import load


def eval_languages(task, languages, benchmark=benchmarks.DEFAULT):
  """The languages of `task` a run evaluates: those of `languages` the task has (the
  benchmark's list for the task, `tasks/benchmarks.py`, when `languages` is empty or names
  none of them)."""
  wanted = [l for l in languages or () if l in task.languages]
  return wanted or list(benchmarks.languages(task, benchmark))


def _write(root, task, lang, values, *, labels=False, benchmark='xtreme'):
  """One process writes (every process holds the same predictions); returns the path.
  `benchmark` ('xtreme' or 'xtreme-r', the run's `config.benchmark`) picks the layout."""
  if jax.process_index() == 0:
    write = submission.write_labels if labels else submission.write_predictions
    write(root, task.name, lang, values, benchmark)
  return submission.submission_path(root, task.name, lang, benchmark)


def _resume(done, lang, results):
  """True when `lang` was finished by an earlier run (its entry is in `done`)."""
  if lang not in (done or {}):
    return False
  if done[lang].get('metrics') is not None:
    results[lang] = done[lang]['metrics']
  return True


def _finish(on_language, lang, metrics, files):
  """Reports a finished language: {'metrics': ... or None, 'files': [paths written]}."""
  if on_language is not None:
    on_language(lang, {'metrics': metrics, 'files': list(files)})


def _label_names(task, values):
  """Submission form of predictions or gold: label names instead of indices."""
  if task.format == 'classification':
    return [task.labels[v] for v in values]
  return values


def run_task(task, predict_fn, params, tokenizer, *, pred_dir, label_dir, max_seq_length,
             batch_size, load_kwargs=None, languages=(), max_examples=0, sharding=None,
             qa_options=None, skip_missing=False, log=print, done=None, on_language=None,
             benchmark='xtreme', ranking_options=None):
  """{lang: metrics} of a trained model on the test split of every language of `task`.

  skip_missing: a language without test data is logged and skipped (the shipped fixtures
  hold a few languages per task); otherwise it is an error.
  Resuming per language: `on_language(lang, entry)` is called as each language finishes
  (entry: {'metrics': ... or None, 'files': [the files written]}); languages in `done`
  ({lang: entry} of an earlier run) are not evaluated again.
  A ranking task goes to `run_ranking` with `ranking_options` (its featurizer's options).
  """
  if task.format == 'ranking':
    return run_ranking(task, predict_fn, params, tokenizer, pred_dir=pred_dir,
                       label_dir=label_dir, max_seq_length=max_seq_length,
                       batch_size=batch_size, load_kwargs=load_kwargs, languages=languages,
                       max_examples=max_examples, sharding=sharding,
                       options=ranking_options, skip_missing=skip_missing, log=log,
                       done=done, on_language=on_language, benchmark=benchmark)
  qa_options = dict(qa_options or {})
  post = {k: qa_options.pop(k) for k in ('n_best', 'max_answer_length') if k in qa_options}
  options = qa_options if task.format == 'span_qa' else {}
  results = {}
  for lang in progress.iterate(eval_languages(task, languages, benchmark), f'{task.name} zero-shot',
                               'lang'):
    if _resume(done, lang, results):
      continue
    start = time.time()
    examples = _load(task, 'test', lang, load_kwargs, skip_missing, log)
    if examples is None:
      _finish(on_language, lang, None, [])
      continue
    if max_examples:
      examples = examples[:max_examples]
    features = featurize_lib.featurize(task, examples, tokenizer, max_seq_length, **options)
    outputs = predict.run(predict_fn, params, features, batch_size, sharding,
                          per_token=predict.PER_TOKEN.get(task.format, ()))
    preds = predict.to_predictions(task, examples, features, outputs, tokenizer=tokenizer,
                                   **post)
    preds = _label_names(task, preds)
    files = [_write(pred_dir, task, lang, preds, benchmark=benchmark)]
    gold = predict.gold(task, examples)
    if gold is None:
      log(f'  {task.name} {lang}: {len(examples)} predictions written (no gold labels)')
      _finish(on_language, lang, None, files)
      continue
    gold = _label_names(task, gold)
    files.append(_write(label_dir, task, lang, gold, labels=True, benchmark=benchmark))
    results[lang] = score.score_language(task.name, lang, gold, preds, benchmark)
    log(f'  {task.name} {lang}: {_fmt(results[lang])} ({len(examples)} examples, '
        f'{time.time() - start:.1f}s)')
    _finish(on_language, lang, results[lang], files)
  return results


def run_ranking(task, predict_fn, params, tokenizer, *, pred_dir, label_dir, max_seq_length,
                batch_size, load_kwargs=None, languages=(), max_examples=0, sharding=None,
                options=None, k=ranking.TOP_K, skip_missing=False, log=print, done=None,
                on_language=None, benchmark='xtreme'):
  """{lang: {'map@20'}} of the dual encoder on the test corpus of every language.

  `predict_fn(params, batch) -> {'embedding'}` encodes queries and candidates alike;
  options: the featurizer's `max_query_length`, `max_candidate_length`, `candidate_context`.
  max_examples > 0 keeps the first N queries of a language (all candidates). Files:
  `<pred_dir>/<task>/test-<lang>.json` {query id: [top-k candidate ids]} and the gold
  `{query id: [gold ids]}` under `<label_dir>` when the corpus has it. Resuming as `run_task`.
  """
  options = dict(options or {})
  results = {}
  for lang in progress.iterate(eval_languages(task, languages, benchmark),
                               f'{task.name} ranking', 'lang'):
    if _resume(done, lang, results):
      continue
    start = time.time()
    corpora = _load(task, 'test', lang, load_kwargs, skip_missing, log)
    if corpora is None:
      _finish(on_language, lang, None, [])
      continue
    if len(corpora) != 1:
      raise ValueError(f'{task.name} {lang}: expected one ranking corpus, got {len(corpora)}')
    corpus_f = ranking_data.featurize_corpus(corpora[0], tokenizer, max_seq_length,
                                             max_queries=max_examples, **options)
    preds, metrics = ranking.rank_corpus(predict_fn, params, corpus_f, batch_size, sharding,
                                         k=k)
    files = [_ranking_write(pred_dir, task, lang, preds, benchmark)]
    size = f'{len(corpus_f.queries)} queries, {len(corpus_f.candidates)} candidates'
    if metrics is None:
      log(f'  {task.name} {lang}: predictions written, no gold ({size})')
      _finish(on_language, lang, None, files)
      continue
    files.append(_ranking_write(label_dir, task, lang, ranking.gold(corpus_f.corpus), benchmark,
                                labels=True))
    results[lang] = metrics = {f'map@{k}': metrics[f'map@{k}']}  # the official scorer's name
    log(f'  {task.name} {lang}: {_fmt(metrics)} ({size}, {time.time() - start:.1f}s)')
    _finish(on_language, lang, metrics, files)
  return results


def _ranking_write(root, task, lang, ranked, benchmark, labels=False):
  """A benchmark's ranking task (Mewsli-X, LAReQA) through the submission writer, which
  checks the ids; any other (a task registered by a user or a test) as plain json."""
  if task.name in xtreme_tasks.tasks_of(benchmark):
    return _write(root, task, lang, ranked, labels=labels, benchmark=benchmark)
  if jax.process_index() == 0:  # every process holds the same predictions
    ranking.write(root, task.name, lang, ranked)
  return ranking.submission_path(root, task.name, lang)


def _load(task, split, lang, load_kwargs, skip_missing, log):
  try:
    return load.load_examples(task, split, lang, **(load_kwargs or {}))
  except (FileNotFoundError, ValueError) as e:
    if not skip_missing:
      raise
    log(f'  {task.name} {lang}: no {split} data, skipped ({str(e)[:120]})')
    return None


def _fmt(metrics):
  return ', '.join(f'{k} {v:.2f}' for k, v in metrics.items() if isinstance(v, float))


def _vectors(encode_fn, params, tokenizer, task, sentences, max_seq_length, batch_size):
  features = featurize_lib.featurize(task, sentences, tokenizer, max_seq_length)
  return retrieval.embed(encode_fn, params, features.arrays['input_ids'],
                         features.arrays['attention_mask'], batch_size=batch_size)


def run_retrieval(task, encode_fn, params, tokenizer, *, pred_dir, label_dir, max_seq_length,
                  batch_size, load_kwargs=None, languages=(), bucc_k=4, skip_missing=False,
                  log=print, done=None, on_language=None, benchmark='xtreme'):
  """{lang: metrics} of BUCC or Tatoeba from sentence vectors `encode_fn(params, ids, mask)`.

  `done` and `on_language`: resuming per language, as `run_task`."""
  embed = lambda s: _vectors(encode_fn, params, tokenizer, task, s, max_seq_length, batch_size)
  results = {}
  for lang in progress.iterate(eval_languages(task, languages, benchmark), f'{task.name} retrieval',
                               'lang'):
    if _resume(done, lang, results):
      continue
    start = time.time()
    if task.name == 'bucc2018':
      sides = {}
      for split in ('dev', 'test'):
        corpora = _load(task, split, lang, load_kwargs, skip_missing, log)
        if corpora is None:
          break
        corpus, = corpora
        sides[split] = (corpus, embed(corpus.source), embed(corpus.target))
      if len(sides) < 2:
        _finish(on_language, lang, None, [])
        continue
      result = mining.evaluate_bucc(sides['dev'], sides['test'], k=bucc_k)
      gold = [tuple(p) for p in sides['test'][0].gold]
      files = [_write(pred_dir, task, lang, result['pairs'], benchmark=benchmark),
               _write(label_dir, task, lang, gold, labels=True, benchmark=benchmark)]
      metrics = score.score_language(task.name, lang, gold, result['pairs'], benchmark)
      metrics.update(threshold=float(result['threshold']), dev_f1=float(result['dev_f1']))
    elif task.name == 'tatoeba':
      corpora = _load(task, 'test', lang, load_kwargs, skip_missing, log)
      if corpora is None:
        _finish(on_language, lang, None, [])
        continue
      corpus, = corpora
      # For each English sentence j, the nearest non-English sentence (XTREME's direction).
      found = retrieval.tatoeba_predict(embed(corpus.source), embed(corpus.target))
      source_index = {sid: i for i, sid in enumerate(corpus.source_ids)}
      target_index = {tid: j for j, tid in enumerate(corpus.target_ids)}
      gold = np.full(len(corpus.target), -1, np.int64)
      for sid, tid in corpus.gold:
        gold[target_index[tid]] = source_index[sid]
      if (gold < 0).any():  # Tatoeba is fully aligned; a gap means a broken corpus
        raise ValueError(f'tatoeba {lang}: {int((gold < 0).sum())} of {len(gold)} English '
                         'sentences have no aligned source sentence; expected a 1:1 alignment')
      preds = [int(p) for p in np.asarray(found)]
      gold = [int(g) for g in gold]
      files = [_write(pred_dir, task, lang, preds, benchmark=benchmark),
               _write(label_dir, task, lang, gold, labels=True, benchmark=benchmark)]
      metrics = score.score_language(task.name, lang, [str(g) for g in gold],
                                     [str(p) for p in preds], benchmark)
    else:
      raise ValueError(f'{task.name}: not a retrieval task this runner knows (bucc2018, tatoeba)')
    results[lang] = metrics
    log(f'  {task.name} {lang}: {_fmt(metrics)} ({time.time() - start:.1f}s)')
    _finish(on_language, lang, metrics, files)
  return results
