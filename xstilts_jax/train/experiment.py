"""One experiment: pretrained encoder → intermediate phase → target phases → zero-shot → table.

Workdir layout (every phase folder holds checkpoints/, best/, metrics.jsonl, tensorboard/ and
results.json; see train/loop.py):

  intermediate/              phase 2 (absent when config.intermediate.tasks is '')
  target_<task>/             phase 3 per trained XTREME task, + zero_shot.json (per language)
                             and zero_shot.progress.json (languages finished so far)
  retrieval/results.json     BUCC and Tatoeba from the phase-2 encoder (no training), and
                             progress.json (languages finished so far)
  predictions/<task>/test-<lang>.{tsv,json}   XTREME's submission layout (XTREME-R's when
                                              config.benchmark is 'xtreme-r': + jsonl/json)
  labels/<task>/test-<lang>.{tsv,json}        gold files in the same layout (when known)
  report/                    scores.md, scores.csv, summary.csv, scores.json, plots/
  results.json               the scores (as eval.score prints them) and the phases' results

Running again skips what is finished and resumes what is not: a phase from its last
checkpoint, zero-shot evaluation and retrieval from the last finished language. A results
file that is damaged is set aside and rebuilt, a prediction file that is missing is
regenerated (json_files, checkpoints). SIGTERM stops the run at the next stage boundary with
`Preempted` (train/preemption.py). Before anything is loaded, `preflight.check` finds
everything the unfinished phases need (data of every task × split × language, label lists,
checkpoint, tokenizer) or stops listing all that is missing; config.dry_run prints the plan
(`preflight.dry_run`) and trains nothing.
"""

import os
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax import run_config
from xstilts_jax import storage
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import retrieval
from xstilts_jax.eval import score
from xstilts_jax.eval import zero_shot
from xstilts_jax.models import XLMREncoder, load_pretrained, preset
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.parallel import rules as rules_lib
from xstilts_jax.report import benchmark as benchmark_lib
from xstilts_jax.report import tables
from xstilts_jax.report import write as report_write
from xstilts_jax.train import json_files
from xstilts_jax.train import loop
from xstilts_jax.train import plan
from xstilts_jax.train import preemption
from xstilts_jax.train import preflight

ZERO_SHOT = plan.ZERO_SHOT
ZERO_SHOT_PROGRESS = 'zero_shot.progress.json'
RETRIEVAL_PROGRESS = 'progress.json'


def _log(*args):
  if jax.process_index() == 0:
    print(*args, flush=True)


def _write_json(path, obj):
  if jax.process_index() == 0:
    json_files.write_json(path, obj)


class _Progress:
  """Languages finished so far ({lang: {'metrics', 'files'}}, files relative to the workdir),
  kept in a JSON file; an entry whose files are gone is dropped, so they are regenerated.
  `complete`: no entry was dropped."""

  def __init__(self, path, workdir, stage, label):
    self.path, self.workdir, self.stage, self.label = path, workdir, stage, label
    saved = json_files.read_json(path) or {}
    self.done = {}
    for lang, entry in saved.items():
      missing = [f for f in entry.get('files', [])
                 if not storage.exists(os.path.join(workdir, f))]
      if missing:
        _log(f'[{label}] {lang}: {missing[0]} is missing; evaluating {lang} again')
      else:
        self.done[lang] = entry
    self.complete = len(self.done) == len(saved)

  def on_language(self, lang, entry):
    self.done[lang] = dict(entry, files=[os.path.relpath(f, self.workdir)
                                         for f in entry['files']])
    _write_json(self.path, self.done)
    preemption.check(self.stage, f'in {self.label} after {lang}; finished languages are kept')


def start_model(config, tokenizer):
  """(model config, encoder params on the host, pretrained heads {name: params}): pretrained
  weights (the MLM head too, for continued MLM), or a seeded random init (no heads)."""
  m = config.model
  overrides = dict(dtype=m.dtype, param_dtype=m.param_dtype, remat=m.remat,
                   scan_layers=m.scan_layers, hidden_dropout_prob=m.dropout,
                   attention_probs_dropout_prob=m.dropout)
  if m.pretrained:
    model_config, params = load_pretrained(m.pretrained, seed=config.seed, **overrides)
    if model_config.vocab_size < len(tokenizer):
      raise ValueError(f'{m.pretrained}: vocabulary of {model_config.vocab_size} < the '
                       f'tokenizer\'s {len(tokenizer)}')
    return model_config, params['encoder'], params.get('heads', {})
  if m.preset.startswith('tiny'):
    overrides['vocab_size'] = len(tokenizer)  # the tiny preset follows the tiny tokenizer
  model_config = preset(m.preset, **overrides)
  ids = jnp.full((1, 8), model_config.bos_token_id, jnp.int32)
  variables = XLMREncoder(model_config).init(jax.random.PRNGKey(config.seed), ids,
                                             jnp.ones_like(ids))
  return model_config, jax.tree.map(np.asarray, nn.unbox(variables['params'])), {}


