"""One training phase: data, model, steps, model selection, checkpoints, results.json.

`run_phase` trains one or several tasks (one head each; several = multi-task, one task sampled
per step) starting from a given encoder, evaluates every `eval_every` steps on the first
`eval_examples` of the ENGLISH dev set (never a target language: that would not be zero-shot),
keeps the best parameters, and at the end reloads them and writes `results.json`.

Phase folder: checkpoints/ (resume), best/ (model selection), metrics.jsonl, tensorboard/,
results.json. A folder with results.json is finished and never retrained; one without resumes
from its newest checkpoint, data position included, and ends bitwise identical to a run that
was never interrupted (dropout keys are fold_in(rng, step); data order is a pure function of
(seed, epoch, position) and the task sampled at a step of (seed, step), so the step alone
gives the data position).

SIGTERM: the step in flight finishes, a checkpoint is saved at that step, `Preempted` is
raised (main.py exits with 75). A NaN/inf loss raises `NonFiniteLossError` naming the step; no
checkpoint is written after the last good one.

No host sync per step: batches are built and put on the devices ahead of use by a thread
(`prefetch.Prefetcher`, `config.data.prefetch` of them), and a step's non-finite flag and log row
are read once the next step is dispatched, or at once before an evaluation, a save or the end.
"""

import dataclasses
import math
import os
import time
from typing import Any, Callable, Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import tqdm

from xstilts_jax import storage
from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data import mixing
from xstilts_jax.data import mlm as mlm_data
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.data import translated as translated_data
from xstilts_jax.eval import predict
from xstilts_jax.eval import ranking
from xstilts_jax.models import HeadSpec, Model
from xstilts_jax.models import heads as heads_lib
from xstilts_jax.parallel import global_batch
from xstilts_jax.parallel import rules as rules_lib
from xstilts_jax.tasks import load
from xstilts_jax.train import checkpoints as ckpt_lib
from xstilts_jax.train import json_files
from xstilts_jax.train import metrics_log
from xstilts_jax.train import optimizer as optimizer_lib
from xstilts_jax.train import prefetch as prefetch_lib
from xstilts_jax.train import preemption
from xstilts_jax.train import state as state_lib
from xstilts_jax.train import steps as steps_lib

RESULTS = 'results.json'
NonFiniteLossError = steps_lib.NonFiniteLossError


Preempted = preemption.Preempted


@dataclasses.dataclass
class PhaseData:
  """One task of a phase: its training features and its English dev examples/features."""
  task: Any
  train: Any          # Features
  dev_examples: list
  dev: Any            # Features
  batch_size: int
  epochs: float
  regime: Optional[dict] = None  # English / translated / mixed training data (data/translated.py)


def is_finished(phase_dir: str) -> bool:
  return read_results(phase_dir) is not None


def read_results(phase_dir: str) -> Optional[dict]:
  """results.json of a finished phase; None when absent or damaged (then set aside)."""
  return json_files.read_json(os.path.join(phase_dir, RESULTS))


def _restart(phase_dir: str, ckpts, reason: str, log):
  """Sets aside what a retrain from step 0 replaces. best/ goes last: a kill in between leaves
  the reason to restart in place for the next run."""
  log(f'[{os.path.basename(phase_dir)}] {reason}: training the phase again from step 0 to '
      'rebuild it (deterministic: the same parameters)')
  ckpts.close()
  if jax.process_index() == 0:
    for name in ('checkpoints', RESULTS):
      ckpt_lib.set_aside(os.path.join(phase_dir, name),
                         os.path.join(phase_dir, name + '.before_rebuild'))
  aside = ckpt_lib.PhaseCheckpoints(phase_dir)
  aside.set_aside_best()
  aside.close()


def head_spec(task) -> HeadSpec:
  num_labels = len(task.labels) if task.format in ('classification', 'tagging') else 0
  return HeadSpec(task.head_name, task.format, num_labels)


