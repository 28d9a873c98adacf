"""Sentence vectors (mean pooling, batched encode) and Tatoeba retrieval."""

import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax.eval import retrieval
from xstilts_jax.tasks.examples import RetrievalCorpus


def _fake_hidden_states_fn(params, input_ids, attention_mask):
  """Stands in for the encoder: layer l = l * embedding of the token, plus its position.

  The position term makes padding matter: a pooled vector depends on where the mask ends.
  """
  del attention_mask  # like a real encoder's output at padding: garbage that must be masked
  emb = params['emb'][input_ids]
  pos = jnp.arange(input_ids.shape[1], dtype=jnp.float32)[None, :, None]
  return tuple(l * emb + pos for l in range(3))


def _batch(lengths, t=12, vocab=20, seed=0):
  rng = np.random.default_rng(seed)
  ids = np.ones((len(lengths), t), np.int32)  # <pad> = 1
  mask = np.zeros((len(lengths), t), np.int32)
  for i, n in enumerate(lengths):
    ids[i, 0], ids[i, n - 1] = 0, 2  # <s> ... </s>
    ids[i, 1:n - 1] = rng.integers(3, vocab, n - 2)
    mask[i, :n] = 1
  return ids, mask


def test_mean_pool_counts_only_unmasked_tokens():
  hidden = jnp.array([[[1., 2.], [3., 4.], [100., 100.]]])
  mask = jnp.array([[1, 1, 0]])
  np.testing.assert_allclose(retrieval.mean_pool(hidden, mask), [[2., 3.]])


def test_embed_matches_direct_mean_pool_across_batches_and_buckets():
  params = {'emb': jnp.asarray(np.random.default_rng(0).standard_normal((20, 8)), jnp.float32)}
  lengths = [3, 12, 5, 7, 4, 9, 3]  # 7 rows, batch 3: filler rows in the last batch
  ids, mask = _batch(lengths)
  encode = retrieval.make_encode_fn(_fake_hidden_states_fn, layer=2)
  vecs = retrieval.embed(encode, params, ids, mask, batch_size=3, buckets=(4, 8))
  assert vecs.dtype == np.float32 and vecs.shape == (7, 8)
  for i, n in enumerate(lengths):
    want = (2 * np.asarray(params['emb'])[ids[i, :n]] + np.arange(n)[:, None]).mean(axis=0)
    np.testing.assert_allclose(vecs[i], want, rtol=1e-5, atol=1e-5)


def test_tatoeba_english_queries_non_english_database():
  rng = np.random.default_rng(0)
  source = rng.standard_normal((30, 16)).astype(np.float32)  # non-English side
  gold = rng.permutation(30)  # English j translates source[gold[j]]
  english = 3.0 * source[gold] + 0.05 * rng.standard_normal((30, 16)).astype(np.float32)
  # Scale differences do not matter (cosine); a near-copy is the nearest.
  pred = retrieval.tatoeba_predict(source, english, chunk=8)
  np.testing.assert_array_equal(pred, gold)
  assert retrieval.tatoeba_accuracy(pred, gold) == 100.0
  # Two English sentences that both point at source 0: the direction is English -> source,
  # so both can predict the same source sentence (it is not a one-to-one matching).
  english[:2] = source[0]
  pred = retrieval.tatoeba_predict(source, english, chunk=8)
  assert pred[0] == pred[1] == 0
  expected = 100.0 * ((gold[:2] == 0).sum() + 28) / 30
  assert abs(retrieval.tatoeba_accuracy(pred, gold) - expected) < 1e-9


def test_evaluate_tatoeba_maps_ids_to_positions():
  rng = np.random.default_rng(1)
  source = rng.standard_normal((6, 8)).astype(np.float32)
  english = source[[2, 0, 1, 5, 3, 4]].copy()
  english[5] = source[0]  # English 5 (gold source 4) retrieves source 0: one miss
  corpus = RetrievalCorpus(
      lang='de', source_ids=[str(i) for i in range(6)], source=['s'] * 6,
      target_ids=[str(j) for j in range(6)], target=['t'] * 6,
      gold=[('2', '0'), ('0', '1'), ('1', '2'), ('5', '3'), ('3', '4'), ('4', '5')])
  res = retrieval.evaluate_tatoeba(corpus, source, english)
  assert res['predictions'] == ['2', '0', '1', '5', '3', '0']
  assert abs(res['accuracy'] - 500 / 6) < 1e-9


def test_embed_with_the_real_encoder_is_independent_of_padding():
  """Our XLMREncoder: trimming a batch to a bucket gives the vectors of the full length."""
  import flax.linen as nn  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models import config as config_lib  # pylint: disable=g-import-not-at-top
  from xstilts_jax.models.xlmr import XLMREncoder  # pylint: disable=g-import-not-at-top

  cfg = config_lib.preset('tiny')
  encoder = XLMREncoder(cfg)
  ids, mask = _batch([3, 5, 8, 4], t=16, vocab=min(cfg.vocab_size, 50))
  params = nn.meta.unbox(encoder.init(jax.random.PRNGKey(0), ids, mask))
  encode = retrieval.make_encode_fn(retrieval.xlmr_hidden_states_fn(encoder), layer=1)
  bucketed = retrieval.embed(encode, params, ids, mask, batch_size=4, buckets=(8,))
  full = np.asarray(encode(params, ids, mask))
  np.testing.assert_allclose(bucketed, full, rtol=1e-4, atol=1e-5)
  hidden = encoder.apply(params, ids, mask, output_hidden_states=True)['hidden_states'][1]
  np.testing.assert_allclose(full, retrieval.mean_pool(hidden, mask), rtol=1e-6, atol=1e-6)
