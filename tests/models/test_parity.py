"""Our encoder and MLM head against transformers' PyTorch XLM-R, through load_pretrained."""

import jax
import numpy as np
import pytest
import torch

from tests.models.hf_reference import CONFIGS, padded_batch
from xstilts_jax.models import HeadSpec, Model, load_pretrained


def torch_outputs(model, ids, mask):
  with torch.no_grad():
    out = model(input_ids=torch.tensor(ids, dtype=torch.long),
                attention_mask=torch.tensor(mask, dtype=torch.long), output_hidden_states=True)
  return [h.numpy() for h in out.hidden_states], out.logits.numpy()


@pytest.fixture(scope='module', params=sorted(CONFIGS))
def loaded(request, mlm_checkpoints):
  folder, torch_model = mlm_checkpoints[request.param]
  config, params = load_pretrained(folder)
  return request.param, config, params, torch_model


def forward(config, params):
  model = Model(config, (HeadSpec('mlm', 'mlm'),))
  hidden = jax.jit(lambda p, b: model.apply({'params': p}, b)['hidden_states'])
  logits = jax.jit(lambda p, b: model.apply({'params': p}, b, 'mlm')['logits'])
  return lambda b: (hidden(params, b), logits(params, b))


def test_hidden_states_and_mlm_logits_match_pytorch(loaded):
  name, config, params, torch_model = loaded
  assert config.num_hidden_layers == CONFIGS[name]['num_hidden_layers']
  assert config.max_position_embeddings == CONFIGS[name]['max_position_embeddings']
  ids, mask = padded_batch(config.vocab_size)
  want_hidden, want_logits = torch_outputs(torch_model, ids, mask)
  hidden, logits = forward(config, params)({'input_ids': ids, 'attention_mask': mask})
  assert len(hidden) == config.num_hidden_layers + 1
  for i, (got, want) in enumerate(zip(hidden, want_hidden)):
    real = mask.astype(bool)  # padding positions too: HF computes them the same way
    diff = np.abs(np.asarray(got) - want).max()
    assert diff <= 1e-5, f'{name}: hidden_states[{i}] max abs diff {diff}'
    assert np.abs(want[real]).max() > 0.1  # a meaningful comparison, not zeros
  diff = np.abs(np.asarray(logits) - want_logits).max()
  assert diff <= 1e-4, f'{name}: MLM logits max abs diff {diff}'
