"""load_pretrained on every checkpoint layout we accept, its strictness, and save_pretrained."""

import os
import shutil

import jax
import ml_dtypes
import numpy as np
import pytest
import torch
from safetensors.numpy import load_file, save_file

from tests.models.hf_reference import padded_batch, transformers
from xstilts_jax.models import CheckpointError, hf_state_dict, load_pretrained, save_pretrained


def assert_same_params(got, want):
  assert jax.tree.structure(got) == jax.tree.structure(want)
  jax.tree.map(np.testing.assert_array_equal, got, want)


@pytest.fixture(scope='module')
def small(mlm_checkpoints):
  folder, model = mlm_checkpoints['small']
  config, params = load_pretrained(folder)
  return folder, model, config, params


def rewrite(src, dst, edit):
  """Copies a safetensors checkpoint folder, editing its tensors dict on the way."""
  os.makedirs(dst, exist_ok=True)
  shutil.copy(os.path.join(src, 'config.json'), dst)
  tensors = load_file(os.path.join(src, 'model.safetensors'))
  edit(tensors)
  save_file(tensors, os.path.join(dst, 'model.safetensors'), metadata={'format': 'pt'})
  return str(dst)


def test_loads_mlm_head_when_present(small):
  _, _, config, params = small
  assert set(params) == {'encoder', 'heads'}
  assert set(params['heads']) == {'mlm'}
  assert params['heads']['mlm']['bias'].shape == (config.vocab_size,)
  assert params['encoder']['layer_0']['attention']['query']['kernel'].shape == (32, 4, 8)


def test_sharded_safetensors_with_index(small, tmp_path):
  _, model, _, params = small
  model.save_pretrained(tmp_path, max_shard_size='20KB')
  shards = [f for f in os.listdir(tmp_path) if f.endswith('.safetensors')]
  assert os.path.exists(tmp_path / 'model.safetensors.index.json') and len(shards) > 1
  assert_same_params(load_pretrained(str(tmp_path))[1], params)


def test_bf16_safetensors_cast_to_param_dtype(small, tmp_path):
  _, model, _, params = small
  bf16 = transformers.XLMRobertaForMaskedLM(model.config)
  bf16.load_state_dict(model.state_dict())
  bf16.to(torch.bfloat16).save_pretrained(tmp_path)
  rounded = jax.tree.map(lambda x: x.astype(ml_dtypes.bfloat16).astype(np.float32), params)
  rounded['encoder']['pooler'] = params['encoder']['pooler']  # not in the file: seeded random
  config, got = load_pretrained(str(tmp_path))
  assert_same_params(got, rounded)
  assert got['encoder']['layer_0']['output']['kernel'].dtype == np.float32
  _, got = load_pretrained(str(tmp_path), param_dtype='bfloat16')
  assert got['encoder']['layer_0']['output']['kernel'].dtype == ml_dtypes.bfloat16
  assert got['encoder']['pooler']['dense']['kernel'].dtype == ml_dtypes.bfloat16


def test_pytorch_model_bin(small, tmp_path):
  folder, model, _, params = small
  shutil.copy(os.path.join(folder, 'config.json'), tmp_path)
  torch.save(model.state_dict(), tmp_path / 'pytorch_model.bin')
  assert_same_params(load_pretrained(str(tmp_path))[1], params)


def without_pooler(encoder):
  return {k: v for k, v in encoder.items() if k != 'pooler'}


