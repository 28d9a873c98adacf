"""One loss per format, on the model's outputs; each returns (mean loss, number of valid items).

Computed in float32 whatever the compute dtype. An item is valid when it has a label:
classification / multiple choice `label >= 0`, span QA `start_positions >= 0`, tagging and
MLM `labels != -100`, ranking every query. The mean is over valid items of the (global)
batch.
"""

import jax
import jax.numpy as jnp

IGNORE = -100


def cross_entropy(logits, labels, valid):
  """Sum of token cross-entropies over `valid` positions, and their count."""
  logp = jax.nn.log_softmax(logits.astype(jnp.float32), axis=-1)
  safe = jnp.where(valid, labels, 0)
  nll = -jnp.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
  valid = valid.astype(jnp.float32)
  return jnp.sum(nll * valid), jnp.sum(valid)


def _mean(total, count):
  return total / jnp.maximum(count, 1.0), count


def classification_loss(outputs, batch):
  """Also multiple choice: logits [B, C] over labels or choices."""
  label = batch['label']
  return _mean(*cross_entropy(outputs['logits'], label, label >= 0))


def span_qa_loss(outputs, batch):
  """Mean of the start and end cross-entropies over sequence positions."""
  start, end = batch['start_positions'], batch['end_positions']
  valid = start >= 0
  s_total, count = cross_entropy(outputs['start_logits'], start, valid)
  e_total, _ = cross_entropy(outputs['end_logits'], end, valid)
  return _mean((s_total + e_total) / 2, count)


def token_loss(outputs, batch):
  """Tagging and MLM: logits [B, T, K]; labels [B, T] with -100 where ignored."""
  labels = batch['labels']
  return _mean(*cross_entropy(outputs['logits'], labels, labels != IGNORE))


def ranking_loss(outputs, batch):
  """In-batch negatives, as XTREME-R's dual encoder (`BertForRetrieval`): logits = logit_scale
  × cosine(query i, candidate j) over every query and candidate of the GLOBAL batch (jit sees
  global arrays: under data parallelism the candidates of all devices), softmax
  cross-entropy with query i's own candidate as the target. Duplicated candidates are not
  masked (XTREME-R does not mask them)."""
  del batch
  q, c = outputs['embedding'], outputs['candidate_embedding']
  sims = jnp.matmul(q.astype(jnp.float32), c.astype(jnp.float32).T,
                    precision=jax.lax.Precision.HIGHEST)
  logits = outputs['logit_scale'].astype(jnp.float32) * sims
  labels = jnp.arange(q.shape[0])
  return _mean(*cross_entropy(logits, labels, jnp.ones(q.shape[0], bool)))


LOSSES = {
    'classification': classification_loss,
    'multiple_choice': classification_loss,
    'span_qa': span_qa_loss,
    'tagging': token_loss,
    'mlm': token_loss,
    'ranking': ranking_loss,
}


def loss_fn(format_name: str):
  if format_name not in LOSSES:
    raise ValueError(f'no training loss for format {format_name!r}; expected one of {sorted(LOSSES)}')
  return LOSSES[format_name]
