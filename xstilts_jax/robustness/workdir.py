"""The trained models of a finished experiment workdir, for evaluation only.

Reads what `train/experiment.py` wrote (never imports train/): each target phase's best
parameters (`target_<task>/best/<step>/params`, orbax), restored straight into the mesh's
shardings; the phase-2 encoder for retrieval (`intermediate/best`, or the starting encoder of
a run without an intermediate phase). The workdir does not record its config, so the caller
passes the config the experiment ran with (the same `--config` file and overrides).
"""

import dataclasses
import os

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import orbax.checkpoint as ocp

from xstilts_jax import storage
from xstilts_jax.data import ranking as ranking_data
from xstilts_jax.data.tokenizer import load_tokenizer
from xstilts_jax.eval import predict
from xstilts_jax.models import HeadSpec, Model, XLMREncoder, XLMRConfig, load_pretrained, preset
from xstilts_jax.models import heads as heads_lib
from xstilts_jax.models import hf_io
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.parallel import rules as rules_lib
from xstilts_jax.robustness import scorer as scorer_lib
from xstilts_jax.tasks import benchmarks
from xstilts_jax.tasks import load
from xstilts_jax.tasks.registry import get_task

ZERO_SHOT = 'zero_shot.json'  # a target phase with this file is finished (train/experiment.py)


def names(text):
  return [n.strip() for n in str(text or '').split(',') if n.strip()]


def load_kwargs(config):
  return dict(source=config.data.source, data_dir=config.data.data_dir or None,
              hub_dir=config.data.hub_dir or None)


def model_config(config, tokenizer):
  """The XLMRConfig the experiment built (`train.experiment.start_model`'s, without weights)."""
  m = config.model
  overrides = dict(dtype=m.dtype, param_dtype=m.param_dtype, remat=False,
                   scan_layers=m.scan_layers, hidden_dropout_prob=m.dropout,
                   attention_probs_dropout_prob=m.dropout)
  if m.pretrained:
    path = os.path.join(hf_io._resolve(m.pretrained), 'config.json')  # pylint: disable=protected-access
    return XLMRConfig.from_json_file(path, **overrides)
  if m.preset.startswith('tiny'):
    overrides['vocab_size'] = len(tokenizer)
  return preset(m.preset, **overrides)


def head_spec(task):
  num_labels = len(task.labels) if task.format in ('classification', 'tagging') else 0
  return HeadSpec(task.head_name, task.format, num_labels)


def _restore_best(phase_dir, abstract):
  best = os.path.join(phase_dir, 'best')
  manager = ocp.CheckpointManager(storage.absolute(best), item_names=('params',))
  step = manager.latest_step()
  if step is None:
    raise FileNotFoundError(f'{best}: no best checkpoint (is the phase finished?)')
  out = manager.restore(step, args=ocp.args.Composite(params=ocp.args.StandardRestore(abstract)))
  manager.close()
  return out['params']


@dataclasses.dataclass
class TargetModel:
  """One trained target task: its model, best parameters and compiled scoring functions."""
  task: object
  model: Model
  params: dict
  max_seq_length: int
  logprob_fn: object    # scorer.make_logprob_fn
  predict_fn: object    # (params, batch) -> heads.predict outputs, jitted like evaluation