def test_base_model_without_prefix_with_and_without_pooler(small, tmp_path, caplog):
  _, model, _, params = small
  # XLMRobertaModel keys have no 'roberta.' prefix; the MLM model's encoder has no pooler.
  model.roberta.save_pretrained(tmp_path / 'no_pooler')
  with_pooler = transformers.XLMRobertaModel(model.config)
  missing, _ = with_pooler.load_state_dict(model.roberta.state_dict(), strict=False)
  assert sorted(missing) == ['pooler.dense.bias', 'pooler.dense.weight']
  with torch.no_grad():
    with_pooler.pooler.dense.bias.normal_()  # HF's init leaves it zero: too easy a test
  with_pooler.save_pretrained(tmp_path / 'pooler')
  for name in ('no_pooler', 'pooler'):
    caplog.clear()
    _, got = load_pretrained(str(tmp_path / name))
    assert got['heads'] == {}
    assert_same_params(without_pooler(got['encoder']), without_pooler(params['encoder']))
    warned = [r for r in caplog.records
              if r.levelname == 'WARNING' and 'no pooler' in r.getMessage()]
    assert len(warned) == (name == 'no_pooler'), caplog.text
  pooler, want = got['encoder']['pooler']['dense'], with_pooler.pooler.dense
  np.testing.assert_array_equal(pooler['kernel'], want.weight.detach().numpy().T)
  np.testing.assert_array_equal(pooler['bias'], want.bias.detach().numpy())


def test_missing_pooler_is_random_from_the_seed(small, caplog):
  folder, _, config, params = small
  _, same = load_pretrained(folder)
  _, other = load_pretrained(folder, seed=1)
  warning = [r.getMessage() for r in caplog.records if r.levelname == 'WARNING']
  assert len(warning) == 2 and all(
      'model.safetensors has no pooler weights' in w and 'random init' in w for w in warning)
  assert 'seed 1' in warning[1], warning[1]
  pooler = params['encoder']['pooler']['dense']
  assert_same_params(same['encoder']['pooler'], params['encoder']['pooler'])  # seed 0 again
  assert not np.array_equal(other['encoder']['pooler']['dense']['kernel'], pooler['kernel'])
  # HF's init: normal(0, initializer_range), zero bias.
  assert pooler['kernel'].shape == (config.hidden_size,) * 2
  assert abs(pooler['kernel'].std() / config.initializer_range - 1) < 0.15
  assert abs(pooler['kernel'].mean()) < 0.2 * config.initializer_range
  np.testing.assert_array_equal(pooler['bias'], 0.0)


def test_explicit_tied_decoder_weight(small, tmp_path):
  folder, _, _, params = small

  def add_decoder(t):
    t['lm_head.decoder.weight'] = t['roberta.embeddings.word_embeddings.weight'].copy()
    t['lm_head.decoder.bias'] = t['lm_head.bias'].copy()
  assert_same_params(load_pretrained(rewrite(folder, tmp_path / 'tied', add_decoder))[1], params)

  def untied(t):
    t['lm_head.decoder.weight'] = t['roberta.embeddings.word_embeddings.weight'] + 1.0
  with pytest.raises(CheckpointError, match='lm_head.decoder.weight differs'):
    load_pretrained(rewrite(folder, tmp_path / 'untied', untied))


def _drop(t):
  del t['roberta.encoder.layer.1.output.dense.bias']
  del t['lm_head.layer_norm.weight']


def _extra(t):
  t['roberta.encoder.layer.0.extra.weight'] = np.zeros(3, np.float32)
  t['classifier.dense.weight'] = np.zeros((2, 2), np.float32)


def _reshape(t):
  t['roberta.encoder.layer.0.intermediate.dense.weight'] = np.zeros((63, 32), np.float32)


@pytest.mark.parametrize('edit,expected', [
    (_drop, ['missing (2)', 'encoder.layer.1.output.dense.bias', 'lm_head.layer_norm.weight']),
    (_extra, ['unexpected (2)', 'roberta.encoder.layer.0.extra.weight',
              'classifier.dense.weight']),
    (_reshape, ['wrong shape (1)', 'roberta.encoder.layer.0.intermediate.dense.weight',
                '(63, 32)', '(64, 32)']),
])
def test_strict_loading_names_offending_keys(small, tmp_path, edit, expected):
  with pytest.raises(CheckpointError) as err:
    load_pretrained(rewrite(small[0], tmp_path, edit))
  message = str(err.value)
  assert 'model.safetensors' in message
  for text in expected:
    assert text in message, message


