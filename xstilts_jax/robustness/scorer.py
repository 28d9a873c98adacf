"""The gold's log-probability under a model, for many examples at once.

One jitted function returns the log-probabilities of every output (classes, choices, tags per
token, start and end per token); the gold is picked on the host. Rows go through
`eval.predict.run` (fixed-size batches, the mesh's batch sharding, multi-host), grouped into its
few length buckets (sliced from the featurizer's padding), so scoring thousands of candidate
texts compiles at most one program per bucket and never one per example.

Per example (`GoldScorer.__call__`): the gold log-probability (classification / multiple
choice: the gold class; tagging: the sum over words, i.e. the sentence's gold log-likelihood;
QA: start + end of the gold span, best window), and whether the model's argmax is the gold
(tagging: every word; QA: start and end in the window holding the answer).
"""

import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax.data import featurize as featurize_lib
from xstilts_jax.data.features import IGNORE
from xstilts_jax.eval import predict
from xstilts_jax.parallel import rules as rules_lib

_NEG = -1e9  # logit of positions outside the sequence: never the gold, never the argmax


def log_probs(format, outputs, attention_mask):
  """Log-probabilities of a model's outputs, in float32; padding masked out for QA."""
  if format == 'span_qa':
    keep = attention_mask > 0
    start = jnp.where(keep, outputs['start_logits'].astype(jnp.float32), _NEG)
    end = jnp.where(keep, outputs['end_logits'].astype(jnp.float32), _NEG)
    return {'start': jax.nn.log_softmax(start, -1), 'end': jax.nn.log_softmax(end, -1)}
  return {'log_probs': jax.nn.log_softmax(outputs['logits'].astype(jnp.float32), -1)}


def make_logprob_fn(model, head, format, param_shardings, mesh, rules=None):
  """`fn(params, batch) -> log_probs(...)`, jitted like evaluation: batch split by the mesh's
  batch sharding, parameters in their shardings, outputs replicated (every host reads them)."""
  rules = rules_lib.normalize_rules(rules)

  def fn(params, batch):
    out = model.apply({'params': params}, batch, head, deterministic=True)
    return log_probs(format, out, batch['attention_mask'])

  jitted = jax.jit(fn, in_shardings=(param_shardings, rules_lib.batch_sharding(mesh, rules)),
                   out_shardings=rules_lib.replicated(mesh))

  def wrapped(params, batch):
    with nn.logical_axis_rules(rules):
      return jitted(params, batch)
  return wrapped


@dataclasses.dataclass
class Scores:
  gold_logprob: np.ndarray  # [N] float64, per example
  correct: np.ndarray       # [N] bool: the model's argmax is the gold


def gold_scores(format, features, outputs, num_examples):
  """Per-example gold log-probability and argmax-is-gold from per-row outputs."""
  arrays = features.arrays
  index = np.asarray(arrays['example_index'])
  if format in ('classification', 'multiple_choice'):
    lp = outputs['log_probs']
    gold = arrays['label']
    row_lp = lp[np.arange(len(gold)), gold]
    row_ok = lp.argmax(-1) == gold
    logprob = np.full(num_examples, np.nan)
    correct = np.zeros(num_examples, bool)
    logprob[index], correct[index] = row_lp, row_ok
    return Scores(logprob, correct)
  if format == 'tagging':
    lp, labels = outputs['log_probs'], arrays['labels']
    keep = labels != IGNORE
    picked = np.take_along_axis(lp, np.where(keep, labels, 0)[..., None], -1)[..., 0]
    row_lp = np.where(keep, picked, 0.0).sum(-1)
    row_ok = ((lp.argmax(-1) == labels) | ~keep).all(-1)
    logprob = np.zeros(num_examples)
    correct = np.ones(num_examples, bool)
    np.add.at(logprob, index, row_lp)         # segments of one sentence add up
    np.logical_and.at(correct, index, row_ok)
    return Scores(logprob, correct)
  if format == 'span_qa':
    start, end = arrays['start_positions'], arrays['end_positions']
    rows = np.arange(len(start))
    row_lp = outputs['start'][rows, start] + outputs['end'][rows, end]
    row_ok = (outputs['start'].argmax(-1) == start) & (outputs['end'].argmax(-1) == end)
    # The window that holds the answer (start 0 = not in this window; a no-answer example
    # has 0 in every window and its gold is <s>).
    has = start > 0
    any_has = np.zeros(num_examples, bool)
    np.logical_or.at(any_has, index, has)
    use = has | ~any_has[index]
    logprob = np.full(num_examples, -np.inf)
    correct = np.zeros(num_examples, bool)
    np.maximum.at(logprob, index[use], row_lp[use])
    np.logical_or.at(correct, index[use], row_ok[use])
    return Scores(logprob, correct)
  raise ValueError(f'no gold log-probability for format {format!r}')


class GoldScorer:
  """`scorer(examples) -> Scores`: featurize, score in length buckets, pick the gold.

  `queries` counts the examples scored so far (what an attack's query budget counts).
  """

  def __init__(self, task, logprob_fn, params, tokenizer, max_seq_length, batch_size,
               sharding=None, featurize_options=None, bucketed=True):
    self.task, self.logprob_fn, self.params = task, logprob_fn, params
    self.tokenizer, self.max_seq_length = tokenizer, max_seq_length
    self.batch_size, self.sharding = batch_size, sharding
    self.options = dict(featurize_options or {}) if task.format == 'span_qa' else {}
    # The outputs with a token axis (`log_probs`), padded back to the full length by predict.run;
    # bucketed=False: every batch at the full length.
    self.per_token = {'tagging': ('log_probs',), 'span_qa': ('start', 'end')}.get(
        task.format, ()) if bucketed else None
    self.queries = 0

  def __call__(self, examples):
    examples = list(examples)
    self.queries += len(examples)
    if not examples:
      return Scores(np.zeros(0), np.zeros(0, bool))
    features = featurize_lib.featurize(self.task, examples, self.tokenizer,
                                       self.max_seq_length, **self.options)
    outputs = predict.run(self.logprob_fn, self.params, features, self.batch_size,
                          self.sharding, per_token=self.per_token)
    return gold_scores(self.task.format, features, outputs, len(examples))
