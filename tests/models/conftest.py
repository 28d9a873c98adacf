"""Random tiny XLM-R checkpoints written by transformers + torch (the parity reference)."""

import pytest

from tests.models.hf_reference import CONFIGS, torch_model, transformers


@pytest.fixture(scope='session')
def mlm_checkpoints(tmp_path_factory):
  """{name: (folder, torch XLMRobertaForMaskedLM)} saved with save_pretrained (safetensors)."""
  out = {}
  for seed, name in enumerate(CONFIGS):
    model = torch_model(transformers.XLMRobertaForMaskedLM, name, seed)
    folder = str(tmp_path_factory.mktemp(f'hf_{name}'))
    model.save_pretrained(folder)
    out[name] = folder, model
  return out


@pytest.fixture(scope='session')
def base_checkpoint(tmp_path_factory):
  """(folder, torch XLMRobertaModel with its pooler, every weight random), 'odd' config."""
  model = torch_model(transformers.XLMRobertaModel, 'odd', 7)
  assert model.pooler is not None
  folder = str(tmp_path_factory.mktemp('hf_base_odd'))
  model.save_pretrained(folder)
  return folder, model