def run(config, workdir):
  """Runs (or finishes) the experiment in `workdir`; returns the scores dict."""
  t0 = time.time()
  workdir = storage.absolute(workdir)
  pred_dir, label_dir = os.path.join(workdir, 'predictions'), os.path.join(workdir, 'labels')
  benchmark = config.get('benchmark', 'xtreme')  # the submission layout, scorer and report
  # Everything the run will need, checked before anything is loaded (PreflightError lists it).
  run_plan = preflight.check(config, workdir, log=_log)
  if config.dry_run:
    preflight.dry_run(config, workdir, run_plan, log=_log)
    return None
  tasks_of = lambda kind: [plan.resolve(t, config) for p in run_plan if p.kind == kind
                           for t in p.tasks]
  intermediate, trained, retrieved = (tasks_of(k) for k in ('intermediate', 'target',
                                                            'retrieval'))
  targets = trained + retrieved
  _log(f'workdir {workdir}\nintermediate: {", ".join(t.name for t in intermediate) or "none"}'
       f'\ntargets: {", ".join(t.name for t in targets)}')
  if jax.process_index() == 0:  # for tools that read a finished workdir (robustness)
    run_config.save(workdir, config)

  target_dir = lambda t: os.path.join(workdir, f'target_{t.name}')
  retrieval_dir = os.path.join(workdir, 'retrieval')
  progress = {t.name: _Progress(os.path.join(target_dir(t), ZERO_SHOT_PROGRESS), workdir,
                               'zero_shot', f'target_{t.name} zero-shot') for t in trained}
  progress['retrieval'] = _Progress(os.path.join(retrieval_dir, RETRIEVAL_PROGRESS), workdir,
                                    'retrieval', 'retrieval')

  def finished(path, key):
    """The saved results when the stage is complete and its files are all there."""
    results = json_files.read_json(path)
    return results if results is not None and progress[key].complete else None

  zero_shot_done = {t.name: finished(os.path.join(target_dir(t), ZERO_SHOT), t.name)
                    for t in trained}
  retrieval_done = (finished(os.path.join(retrieval_dir, loop.RESULTS), 'retrieval')
                    if retrieved else None)
  todo = ([t for t in trained
           if zero_shot_done[t.name] is None or not loop.is_finished(target_dir(t))]
          + (['retrieval'] if retrieved and retrieval_done is None else []))

  tokenizer = load_tokenizer(config.tokenizer or config.model.pretrained)
  model_config, encoder, pretrained_heads = start_model(config, tokenizer)
  mesh = mesh_lib.make_mesh(tuple(config.parallel.mesh_shape), tuple(config.parallel.mesh_axes))
  _log(f'mesh {dict(mesh.shape)}; model {model_config.num_hidden_layers} layers, hidden '
       f'{model_config.hidden_size}, {model_config.dtype} compute')
  common = dict(model_config=model_config, tokenizer=tokenizer, config=config, mesh=mesh,
                log=_log)
  phases = {}
  preemption.check('startup', 'during start-up, before any training')

  # Phase 2: intermediate training (one task, or several with the sampler).
  if intermediate:
    params, phases['intermediate'], _ = loop.run_phase(
        os.path.join(workdir, 'intermediate'), name='intermediate', tasks=intermediate,
        encoder=encoder, heads=pretrained_heads, phase=config.intermediate,
        need_params=bool(todo), **common)
    if params is not None:
      encoder = params['encoder']
    preemption.check('phase_done.intermediate', 'after phase intermediate')

  # Phase 3: each trained target task from the phase-2 encoder with a fresh head.
  languages = plan.names(config.eval.languages)
  qa_options = dict(doc_stride=config.qa.doc_stride, max_query_length=config.qa.max_query_length,
                    n_best=config.qa.n_best, max_answer_length=config.qa.max_answer_length)
  for task in trained:
    phase_dir = target_dir(task)
    done_path = os.path.join(phase_dir, ZERO_SHOT)
    per_lang, results = zero_shot_done[task.name], loop.read_results(phase_dir)
    if per_lang is not None and results is not None:
      phases[f'target_{task.name}'] = dict(results, zero_shot=per_lang)
      _log(f'[target_{task.name}] finished earlier; predictions in {pred_dir}/{task.name}')
      continue
    params, results, trainer = loop.run_phase(
        phase_dir, name=f'target_{task.name}', tasks=[task], encoder=encoder,
        phase=config.target, **common)
    preemption.check(f'phase_done.target_{task.name}', f'after phase target_{task.name}')
    done = progress[task.name]
    _log(f'[target_{task.name}] zero-shot on the test split of '
         f'{len(plan.eval_languages(task, config))} languages'
         + (f' ({len(done.done)} finished earlier)' if done.done else ''))
    per_lang = zero_shot.run_task(
        task, trainer.predict_fns[task.head_name], params, tokenizer, pred_dir=pred_dir,
        label_dir=label_dir, max_seq_length=loop.seq_length(task, config.target),
        batch_size=config.eval.batch_size, load_kwargs=loop.load_kwargs(config),
        languages=plan.eval_languages(task, config), max_examples=config.eval.max_examples,
        sharding=trainer.batch_sharding, qa_options=qa_options,
        skip_missing=config.eval.skip_missing_languages, log=_log, done=done.done,
        on_language=done.on_language, benchmark=benchmark,
        ranking_options=loop.ranking_options(task, config))
    _write_json(done_path, per_lang)
    phases[f'target_{task.name}'] = dict(results, zero_shot=per_lang)
    del params, trainer

  # BUCC and Tatoeba: mean-pooled vectors of one layer of the phase-2 encoder.
  if retrieved:
    phases['retrieval'] = retrieval_done
    if phases['retrieval'] is not None:
      _log('[retrieval] finished earlier')
    else:
      phases['retrieval'] = run_retrieval(retrieved, encoder, model_config, tokenizer, config,
                                          mesh, pred_dir, label_dir, languages,
                                          progress['retrieval'])
      _write_json(os.path.join(retrieval_dir, loop.RESULTS), phases['retrieval'])

  if not targets:
    _write_json(os.path.join(workdir, 'results.json'), {'scores': None, 'phases': phases})
    _log(f'no target tasks (config.targets is empty); {time.time() - t0:.0f}s')
    return None
  # Scores of everything in predictions/ (as `python -m xstilts_jax.eval.score` prints them).
  scores = _score(pred_dir, label_dir, benchmark)
  title = (f'{benchmark_lib.NAMES[benchmark]}, intermediate: '
           f'{config.intermediate.tasks or "none"} (seed {config.seed})')
  if jax.process_index() == 0:
    with storage.staged(os.path.join(workdir, 'report')) as report_dir:  # matplotlib: local
      report_write.write_report(scores, report_dir, title)
      preemption.test_point('report')  # test hook: a signal while the report is written
  preemption.check('report', 'while writing the report; every phase is finished')
  _write_json(os.path.join(workdir, 'results.json'), {'scores': scores, 'phases': phases})
  _log('\n' + tables.markdown_report(scores, title))
  _log(f'report in {workdir}/report; {time.time() - t0:.0f}s')
  return scores