def seq_length(task, phase) -> int:
  return phase.qa_max_seq_length if task.format == 'span_qa' else phase.max_seq_length


def format_options(task, config) -> dict:
  if task.format == 'ranking':
    return ranking_options(task, config)
  if task.format != 'span_qa':
    return {}
  return dict(doc_stride=config.qa.doc_stride, max_query_length=config.qa.max_query_length)


def ranking_options(task, config) -> dict:
  """The dual encoder's featurizer options from `config.ranking` (`data.ranking.options`)."""
  return ranking_data.options(task, config.get('ranking'))


def load_kwargs(config) -> dict:
  """Where examples come from (`tasks.load.load_examples` keyword arguments)."""
  return dict(source=config.data.source, data_dir=config.data.data_dir or None,
              hub_dir=config.data.hub_dir or None)


def prepare_data(tasks, tokenizer, config, phase, *, log=print) -> list:
  """Featurized English train and dev data of every task of the phase."""
  out = []
  for task in tasks:
    length, options = seq_length(task, phase), format_options(task, config)
    batch = phase.qa_batch_size if task.format == 'span_qa' else phase.batch_size
    epochs = phase.get('epochs_per_task', {}).get(task.name, phase.epochs)
    if task.format == 'mlm':
      # Continued multilingual MLM: text of many languages, masked per batch; no dev score
      # (model selection stays on the English dev sets of the other tasks).
      from xstilts_jax.tasks import mlm as mlm_task  # pylint: disable=g-import-not-at-top
      text = mlm_task.load_multilingual(
          'train', _names(config.mlm.languages) or None,
          max_per_language=config.mlm.max_per_language,
          skip_missing=config.mlm.skip_missing_languages, **load_kwargs(config))
      train_f = featurize_lib.featurize(task, text, tokenizer, length)
      log(f'  {task.name}: {len(text)} documents → {len(train_f)} rows '
          f'{_stats(train_f.stats)}; batch {batch}')
      out.append(PhaseData(task, train_f, [], None, batch, epochs))
      continue
    train = load.load_examples(task, 'train', 'en', **load_kwargs(config))
    if phase.max_train_examples:
      train = train[:phase.max_train_examples]
    # English, translated or mixed (phase.translated); dev stays English.
    train, regime = translated_data.mix(
        task, train, phase.get('translated'), seed=config.seed,
        data_dir=config.data.data_dir or None, limit=phase.max_train_examples, log=log)
    dev = load.load_examples(task, 'dev', 'en', **load_kwargs(config))
    train_f = featurize_lib.featurize(task, train, tokenizer, length, **options)
    if task.format == 'ranking':  # dev: the first N queries against every candidate
      dev_f = [ranking_data.featurize_corpus(c, tokenizer, length,
                                             max_queries=phase.eval_examples, **options)
               for c in dev]
    else:
      dev = dev[:phase.eval_examples]
      dev_f = featurize_lib.featurize(task, dev, tokenizer, length, **options)
    n_dev = sum(map(len, dev_f)) if task.format == 'ranking' else len(dev)  # ranking: queries
    log(f'  {task.name}: {len(train)} train examples → {len(train_f)} rows '
        f'{_stats(train_f.stats)}; {n_dev} English dev examples; batch {batch}')
    out.append(PhaseData(task, train_f, dev, dev_f, batch, epochs, regime))
  return out


def _names(text):
  return [n.strip() for n in str(text or '').split(',') if n.strip()]


def _stats(stats):
  shown = {k: v for k, v in stats.items() if v and k not in ('examples', 'features')}
  return f'({", ".join(f"{k} {v}" for k, v in shown.items())})' if shown else ''


def total_steps(data: Sequence[PhaseData], phase) -> int:
  """num_steps when set, else epochs × steps per epoch summed over the tasks (as jiant)."""
  if phase.num_steps > 0:
    return int(phase.num_steps)
  return max(1, sum(int(math.ceil(d.epochs * len(d.train) / d.batch_size)) for d in data))


