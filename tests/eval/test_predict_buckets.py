"""Evaluation in length buckets (`eval.predict.run(..., per_token=...)`) equals evaluation at the
full length: every output of every head, at every position, within 1e-5 (float rounding: the
trimmed batches sum their attention and matrix products over fewer padded terms).
"""

import jax
import numpy as np
import pytest

from xstilts_jax.data.features import Features
from xstilts_jax.eval import predict
from xstilts_jax.models import HeadSpec, Model, preset
from xstilts_jax.models import predict as heads_predict

FULL = 64  # buckets 32, 64
# Lengths around the bucket edges: below, at and above 32, and the full length.
LENGTHS = (3, 31, 32, 33, 64, 5, 63, 12, 40, 2, 17)
HEADS = {'classification': HeadSpec('nli', 'classification', 3),
         'tagging': HeadSpec('pos', 'tagging', 5),
         'span_qa': HeadSpec('squad', 'span_qa'),
         'multiple_choice': HeadSpec('swag', 'multiple_choice')}
# The raw outputs with a token axis (what run() pads back), beside the eval predictions'.
RAW_PER_TOKEN = {'tagging': ('logits',), 'span_qa': ('start_logits', 'end_logits')}


def test_length_buckets():
  assert predict.length_buckets(128) == (32, 64, 96, 128)
  assert predict.length_buckets(384) == (32, 64, 96, 128, 256, 384)
  assert predict.length_buckets(512) == (32, 64, 96, 128, 256, 512)
  assert predict.length_buckets(64) == (32, 64)
  assert predict.length_buckets(100) == (32, 64, 96, 100)
  assert predict.length_buckets(16) == (16,)


def _features(config, choices=0):
  rng = np.random.default_rng(0)
  shape = (len(LENGTHS), choices, FULL) if choices else (len(LENGTHS), FULL)
  ids = rng.integers(3, config.vocab_size, shape).astype(np.int32)
  mask = np.zeros(shape, np.int32)
  for row, length in enumerate(LENGTHS):
    # Multiple choice: the row's choices differ in length; the longest sets its bucket.
    for c in range(max(choices, 1)):
      n = max(2, length - 7 * c)
      (mask[row, c] if choices else mask[row])[:n] = 1
  ids = np.where(mask == 1, ids, config.pad_token_id).astype(np.int32)
  ids[..., 0] = config.bos_token_id
  return Features({'input_ids': ids, 'attention_mask': mask}, {})


@pytest.fixture(scope='module')
def model():
  config = preset('tiny', vocab_size=100)
  model = Model(config, tuple(HEADS.values()))
  return config, model, model.init_params(jax.random.key(0))


@pytest.mark.parametrize('format', sorted(HEADS))
def test_buckets_equal_the_full_length(model, format):
  config, net, params = model
  head = HEADS[format].name
  shapes = []

  @jax.jit
  def raw(params, batch):
    return net.apply({'params': params}, batch, head, deterministic=True)

  def predict_fn(params, batch):
    shapes.append(batch['input_ids'].shape[-1])
    return raw(params, batch)

  features = _features(config, choices=4 if format == 'multiple_choice' else 0)
  full = predict.run(predict_fn, params, features, 4)
  assert set(shapes) == {FULL}
  shapes.clear()
  bucketed = predict.run(predict_fn, params, features, 4,
                         per_token=RAW_PER_TOKEN.get(format, ()))
  assert set(shapes) == {32, 64}  # rows shorter than 32 ran at 32
  assert sorted(bucketed) == sorted(full)
  for key in full:
    assert bucketed[key].shape == full[key].shape, key
    np.testing.assert_allclose(bucketed[key], full[key], rtol=1e-5, atol=1e-5, err_msg=key)


def test_eval_predictions_are_unchanged(model):
  """What evaluation reads: tag predictions per token and QA logits, through PER_TOKEN."""
  config, net, params = model
  features = _features(config)
  for format in ('tagging', 'span_qa'):
    head = HEADS[format].name

    @jax.jit
    def predict_fn(params, batch, head=head, format=format):
      return heads_predict(format, net.apply({'params': params}, batch, head, deterministic=True))

    full = predict.run(predict_fn, params, features, 4)
    bucketed = predict.run(predict_fn, params, features, 4, per_token=predict.PER_TOKEN[format])
    for key in predict.PER_TOKEN[format]:
      if format == 'tagging':
        np.testing.assert_array_equal(bucketed[key], full[key])
      else:
        np.testing.assert_allclose(bucketed[key], full[key], rtol=1e-5, atol=1e-5)