def _score(pred_dir, label_dir, benchmark):
  """score.score_dirs; a gs:// workdir's files are scored from a local copy (the scorer reads
  a file system), its messages naming the files in the bucket."""
  with storage.local_copy(pred_dir, label_dir) as (local_pred, local_label):
    scores = score.score_dirs(local_pred, local_label, benchmark)
  if (local_pred, local_label) != (pred_dir, label_dir):
    scores['warnings'] = [w.replace(local_pred, pred_dir).replace(local_label, label_dir)
                          for w in scores['warnings']]
  return scores


def retrieval_encode_fn(model_config, config, mesh):
  """Sentence vectors of layer `config.retrieval.layer`, computed in `config.eval.dtype`."""
  encoder = XLMREncoder(model_config.replace(dtype=config.eval.dtype))
  return retrieval.make_encode_fn(retrieval.xlmr_hidden_states_fn(encoder),
                                  config.retrieval.layer, out_sharding=rules_lib.replicated(mesh))


def run_retrieval(tasks, encoder, model_config, tokenizer, config, mesh, pred_dir, label_dir,
                  languages, progress):
  r = config.retrieval
  if not 0 <= r.layer <= model_config.num_hidden_layers:
    raise ValueError(f'config.retrieval.layer={r.layer}: the model has hidden states '
                     f'0..{model_config.num_hidden_layers}')
  encode_fn = retrieval_encode_fn(model_config, config, mesh)
  params = {'params': encoder}
  out = {'layer': r.layer}
  for task in tasks:
    _log(f'[retrieval] {task.name}: layer {r.layer} mean-pooled, '
         f'{len(plan.eval_languages(task, config))} languages')
    # Progress keys are '<task>/<lang>': one file for both tasks.
    done = {k.split('/', 1)[1]: v for k, v in progress.done.items()
            if k.startswith(task.name + '/')}
    out[task.name] = zero_shot.run_retrieval(
        task, encode_fn, params, tokenizer, pred_dir=pred_dir, label_dir=label_dir,
        max_seq_length=r.max_seq_length, batch_size=r.batch_size,
        load_kwargs=loop.load_kwargs(config), languages=plan.eval_languages(task, config),
        bucc_k=r.bucc_k,
        skip_missing=config.eval.skip_missing_languages, log=_log, done=done,
        on_language=lambda lang, entry, t=task.name: progress.on_language(f'{t}/{lang}', entry),
        benchmark=config.get('benchmark', 'xtreme'))
  return out