class PhaseTrainer:
  """The compiled pieces of one phase: state shardings, a train and a predict step per head.

  Training computes in `model_config.dtype`; the predict steps (dev model selection, zero-shot
  evaluation) in `config.eval.dtype`, float32 by default as jiant's XTREME runs."""

  def __init__(self, model_config, tasks, config, phase, mesh, num_steps):
    self.data = []  # PhaseData, set before training / evaluating
    self.tokenizer = None  # the data's tokenizer: QA answers as jiant's (eval/answer_text)
    self.mesh = mesh
    self.rules = rules_lib.normalize_rules(tuple(config.parallel.rules) or None)
    specs = []
    for task in tasks:
      spec = head_spec(task)
      if spec not in specs:
        specs.append(spec)
    self.model = Model(model_config, tuple(specs))
    # The same parameters, another compute dtype.
    self.eval_model = Model(model_config.replace(dtype=config.eval.dtype), tuple(specs))
    o = config.optimizer
    # The schedule the optimizer follows, logged as `learning_rate` (one value per update).
    self.grad_accum_steps = o.grad_accum_steps
    self.schedule = optimizer_lib.make_schedule(
        phase.learning_rate, max(1, num_steps // o.grad_accum_steps), o.warmup_fraction)
    self.tx = optimizer_lib.make_optimizer(
        phase.learning_rate, max(1, num_steps // o.grad_accum_steps), o.warmup_fraction,
        o.weight_decay, o.b1, o.b2, o.eps, o.max_grad_norm, o.grad_accum_steps,
        clip_per_micro_batch=o.get('clip_per_micro_batch', False))
    self.init_fn = lambda rng: self.model.init_params(rng, boxed=True)
    self.abstract, self.shardings = state_lib.state_shardings(self.init_fn, self.tx, mesh,
                                                              self.rules)
    self.batch_sharding = rules_lib.batch_sharding(mesh, self.rules)
    self.train_steps, self.predict_fns = {}, {}
    for spec in specs:
      step = steps_lib.make_train_step(self.model, self.tx, spec.name, spec.format)
      self.train_steps[spec.name] = steps_lib.jit_train_step(step, self.shardings, mesh,
                                                             self.rules)
      self.predict_fns[spec.name] = self.make_predict_fn(spec)

  def make_predict_fn(self, spec):
    eval_step = steps_lib.make_eval_step(self.eval_model, spec.name)
    fn = lambda params, batch: heads_lib.predict(spec.format, eval_step(params, batch))
    return steps_lib.jit_eval_step(fn, self.shardings.params, self.mesh, self.rules)

  def _place(self, tree, want, shardings, what):
    if jax.tree.structure(tree) != jax.tree.structure(want):
      raise ValueError(f'the {what} carried into this phase does not match the model: '
                       f'{jax.tree.structure(tree)} vs {jax.tree.structure(want)}')
    return jax.tree.map(
        # A copy: the train step donates its state, the caller's arrays must survive.
        lambda x, a, s: jax.device_put(x, s, may_alias=False) if isinstance(x, jax.Array)
        else state_lib.put(np.asarray(x, a.dtype), s), tree, want, shardings)

  def init_state(self, rng, encoder=None, heads=None):
    """Fresh state; `encoder` (host or device arrays) replaces the initialised encoder, and
    `heads` ({name: params}) those of the model's heads with the same name (e.g. the
    pretrained MLM head for continued MLM); every other head starts fresh."""
    given = {}
    if encoder is not None:
      given['encoder'] = self._place(encoder, self.abstract.params['encoder'],
                                     self.shardings.params['encoder'], 'encoder')
    for name, head in (heads or {}).items():
      if name in self.abstract.params.get('heads', {}):
        given.setdefault('heads', {})[name] = self._place(
            head, self.abstract.params['heads'][name], self.shardings.params['heads'][name],
            f'head {name}')
    # Only what is not given is initialised (a random XLM-R Large encoder would cost seconds
    # and 2.2 GB per copy, only to be replaced); the placed copies are donated into the state.
    return state_lib.init_state_with(self.init_fn, self.tx, rng, self.shardings, given)

  def evaluate(self, params, eval_batch_size) -> dict:
    """Dev metrics of every task (English, first N examples) and their mean as 'score'."""
    out = {}
    for d in self.data:
      if d.dev is None:  # continued MLM: trained, not selected on
        continue
      fn = self.predict_fns[d.task.head_name]
      if d.task.format == 'ranking':  # map@20 of the English dev queries
        out[d.task.name] = ranking.evaluate(fn, params, d.dev, eval_batch_size,
                                            self.batch_sharding)
        continue
      outputs = predict.run(fn, params, d.dev, eval_batch_size, self.batch_sharding,
                            per_token=predict.PER_TOKEN.get(d.task.format, ()))
      preds = predict.to_predictions(d.task, d.dev_examples, d.dev, outputs,
                                     tokenizer=self.tokenizer)
      out[d.task.name] = predict.evaluate(d.task, d.dev_examples, preds, 'en')
    # No task with a dev set (MLM alone): NaN, and the last evaluation counts as the best.
    out['score'] = float(np.mean([m['score'] for m in out.values()])) if out else float('nan')
    return out


# Batch entries that only map outputs back to examples; the model never sees them.
_HOST_ONLY = ('index', 'example_index', 'offsets', 'max_context', 'word_index', 'valid')


def mixture(data: Sequence[PhaseData], seed, step, temperature=1.0, cap=0, tokenizer=None):
  """One task per step, each with its own stream and batch size; the state is the step alone
  (the task of a step is drawn from (seed, step))."""
  # MLM masks each batch, keyed by (seed, epoch, row): a resumed run masks the same.
  transforms = {d.task.name: mlm_data.masker(tokenizer, mixing.task_seed(seed, t))
                for t, d in enumerate(data) if d.task.format == 'mlm'}
  return mixing.MixtureIterator(
      {d.task.name: d.train for d in data}, {d.task.name: d.batch_size for d in data}, seed,
      temperature=temperature, cap=cap or None, step=step, process_index=jax.process_index(),
      process_count=jax.process_count(), transforms=transforms)


def _scalars(metrics: dict) -> dict:
  """Flat {task/metric: value} of the float entries of evaluate()'s output."""
  flat = {}
  for k, v in metrics.items():
    if isinstance(v, dict):
      flat.update({f'{k}/{m}': x for m, x in v.items() if isinstance(x, (int, float))})
    else:
      flat[k] = v
  return flat


def run_phase(phase_dir: str, *, name: str, tasks: Sequence[Any], model_config, encoder,
              tokenizer, config, phase, mesh, log: Callable = print,
              need_params: bool = True, heads: Optional[dict] = None) -> tuple[Optional[dict], dict, Any]:
  """Trains one phase (or finds it finished).

  Returns (best params or None, results, the PhaseTrainer whose `predict_fns` run the model).
  """
  results = read_results(phase_dir)
  if results is not None:
    best = results['best']
    log(f'[{name}] finished earlier (best {best.get("metric", "dev_score")} '
        f'{best["value"]:.2f} at step {best["step"]}); not retrained')
    if not need_params:
      return None, results, None
    trainer = PhaseTrainer(model_config, tasks, config, phase, mesh, 1)
    ckpts = ckpt_lib.PhaseCheckpoints(phase_dir, max_to_keep=config.checkpoint.keep)
    try:
      params = ckpts.restore_best_params(
          state_lib.with_shardings(trainer.abstract.params, trainer.shardings.params))
      problem = None if params is not None else 'best/ is missing'
    except ckpt_lib.CorruptBest as e:
      problem = str(e)
    if problem is None:
      ckpts.close()
      return params, results, trainer
    _restart(phase_dir, ckpts, problem, log)
    del trainer

  storage.makedirs(phase_dir)
  log(f'[{name}] tasks: {", ".join(t.name for t in tasks)}')
  data = prepare_data(tasks, tokenizer, config, phase, log=log)
  num_steps = total_steps(data, phase)
  trainer = PhaseTrainer(model_config, tasks, config, phase, mesh, num_steps)
  trainer.data, trainer.tokenizer = data, tokenizer
  ckpts = ckpt_lib.PhaseCheckpoints(phase_dir, max_to_keep=config.checkpoint.keep)
  abstract_params = state_lib.with_shardings(trainer.abstract.params, trainer.shardings.params)

  # Resume from the newest checkpoint, else start from the given encoder.
  seed = config.seed
  problem = ckpts.best_problem(abstract_params)
  if problem:  # the best so far is lost: only a replay from step 0 finds it again
    _restart(phase_dir, ckpts, problem, log)
    ckpts = ckpt_lib.PhaseCheckpoints(phase_dir, max_to_keep=config.checkpoint.keep)
  restored = None
  if ckpts.latest_step() is not None:
    # The data position is a function of the step (see mixture()); stored to be checked.
    position = lambda r: (None if r.data.get('step') == r.step else
                          f'its data position {r.data} disagrees with its step {r.step}')
    restored = ckpts.restore_latest(
        state_lib.with_shardings(trainer.abstract, trainer.shardings), validate=position)
  if restored is not None:
    state, start = restored.state, restored.step
    log(f'[{name}] resumed at step {start} of {num_steps}')
  else:
    state, start = trainer.init_state(jax.random.PRNGKey(seed), encoder, heads), 0
    log(f'[{name}] {num_steps} steps from '
        f'{"the given encoder" if encoder is not None else "a random init"}')
  batches = mixture(data, seed, start, phase.mixing_temperature, phase.mixing_cap, tokenizer)

  def place(item):
    # On the devices ahead of use (train/prefetch.py): global arrays split by the batch rule.
    task_name, batch = item
    i = batches.names.index(task_name)  # the order of `data`
    batch = {k: v for k, v in batch.items() if k not in _HOST_ONLY}
    return i, global_batch.make_global_batch(batch, trainer.batch_sharding, data[i].batch_size)

  logger = metrics_log.MetricsLog(phase_dir, resume_step=start)
  guard = ckpt_lib.PreemptionGuard()
  eval_every = phase.eval_every or num_steps
  save_every = config.checkpoint.every or num_steps
  progress = tqdm.tqdm(total=num_steps, initial=start, desc=name, unit='step',
                       disable=jax.process_index() != 0, mininterval=2.0)
  clock = {'time': time.time(), 'step': start, 'rows': 0}

  def settle(step, i, metrics):
    """Reads a dispatched step's results on the host: its non-finite flag, its log row. Called
    once the next step is dispatched (the devices stay busy), or at once before anything that
    keeps the state (evaluation, checkpoint, the end), so a non-finite step is never saved."""
    try:
      steps_lib.check_finite(metrics, step)
    except NonFiniteLossError as e:
      ckpts.wait()
      last = ckpts.latest_step()
      raise NonFiniteLossError(
          f'[{name}] {e} (task {data[i].task.name}). The last good checkpoint (step {last}) in '
          f'{phase_dir}/checkpoints is kept; lower the learning rate or check the data.'
      ) from None
    done = step + 1
    clock['rows'] += data[i].batch_size
    if done % phase.log_every == 0 or done == num_steps:
      now = time.time()
      rate = (done - clock['step']) / max(now - clock['time'], 1e-9)
      examples_rate = clock['rows'] / max(now - clock['time'], 1e-9)  # training rows (QA: windows)
      clock.update(time=now, step=done, rows=0)
      # The rate of the latest optimizer update (the schedule counts updates from 0).
      update = max(done // trainer.grad_accum_steps - 1, 0)
      row = {'loss': float(metrics['loss']), 'grad_norm': float(metrics['grad_norm']),
             'learning_rate': float(trainer.schedule(update)), 'steps_per_sec': rate,
             'examples_per_sec': examples_rate, 'task': i}
      logger.write(done, row, prefix='train')
      progress.set_postfix(loss=f'{row["loss"]:.4f}', steps_s=f'{rate:.2f}')

  prefetched = prefetch_lib.Prefetcher(batches, place, config.data.get('prefetch', 2))
  pending = None  # (step, task index, metrics): dispatched, not yet settled
  finished = False
  try:
    for step in range(start, num_steps):
      if step == start:
        preemption.test_point('compile')
      if step == config.debug.nan_at_step:
        # Test hook: poison the parameters so this step's loss is genuinely non-finite.
        state = state.replace(params=jax.tree.map(lambda x: x * jnp.inf, state.params))
      i, batch = next(prefetched)
      state, metrics = trainer.train_steps[data[i].task.head_name](state, batch)
      if pending is not None:
        settle(*pending)  # the previous step, while this one runs
      pending = (step, i, metrics)
      done = step + 1
      progress.update(1)
      if done % eval_every == 0 or done == num_steps:
        settle(*pending)  # nothing non-finite is evaluated or kept as the best
        pending = None
        dev = trainer.evaluate(state.params, config.eval.batch_size)
        logger.write(done, _scalars(dev), prefix='dev')
        no_dev = math.isnan(dev['score'])
        value = float(done) if no_dev else dev['score']  # no dev set: the latest is the best
        if ckpts.save_best(done, state.params, 'step' if no_dev else 'dev_score', value,
                           meta={'dev': dev}) and not no_dev:
          progress.write(f'[{name}] step {done}: dev score {dev["score"]:.2f} (best so far)')
      stop = guard.should_stop(done)
      if done % save_every == 0 or stop:
        if pending is not None:
          settle(*pending)  # nothing non-finite is saved
          pending = None
        # The data position is a function of the step (see mixture()); stored to be checked.
        ckpts.save(done, state, {'step': done}, meta={'phase': name})
        preemption.test_point('save', done)  # test hook: a signal while the save is in flight
        stop = stop or guard.stop_requested  # SIGTERM during the save: stop at its step
      if stop:
        ckpts.wait()
        raise Preempted(f'phase {name} stopped at step {done} of {num_steps}; '
                        f'checkpoint saved in {phase_dir}/checkpoints')
    ckpts.wait()
    best = ckpts.best
    params = ckpts.restore_best_params(abstract_params)
    results = {'phase': name, 'tasks': [t.name for t in tasks], 'num_steps': num_steps,
               'best': {'step': best['step'], 'metric': best['metric'], 'value': best['value'],
                        'dev': best.get('dev')},
               'train_stats': {d.task.name: d.train.stats for d in data},
               'data_regime': {d.task.name: d.regime for d in data if d.regime}}
    if jax.process_index() == 0:
      json_files.write_json(os.path.join(phase_dir, RESULTS), results)
    log(f'[{name}] done: best {best["metric"]} {best["value"]:.2f} at step {best["step"]}')
    finished = True
    return params, results, trainer
  finally:
    # Every exit path waits for and closes the checkpoint managers (their threads must not
    # outlive the run). When an error is on its way up, it is the cause: a close failing
    # after it (a full disk fails the TensorBoard flush too) must not replace it.
    for close in (prefetched.close, progress.close, guard.uninstall, logger.close,
                  ckpts.close):
      try:
        close()
      except Exception:  # noqa: BLE001
        if finished:
          raise
