"""XLM-R XL/XXL (pre-LN, transformers' XLMRobertaXLModel) on a random tiny config: parity of
every hidden state, the pooler and the MLM logits, strict import, exact export, scan and remat."""

import os
import shutil

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from safetensors.numpy import load_file, save_file

from tests.models.hf_reference import padded_batch, torch_model, transformers
from xstilts_jax.models import (CheckpointError, HeadSpec, Model, XLMRConfig, XLMREncoder,
                                hf_state_dict, load_pretrained, save_pretrained)


@pytest.fixture(scope='module')
def xl_checkpoints(tmp_path_factory):
  """{'mlm'|'base': (folder, torch model)}: XLMRobertaXLForMaskedLM (no pooler) and
  XLMRobertaXLModel (with its pooler), every weight random, 'odd' config (3 layers)."""
  out = {}
  for seed, (kind, cls) in enumerate([('mlm', transformers.XLMRobertaXLForMaskedLM),
                                      ('base', transformers.XLMRobertaXLModel)]):
    model = torch_model(cls, 'odd', 11 + seed)
    folder = str(tmp_path_factory.mktemp(f'hf_xl_{kind}'))
    model.save_pretrained(folder)
    out[kind] = folder, model
  return out


def torch_forward(model, ids, mask):
  with torch.no_grad():
    return model(input_ids=torch.tensor(ids, dtype=torch.long),
                 attention_mask=torch.tensor(mask, dtype=torch.long), output_hidden_states=True)


def test_config_json_selects_the_pre_ln_variant(xl_checkpoints):
  config, params = load_pretrained(xl_checkpoints['base'][0])
  assert config.pre_layer_norm
  encoder = params['encoder']
  assert 'LayerNorm' not in encoder['embeddings'] and 'final_norm' in encoder
  assert set(encoder['layer_0']) == {'attention', 'attention_norm', 'intermediate', 'output',
                                     'mlp_norm'}


def test_hidden_states_pooler_and_mlm_logits_match_pytorch(xl_checkpoints):
  ids, mask = padded_batch(101)
  batch = {'input_ids': ids, 'attention_mask': mask}
  config, params = load_pretrained(xl_checkpoints['base'][0])
  want = torch_forward(xl_checkpoints['base'][1], ids, mask)
  out = jax.jit(lambda p, b: Model(config, ()).apply({'params': p}, b))(params, batch)
  # HF's hidden_states: embeddings, layers 1..L-1 without LayerNorm, and the last one after the
  # final LayerNorm (= last_hidden_state).
  assert len(out['hidden_states']) == len(want.hidden_states) == config.num_hidden_layers + 1
  np.testing.assert_array_equal(want.hidden_states[-1].numpy(), want.last_hidden_state.numpy())
  got_all = list(out['hidden_states']) + [out['last_hidden_state'], out['pooler_output']]
  want_all = list(want.hidden_states) + [want.last_hidden_state, want.pooler_output]
  for i, (got, w) in enumerate(zip(got_all, want_all)):
    w = w.numpy()
    diff = np.abs(np.asarray(got) - w).max()
    assert diff <= 1e-5, f'output {i} (hidden states, last, pooler): max abs diff {diff}'
    assert np.abs(w).max() > 0.1  # a meaningful comparison, not zeros

  config, params = load_pretrained(xl_checkpoints['mlm'][0])
  assert set(params['heads']) == {'mlm'}
  want = torch_forward(xl_checkpoints['mlm'][1], ids, mask).logits.numpy()
  model = Model(config, (HeadSpec('mlm', 'mlm'),))
  logits = jax.jit(lambda p, b: model.apply({'params': p}, b, 'mlm')['logits'])(params, batch)
  diff = np.abs(np.asarray(logits) - want).max()
  assert diff <= 1e-4, f'MLM logits max abs diff {diff}'  # as XLM-R's test: logits reach ~30


def test_export_is_an_xlmroberta_xl_model_bitwise(xl_checkpoints, tmp_path):
  """XLMRobertaXLModel → load_pretrained → save_pretrained → XLMRobertaXLModel: nothing missing
  or unexpected, every tensor bitwise; and import → export → import gives the same params."""
  folder, reference = xl_checkpoints['base']
  config, params = load_pretrained(folder)
  save_pretrained(config, params, str(tmp_path))
  model, info = transformers.XLMRobertaXLModel.from_pretrained(str(tmp_path),
                                                               output_loading_info=True)
  assert not any(info.values()), info
  want, got = reference.state_dict(), model.state_dict()
  assert sorted(got) == sorted(want) and 'encoder.LayerNorm.weight' in got
  for name, tensor in want.items():
    np.testing.assert_array_equal(got[name].numpy(), tensor.numpy(), err_msg=name)
  config2, params2 = load_pretrained(str(tmp_path))
  assert config2 == config
  assert jax.tree.structure(params2) == jax.tree.structure(params)
  jax.tree.map(np.testing.assert_array_equal, params2, params)


