"""Losses per format, the pure train step (NaN detection, gradient accumulation) and eval step."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xstilts_jax.models.config import preset
from xstilts_jax.models.model import HeadSpec, Model
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.train import losses
from xstilts_jax.train import state as state_lib
from xstilts_jax.train import steps
from xstilts_jax.train.optimizer import make_optimizer


def _np_ce(logits, labels):
  logits = np.asarray(logits, np.float64)
  logp = logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)) \
      - logits.max(-1, keepdims=True)
  return -np.take_along_axis(logp, np.asarray(labels)[..., None], -1)[..., 0]


def test_classification_loss_skips_unlabelled():
  logits = np.random.RandomState(0).randn(4, 3).astype(np.float32)
  label = np.array([0, 2, -1, 1], np.int32)
  loss, count = losses.classification_loss({'logits': logits}, {'label': label})
  want = _np_ce(logits[[0, 1, 3]], label[[0, 1, 3]]).mean()
  np.testing.assert_allclose(loss, want, rtol=1e-6)
  assert count == 3


def test_span_qa_loss_is_mean_of_start_and_end():
  r = np.random.RandomState(1)
  s, e = r.randn(2, 5).astype(np.float32), r.randn(2, 5).astype(np.float32)
  batch = {'start_positions': np.array([1, 0]), 'end_positions': np.array([3, 0])}
  loss, _ = losses.span_qa_loss({'start_logits': s, 'end_logits': e}, batch)
  want = (_np_ce(s, [1, 0]).mean() + _np_ce(e, [3, 0]).mean()) / 2
  np.testing.assert_allclose(loss, want, rtol=1e-6)


def test_token_loss_ignores_minus_100_and_bf16_logits():
  logits = np.random.RandomState(2).randn(2, 4, 6).astype(np.float32)
  labels = np.array([[-100, 1, 5, -100], [2, -100, -100, -100]], np.int32)
  loss, count = losses.token_loss({'logits': jnp.asarray(logits, jnp.bfloat16)}, {'labels': labels})
  keep = labels != -100
  want = _np_ce(np.asarray(jnp.asarray(logits, jnp.bfloat16), np.float32)[keep], labels[keep]).mean()
  np.testing.assert_allclose(loss, want, rtol=1e-5)
  assert count == 3
  assert losses.loss_fn('mlm') is losses.token_loss
  assert losses.loss_fn('multiple_choice') is losses.classification_loss
  with pytest.raises(ValueError, match='retrieval'):
    losses.loss_fn('retrieval')


BATCH, SEQ = 4, 16


@pytest.fixture(scope='module')
def setup():
  # No dropout: micro-batching must then reproduce the full-batch step exactly.
  config = preset('tiny', hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
  model = Model(config, (HeadSpec('nli', 'classification', 3),))
  mesh = mesh_lib.make_mesh((1, 1, 1))
  r = np.random.RandomState(0)
  ids = r.randint(3, config.vocab_size, (BATCH, SEQ)).astype(np.int32)
  ids[:, 0] = 0
  batch = {'input_ids': ids, 'attention_mask': np.ones_like(ids),
           'label': np.array([0, 1, 2, 1], np.int32)}
  init = lambda rng: model.init_params(rng, seq_len=SEQ, boxed=True)  # noqa: E731
  return model, mesh, batch, init


def _trainer(setup, accum):
  model, mesh, _, init = setup
  tx = make_optimizer(1e-3, total_steps=10, grad_accum_steps=accum)
  state, sh = state_lib.create_train_state(init, tx, jax.random.PRNGKey(0), mesh)
  step = steps.jit_train_step(steps.make_train_step(model, tx, 'nli', 'classification'), sh, mesh)
  return state, step


def test_grad_accumulation_matches_full_batch(setup):
  batch = setup[2]
  full, step1 = _trainer(setup, 1)
  full, m = step1(full, batch)
  assert bool(m['finite']) and m['num_valid'] == BATCH
  acc, step2 = _trainer(setup, 2)
  for half in (slice(0, 2), slice(2, 4)):
    acc, _ = step2(acc, {k: v[half] for k, v in batch.items()})
  # Mean of two equal-size micro-batch means == full-batch mean; clip + AdamW run once.
  for a, b in zip(jax.tree.leaves(acc.params), jax.tree.leaves(full.params)):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
  assert int(acc.step) == 2 and int(full.step) == 1


def test_nan_loss_is_detected(setup):
  state, step = _trainer(setup, 1)
  emb = state.params['encoder']['embeddings']['word_embeddings']['embedding']
  params = jax.tree.map(lambda x: x, state.params)
  params['encoder']['embeddings']['word_embeddings']['embedding'] = emb.at[0].set(jnp.nan)
  state, metrics = step(state.replace(params=params), setup[2])
  assert not bool(metrics['finite'])
  with pytest.raises(steps.NonFiniteLossError, match='non-finite loss at step 7'):
    steps.check_finite(metrics, 7)


def test_eval_step_is_deterministic(setup):
  model, mesh, batch, init = setup
  state, _ = _trainer(setup, 1)
  _, sh = state_lib.state_shardings(init, make_optimizer(1e-3, 10), mesh)
  ev = steps.jit_eval_step(steps.make_eval_step(model, 'nli'), sh.params, mesh)
  a, b = ev(state.params, batch), ev(state.params, batch)
  assert a['logits'].shape == (BATCH, 3)
  np.testing.assert_array_equal(a['logits'], b['logits'])


def test_create_train_state_from_given_params(setup):
  model, mesh, _, init = setup
  tx = make_optimizer(1e-3, total_steps=10)
  given = jax.tree.map(lambda x: np.full(x.shape, 0.5, x.dtype),
                       jax.eval_shape(lambda: model.init_params(jax.random.PRNGKey(0), seq_len=SEQ)))
  state, _ = state_lib.create_train_state(init, tx, jax.random.PRNGKey(0), mesh, params=given)
  for a, b in zip(jax.tree.leaves(state.params), jax.tree.leaves(given)):
    np.testing.assert_array_equal(a, b)
  assert int(state.step) == 0
  bad = jax.tree.map(lambda x: x, given)
  bad['heads']['nli']['out_proj']['kernel'] = np.zeros((2, 2), np.float32)
  with pytest.raises(ValueError, match='out_proj'):
    state_lib.create_train_state(init, tx, jax.random.PRNGKey(0), mesh, params=bad)