class Workdir:
  """A finished experiment folder and the config it ran with."""

  def __init__(self, path, config):
    self.path = storage.absolute(path)
    if not storage.isdir(self.path):
      raise FileNotFoundError(f'--workdir {path}: no such folder')
    self.config = config
    self.tokenizer = load_tokenizer(config.tokenizer or config.model.pretrained)
    self.model_config = model_config(config, self.tokenizer)
    self.mesh = mesh_lib.make_mesh(tuple(config.parallel.mesh_shape),
                                   tuple(config.parallel.mesh_axes))
    self.rules = rules_lib.normalize_rules(tuple(config.parallel.rules) or None)
    self.batch_sharding = rules_lib.batch_sharding(self.mesh, self.rules)
    self.load_kwargs = load_kwargs(config)
    self.qa_options = dict(doc_stride=config.qa.doc_stride,
                           max_query_length=config.qa.max_query_length)
    self.post_options = dict(n_best=config.qa.n_best, max_answer_length=config.qa.max_answer_length)

  def task(self, name):
    return load.resolve_task(get_task(name), self.config.data.data_dir or None)

  def targets(self, only=None):
    """Target tasks of the config (or those named in `only`), (trained, retrieval); a trained
    one must be finished."""
    tasks = [self.task(n) for n in benchmarks.target_names(
        names(self.config.targets), self.config.get('benchmark', benchmarks.DEFAULT))]
    if only:
      unknown = sorted(set(only) - {t.name for t in tasks})
      if unknown:
        raise ValueError(f'--tasks {",".join(unknown)}: not targets of this config '
                         f'({self.config.targets})')
      tasks = [t for t in tasks if t.name in only]
    for t in tasks:
      if t.format != 'retrieval' and not storage.exists(
          os.path.join(self.path, f'target_{t.name}', ZERO_SHOT)):
        raise FileNotFoundError(f'{self.path}/target_{t.name}: the phase is not finished '
                                '(run the experiment first)')
    return ([t for t in tasks if t.format != 'retrieval'],
            [t for t in tasks if t.format == 'retrieval'])

  def languages(self, task):
    """config.eval.languages the task has; else the run's benchmark list (config.benchmark)."""
    wanted = names(self.config.eval.languages)
    if wanted:
      return [l for l in task.languages if l in wanted]
    return list(benchmarks.languages(task, self.config.get('benchmark', benchmarks.DEFAULT)))

  def test_examples(self, task, lang):
    """Test examples of one language (the first config.eval.max_examples; ranking: its one
    corpus with the first max_examples queries, every candidate, as eval does), or None when
    the data has none and config.eval.skip_missing_languages is set."""
    try:
      examples = load.load_examples(task, 'test', lang, **self.load_kwargs)
    except (FileNotFoundError, ValueError):
      if not self.config.eval.skip_missing_languages:
        raise
      return None
    m = self.config.eval.max_examples
    if task.format == 'ranking':
      return [dataclasses.replace(c, query_ids=list(c.query_ids)[:m], queries=list(c.queries)[:m])
              if m else c for c in examples]
    return examples[:m] if m else examples

  def ranking_options(self, task):
    """The dual encoder's featurizer options from config.ranking, as the experiment reads
    them (`data.ranking.options`)."""
    return ranking_data.options(task, self.config.get('ranking'))

  def seq_length(self, task):
    t = self.config.target
    return t.qa_max_seq_length if task.format == 'span_qa' else t.max_seq_length

  def target_model(self, task):
    spec = head_spec(task)
    model = Model(self.model_config, (spec,))
    boxed = jax.eval_shape(lambda r: model.init_params(r, boxed=True), jax.random.PRNGKey(0))
    shardings = rules_lib.tree_shardings(boxed, self.mesh, self.rules)
    abstract = jax.tree.map(lambda x, s: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=s),
                            nn.unbox(boxed), shardings)
    params = _restore_best(os.path.join(self.path, f'target_{task.name}'), abstract)
    logprob_fn = scorer_lib.make_logprob_fn(model, spec.name, task.format, shardings, self.mesh,
                                            self.rules)
    predict_fn = _jit(lambda p, b: heads_lib.predict(
        task.format, model.apply({'params': p}, b, spec.name, deterministic=True)),
        shardings, self)
    return TargetModel(task, model, params, self.seq_length(task), logprob_fn, predict_fn)

  def scorer(self, target, batch_size=0):
    """The gold scorer of `target`; `batch_size` rows per call (default the eval batch size;
    a multiple of the data-parallel devices)."""
    return scorer_lib.GoldScorer(target.task, target.logprob_fn, target.params, self.tokenizer,
                                 target.max_seq_length, batch_size or self.config.eval.batch_size,
                                 self.batch_sharding, self.qa_options)

  def predictions(self, target, examples):
    """Predictions in eval's form (label indices, tag lists, {guid: answer})."""
    from xstilts_jax.data import featurize as featurize_lib  # pylint: disable=g-import-not-at-top
    options = self.qa_options if target.task.format == 'span_qa' else {}
    features = featurize_lib.featurize(target.task, examples, self.tokenizer,
                                       target.max_seq_length, **options)
    outputs = predict.run(target.predict_fn, target.params, features,
                          self.config.eval.batch_size, self.batch_sharding,
                          per_token=predict.PER_TOKEN.get(target.task.format, ()))
    return predict.to_predictions(target.task, examples, features, outputs, **self.post_options)

  def retrieval_encoder(self):
    """(encode_fn, params) of the phase-2 encoder, as the experiment's retrieval uses it."""
    from xstilts_jax.eval import retrieval  # pylint: disable=g-import-not-at-top
    encoder = XLMREncoder(self.model_config)
    layer = self.config.retrieval.layer
    inter = os.path.join(self.path, 'intermediate')
    if names(self.config.intermediate.tasks):
      # The intermediate phase's tree: {'encoder', 'heads': {...}}; only the encoder is read.
      specs = tuple(head_spec(self.task(n)) for n in names(self.config.intermediate.tasks))
      model = Model(self.model_config, tuple(dict.fromkeys(specs)))
      boxed = jax.eval_shape(lambda r: model.init_params(r, boxed=True), jax.random.PRNGKey(0))
      shardings = rules_lib.tree_shardings(boxed, self.mesh, self.rules)
      abstract = jax.tree.map(lambda x, s: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=s),
                              nn.unbox(boxed), shardings)
      params = _restore_best(inter, abstract)['encoder']
    elif self.config.model.pretrained:
      params = load_pretrained(self.config.model.pretrained)[1]['encoder']
    else:  # the seeded random init train/experiment.start_model makes (jitted: one compile;
      # the values agree with its eager init to float32 rounding, ~1e-8)
      ids = jnp.full((1, 8), self.model_config.bos_token_id, jnp.int32)
      params = nn.unbox(jax.jit(encoder.init)(jax.random.PRNGKey(self.config.seed), ids,
                                              jnp.ones_like(ids))['params'])
    encode_fn = retrieval.make_encode_fn(retrieval.xlmr_hidden_states_fn(encoder), layer,
                                         out_sharding=rules_lib.replicated(self.mesh))
    return encode_fn, {'params': jax.tree.map(np.asarray, params)}


def _jit(fn, param_shardings, wd):
  jitted = jax.jit(fn, in_shardings=(param_shardings, wd.batch_sharding),
                   out_shardings=rules_lib.replicated(wd.mesh))

  def wrapped(params, batch):
    with nn.logical_axis_rules(wd.rules):
      return jitted(params, batch)
  return wrapped
