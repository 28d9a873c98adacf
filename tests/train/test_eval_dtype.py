"""Evaluation computes in config.eval.dtype (float32), whatever the training dtype (bfloat16):
the predict steps of a phase (dev model selection, zero-shot) and the retrieval vectors."""

import os
import runpy

import jax
import numpy as np
import pytest

from tests.models.hf_reference import padded_batch
from xstilts_jax.eval import retrieval
from xstilts_jax.models import Model, XLMREncoder, preset
from xstilts_jax.parallel import mesh as mesh_lib
from xstilts_jax.tasks.registry import get_task
from xstilts_jax.train import experiment
from xstilts_jax.train import loop
from xstilts_jax.train import steps as steps_lib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


@pytest.fixture(scope='module')
def setup():
  config = runpy.run_path(os.path.join(ROOT, 'configs', 'tiny.py'))['get_config']()
  assert config.eval.dtype == 'float32'  # the default
  bf16 = preset('tiny', vocab_size=60, dtype='bfloat16')
  mesh = mesh_lib.make_mesh((-1, 1, 1))
  trainer = loop.PhaseTrainer(bf16, [get_task('squad_v1'), get_task('xnli')], config,
                              config.target, mesh, 10)
  params = trainer.model.init_params(jax.random.key(0))
  ids, mask = padded_batch(bf16.vocab_size, lengths=(9, 5))
  return config, bf16, mesh, trainer, params, {'input_ids': ids, 'attention_mask': mask}


def test_predict_steps_compute_in_float32(setup):
  _, bf16, _, trainer, params, batch = setup
  got = trainer.predict_fns['squad_v1'](params, batch)['start_logits']
  fp32 = Model(bf16.replace(dtype='float32'), trainer.model.heads)
  start = lambda model: jax.jit(
      lambda p, b: model.apply({'params': p}, b, 'squad_v1')['start_logits'])(params, batch)
  want, trained = start(fp32), start(trainer.model)
  np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
  assert np.abs(np.float32(trained) - want).max() > 1e-4  # bf16 is measurably different
  # The classification step has no bf16 op at all; the training model's forward has.
  hlo = trainer.predict_fns['xnli'].jitted.lower(params, batch).as_text()
  assert 'bf16' not in hlo
  train_forward = jax.jit(steps_lib.make_eval_step(trainer.model, 'xnli'))
  assert 'bf16' in train_forward.lower(params, batch).as_text()


def test_retrieval_vectors_compute_in_float32(setup):
  config, bf16, mesh, _, params, batch = setup
  encoder = {'params': params['encoder']}
  args = (encoder, batch['input_ids'], batch['attention_mask'])
  got = experiment.retrieval_encode_fn(bf16, config, mesh)(*args)

  def vectors(model_config):
    fn = retrieval.xlmr_hidden_states_fn(XLMREncoder(model_config))
    return retrieval.make_encode_fn(fn, config.retrieval.layer)(*args)
  want = vectors(bf16.replace(dtype='float32'))
  np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
  assert np.abs(vectors(bf16) - want).max() > 1e-4