def test_mlm_export_loads_in_xlmroberta_xl_for_masked_lm(xl_checkpoints, tmp_path):
  folder, reference = xl_checkpoints['mlm']
  config, params = load_pretrained(folder)
  save_pretrained(config, params, str(tmp_path))
  mlm, info = transformers.XLMRobertaXLForMaskedLM.from_pretrained(str(tmp_path),
                                                                   output_loading_info=True)
  assert not info['missing_keys'] and not info['mismatched_keys']
  assert sorted(info['unexpected_keys']) == ['roberta.pooler.dense.bias',
                                             'roberta.pooler.dense.weight']
  for name, tensor in reference.state_dict().items():
    np.testing.assert_array_equal(mlm.state_dict()[name].numpy(), tensor.numpy(), err_msg=name)


def rewrite(src, dst, edit):
  os.makedirs(dst, exist_ok=True)
  shutil.copy(os.path.join(src, 'config.json'), dst)
  tensors = load_file(os.path.join(src, 'model.safetensors'))
  edit(tensors)
  save_file(tensors, os.path.join(dst, 'model.safetensors'), metadata={'format': 'pt'})
  return str(dst)


def _drop(t):
  del t['encoder.LayerNorm.bias']
  del t['encoder.layer.2.attention.self_attn_layer_norm.weight']


def _post_ln_names(t):  # an XLM-R (post-LN) name in an XL checkpoint
  t['embeddings.LayerNorm.weight'] = np.ones(36, np.float32)
  t['encoder.layer.0.output.LayerNorm.weight'] = np.ones(36, np.float32)


def _reshape(t):
  t['encoder.layer.1.LayerNorm.weight'] = np.ones(35, np.float32)


@pytest.mark.parametrize('edit,expected', [
    (_drop, ['missing (2)', 'encoder.LayerNorm.bias',
             'encoder.layer.2.attention.self_attn_layer_norm.weight']),
    (_post_ln_names, ['unexpected (2)', 'embeddings.LayerNorm.weight',
                      'encoder.layer.0.output.LayerNorm.weight']),
    (_reshape, ['wrong shape (1)', 'encoder.layer.1.LayerNorm.weight', '(35,)', '(36,)']),
])
def test_strict_loading_names_offending_keys(xl_checkpoints, tmp_path, edit, expected):
  with pytest.raises(CheckpointError) as err:
    load_pretrained(rewrite(xl_checkpoints['base'][0], tmp_path, edit))
  for text in expected:
    assert text in str(err.value), str(err.value)


def run(folder, ids, mask, **overrides):
  """Hidden states + pooler output and the gradient of a scalar of them, for one variant."""
  config, params = load_pretrained(folder, **overrides)
  encoder = XLMREncoder(config)

  def loss(p):
    out = encoder.apply({'params': p}, ids, mask, output_hidden_states=True)
    outputs = out['hidden_states'] + (out['pooler_output'],)
    return sum(jnp.sum(jnp.sin(h)) for h in outputs), outputs

  (_, outputs), grads = jax.jit(jax.value_and_grad(loss, has_aux=True))(params['encoder'])
  if config.scan_layers:  # compare per layer: stacked [L, ...] → layer_i
    layers = {f'layer_{i}': jax.tree.map(lambda x, i=i: x[i], grads['layers'])
              for i in range(config.num_hidden_layers)}
    grads = {**{k: v for k, v in grads.items() if k != 'layers'}, **layers}
  return outputs, grads


def test_scan_and_remat_equal_the_plain_pre_ln_stack(xl_checkpoints):
  ids, mask = (jnp.asarray(x) for x in padded_batch(101))
  folder = xl_checkpoints['base'][0]
  want_outputs, want_grads = run(folder, ids, mask)
  assert 'final_norm' in want_grads
  # Both at once (one compile, not three): the post-LN test_encoder.py checks each alone.
  outputs, grads = run(folder, ids, mask, remat=True, scan_layers=True)
  assert len(outputs) == len(want_outputs) == 5  # 4 hidden states and the pooler output
  for got, want in zip(outputs, want_outputs):
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
  jax.tree.map(lambda g, w: np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5), grads,
               want_grads)


def test_scan_export_equals_plain_export(xl_checkpoints):
  folder = xl_checkpoints['base'][0]
  config, params = load_pretrained(folder)
  scan_config, stacked = load_pretrained(folder, scan_layers=True)
  assert stacked['encoder']['layers']['mlp_norm']['scale'].shape == (3, 36)
  want, got = hf_state_dict(config, params), hf_state_dict(scan_config, stacked)
  assert sorted(got) == sorted(want)
  for name in want:
    np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def test_variant_from_config_json_fields():
  small = dict(hidden_size=32, num_attention_heads=4)
  assert XLMRConfig.from_hf_dict({**small, 'model_type': 'xlm-roberta-xl'}).pre_layer_norm
  assert XLMRConfig.from_hf_dict({**small, 'architectures': ['XLMRobertaXLModel']}).pre_layer_norm
  assert not XLMRConfig.from_hf_dict({**small, 'model_type': 'xlm-roberta'}).pre_layer_norm
  xl = XLMRConfig(**small, pre_layer_norm=True)
  assert xl.to_hf_dict()['model_type'] == 'xlm-roberta-xl'
  assert XLMRConfig.from_hf_dict(xl.to_hf_dict()) == xl
  with pytest.raises(ValueError, match="model_type 'bert' not supported"):
    XLMRConfig.from_hf_dict({**small, 'model_type': 'bert'})
  with pytest.raises(ValueError, match='disagree'):
    XLMRConfig.from_hf_dict({**small, 'model_type': 'xlm-roberta',
                             'architectures': ['XLMRobertaXLForMaskedLM']})