def test_missing_weights_file_is_named(small, tmp_path):
  shutil.copy(os.path.join(small[0], 'config.json'), tmp_path)
  with pytest.raises(FileNotFoundError, match='no weights found'):
    load_pretrained(str(tmp_path))


def test_export_loads_in_transformers_with_same_outputs(mlm_checkpoints, tmp_path):
  folder, reference = mlm_checkpoints['odd']
  config, params = load_pretrained(folder)
  save_pretrained(config, params, str(tmp_path))
  ids, mask = padded_batch(config.vocab_size)
  inputs = dict(input_ids=torch.tensor(ids).long(), attention_mask=torch.tensor(mask).long(),
                output_hidden_states=True)
  # The MLM model has no pooler (transformers 5): it reports ours as unexpected, nothing else.
  mlm, info = transformers.XLMRobertaForMaskedLM.from_pretrained(
      str(tmp_path), attn_implementation='eager', output_loading_info=True)
  assert not info['missing_keys'] and not info['mismatched_keys']
  assert sorted(info['unexpected_keys']) == ['roberta.pooler.dense.bias',
                                             'roberta.pooler.dense.weight']
  base, info = transformers.XLMRobertaModel.from_pretrained(
      str(tmp_path), attn_implementation='eager', output_loading_info=True)
  assert not info['missing_keys'] and not info['mismatched_keys']
  assert all(k.startswith('lm_head.') for k in info['unexpected_keys']), info
  with torch.no_grad():
    want = reference.eval()(**inputs)
    got_mlm, got_base = mlm.eval()(**inputs), base.eval()(**inputs)
  np.testing.assert_array_equal(got_mlm.logits.numpy(), want.logits.numpy())
  for got, w in zip(got_base.hidden_states, want.hidden_states):
    np.testing.assert_array_equal(got.numpy(), w.numpy())
  pooler = params['encoder']['pooler']['dense']  # the seeded random one: no pooler in `folder`
  np.testing.assert_array_equal(base.pooler.dense.weight.detach().numpy(), pooler['kernel'].T)


def test_encoder_export_is_an_xlmroberta_model_with_its_pooler(base_checkpoint, tmp_path):
  """XLMRobertaModel (pooler included) → load_pretrained → save_pretrained → XLMRobertaModel:
  nothing missing or unexpected, every tensor (the pooler too) bitwise the original."""
  folder, reference = base_checkpoint
  config, params = load_pretrained(folder)
  assert params['heads'] == {}
  save_pretrained(config, params, str(tmp_path))
  model, info = transformers.XLMRobertaModel.from_pretrained(str(tmp_path),
                                                             output_loading_info=True)
  assert not any(info.values()), info
  want = reference.state_dict()
  got = model.state_dict()
  assert sorted(got) == sorted(want) and 'pooler.dense.weight' in got
  for name, tensor in want.items():
    np.testing.assert_array_equal(got[name].numpy(), tensor.numpy(), err_msg=name)


def test_scan_layers_stack_on_import_and_unstack_on_export(mlm_checkpoints):
  folder, _ = mlm_checkpoints['odd']
  config, params = load_pretrained(folder)
  scan_config, stacked = load_pretrained(folder, scan_layers=True)
  assert 'layer_0' not in stacked['encoder']
  assert stacked['encoder']['layers']['intermediate']['kernel'].shape == (3, 36, 50)
  np.testing.assert_array_equal(stacked['encoder']['layers']['output']['bias'][2],
                                params['encoder']['layer_2']['output']['bias'])
  want = hf_state_dict(config, params)
  got = hf_state_dict(scan_config, stacked)
  assert sorted(got) == sorted(want)
  for name in want:
    np.testing.assert_array_equal(got[name], want[name], err_msg=name)
