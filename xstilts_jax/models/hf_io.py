"""Hugging Face XLM-R checkpoints in and out: `load_pretrained` and `save_pretrained`.

Both variants: XLM-R (`XLMRobertaModel`, post-LN) and XLM-R XL/XXL (`XLMRobertaXLModel`,
pre-LN, other LayerNorm names); config.json's model_type says which (`XLMRConfig.from_hf_dict`).

Loading is strict (jiant once fine-tuned a randomly initialised encoder without a word): every
weight the encoder needs must be in the checkpoint with the right shape, and every weight in the
checkpoint must be used, else the error lists the offending names. Two exceptions, both reported:
the `position_ids` buffer older files carry (not loaded), and a checkpoint without the HF pooler
(`pooler.dense.*`, which the classification and multiple-choice heads read): its pooler starts
from a seeded random init, HF's normal(initializer_range) and zero bias, as transformers and jiant
would start it, and a WARNING says so.

Layout: HF `Linear` weights are [out, in]; ours are flax kernels [in, out], with the attention
projections split per head ([H, heads, head_dim] and [heads, head_dim, H]).
"""

import json
import logging
import os
from typing import Any, Callable

import numpy as np
import jax.numpy as jnp

from xstilts_jax.models.config import XLMRConfig

MLM_HEAD = 'mlm'  # params['heads'][MLM_HEAD] holds the HF lm_head
_IGNORED = ('embeddings.position_ids',)


class CheckpointError(ValueError):
  """A checkpoint that does not match the config: names what is missing, extra or misshapen."""


# ---------------------------------------------------------------- the name/shape correspondence

def _entries(config: XLMRConfig) -> list[tuple[str, tuple[str, ...], tuple[int, ...], str]]:
  """(HF name without the 'roberta.' prefix, our path, HF shape, conversion kind) per weight."""
  c = config
  h, n, d, i = c.hidden_size, c.num_attention_heads, c.head_dim, c.intermediate_size
  if n * d != h:
    raise ValueError(f'hidden_size {h} is not divisible by num_attention_heads {n}')
  xl = c.pre_layer_norm
  out = [
      ('embeddings.word_embeddings.weight', ('embeddings', 'word_embeddings', 'embedding'),
       (c.vocab_size, h), 'same'),
      ('embeddings.position_embeddings.weight', ('embeddings', 'position_embeddings', 'embedding'),
       (c.max_position_embeddings, h), 'same'),
      ('embeddings.token_type_embeddings.weight',
       ('embeddings', 'token_type_embeddings', 'embedding'), (c.type_vocab_size, h), 'same'),
  ]
  if not xl:  # XLM-R XL has no LayerNorm on the embeddings
    out += [
        ('embeddings.LayerNorm.weight', ('embeddings', 'LayerNorm', 'scale'), (h,), 'same'),
        ('embeddings.LayerNorm.bias', ('embeddings', 'LayerNorm', 'bias'), (h,), 'same'),
    ]
  for layer in range(c.num_hidden_layers):
    hf, us = f'encoder.layer.{layer}.', f'layer_{layer}'
    for proj in ('query', 'key', 'value'):
      out.append((f'{hf}attention.self.{proj}.weight', (us, 'attention', proj, 'kernel'),
                  (h, h), 'qkv_kernel'))
      out.append((f'{hf}attention.self.{proj}.bias', (us, 'attention', proj, 'bias'),
                  (h,), 'qkv_bias'))
    # (HF name of the LayerNorm, ours): XL's sit before attention and before the FFN.
    if xl:
      norms = [('attention.self_attn_layer_norm', 'attention_norm'), ('LayerNorm', 'mlp_norm')]
    else:
      norms = [('attention.output.LayerNorm', 'attention_norm'),
               ('output.LayerNorm', 'output_norm')]
    out += [
        (f'{hf}attention.output.dense.weight', (us, 'attention', 'out', 'kernel'), (h, h),
         'out_kernel'),
        (f'{hf}attention.output.dense.bias', (us, 'attention', 'out', 'bias'), (h,), 'same'),
        (f'{hf}intermediate.dense.weight', (us, 'intermediate', 'kernel'), (i, h), 'transpose'),
        (f'{hf}intermediate.dense.bias', (us, 'intermediate', 'bias'), (i,), 'same'),
        (f'{hf}output.dense.weight', (us, 'output', 'kernel'), (h, i), 'transpose'),
        (f'{hf}output.dense.bias', (us, 'output', 'bias'), (h,), 'same'),
    ]
    for hf_norm, our_norm in norms:
      out += [(f'{hf}{hf_norm}.weight', (us, our_norm, 'scale'), (h,), 'same'),
              (f'{hf}{hf_norm}.bias', (us, our_norm, 'bias'), (h,), 'same')]
  if xl:
    out += [('encoder.LayerNorm.weight', ('final_norm', 'scale'), (h,), 'same'),
            ('encoder.LayerNorm.bias', ('final_norm', 'bias'), (h,), 'same')]
  return out


def _pooler_entries(config: XLMRConfig):
  h = config.hidden_size
  return [('pooler.dense.weight', ('pooler', 'dense', 'kernel'), (h, h), 'transpose'),
          ('pooler.dense.bias', ('pooler', 'dense', 'bias'), (h,), 'same')]


def random_pooler(config: XLMRConfig, seed: int) -> dict:
  """HF's init of a missing pooler: kernel normal(0, initializer_range), bias zero (float32)."""
  import jax  # pylint: disable=g-import-not-at-top
  h = config.hidden_size
  kernel = jax.random.normal(jax.random.key(seed), (h, h), jnp.float32) * config.initializer_range
  return {'dense': {'kernel': np.asarray(kernel), 'bias': np.zeros((h,), np.float32)}}


def _mlm_entries(config: XLMRConfig):
  h, v = config.hidden_size, config.vocab_size
  return [
      ('lm_head.dense.weight', ('dense', 'kernel'), (h, h), 'transpose'),
      ('lm_head.dense.bias', ('dense', 'bias'), (h,), 'same'),
      ('lm_head.layer_norm.weight', ('layer_norm', 'scale'), (h,), 'same'),
      ('lm_head.layer_norm.bias', ('layer_norm', 'bias'), (h,), 'same'),
      ('lm_head.bias', ('bias',), (v,), 'same'),
  ]


def _to_ours(x: np.ndarray, kind: str, config: XLMRConfig) -> np.ndarray:
  n, d = config.num_attention_heads, config.head_dim
  if kind == 'same':
    return x
  if kind == 'transpose':
    return x.T
  if kind == 'qkv_kernel':
    return x.T.reshape(x.shape[1], n, d)
  if kind == 'qkv_bias':
    return x.reshape(n, d)
  if kind == 'out_kernel':
    return x.T.reshape(n, d, x.shape[0])
  raise AssertionError(kind)


def _to_hf(x: np.ndarray, kind: str, hf_shape: tuple[int, ...]) -> np.ndarray:
  if kind == 'same':
    return x
  if kind == 'qkv_bias':
    return x.reshape(hf_shape)
  # Every kernel: flatten to [in, out], transpose to torch's [out, in].
  return x.reshape(hf_shape[::-1]).T


# ---------------------------------------------------------------- reading checkpoint files

def _safetensors_tensors(path: str) -> dict[str, tuple[tuple[int, ...], Callable[[], Any]]]:
  from safetensors import safe_open  # pylint: disable=g-import-not-at-top
  out = {}
  with safe_open(path, framework='numpy') as f:
    for name in f.keys():
      out[name] = (tuple(f.get_slice(name).get_shape()),
                   lambda name=name: _read_safetensor(path, name))
  return out


def _read_safetensor(path: str, name: str) -> np.ndarray:
  from safetensors import safe_open  # pylint: disable=g-import-not-at-top
  try:
    with safe_open(path, framework='numpy') as f:
      return f.get_tensor(name)
  except (TypeError, ValueError):
    # Older safetensors cannot give bf16 as numpy; the flax path can (jax is here anyway).
    with safe_open(path, framework='flax') as f:
      return np.asarray(f.get_tensor(name))


def _torch_tensors(path: str):
  try:
    import torch  # pylint: disable=g-import-not-at-top
  except ImportError as e:
    raise ImportError(f'{path} is a PyTorch pickle and reading it needs torch '
                      f'(pip install torch), or convert it to model.safetensors') from e
  state = torch.load(path, map_location='cpu', weights_only=True)

  def to_numpy(t):
    t = t.detach()
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy()
  return {k: (tuple(t.shape), lambda t=t: to_numpy(t)) for k, t in state.items()}


def _checkpoint_tensors(folder: str):
  """{name: (shape, load_fn)} and a description of the files, from a local folder."""
  for index, reader in (('model.safetensors.index.json', _safetensors_tensors),
                        ('pytorch_model.bin.index.json', _torch_tensors)):
    index_path = os.path.join(folder, index)
    if os.path.exists(index_path):
      with open(index_path) as f:
        files = sorted(set(json.load(f)['weight_map'].values()))
      tensors = {}
      for name in files:
        tensors.update(reader(os.path.join(folder, name)))
      return tensors, f'{index_path} ({len(files)} shards)'
  for name, reader in (('model.safetensors', _safetensors_tensors),
                       ('pytorch_model.bin', _torch_tensors)):
    path = os.path.join(folder, name)
    if os.path.exists(path):
      return reader(path), path
  raise FileNotFoundError(
      f'{folder}: no weights found; expected model.safetensors, model.safetensors.index.json, '
      f'pytorch_model.bin or pytorch_model.bin.index.json')


def _resolve(path_or_hub_id: str) -> str:
  if os.path.isdir(path_or_hub_id):
    return path_or_hub_id
  if os.path.exists(path_or_hub_id) or path_or_hub_id.startswith(('/', '.')):
    raise FileNotFoundError(f'{path_or_hub_id}: not a checkpoint folder')
  from huggingface_hub import snapshot_download  # pylint: disable=g-import-not-at-top
  folder = snapshot_download(path_or_hub_id, allow_patterns=[
      'config.json', 'model.safetensors', 'model.safetensors.index.json', 'model-*.safetensors'])
  if not any(f.endswith('.safetensors') for f in os.listdir(folder)):
    folder = snapshot_download(path_or_hub_id, allow_patterns=[
        'config.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json',
        'pytorch_model-*.bin'])
  return folder


# ---------------------------------------------------------------- the public functions

def _set(tree: dict, path: tuple[str, ...], value) -> None:
  for key in path[:-1]:
    tree = tree.setdefault(key, {})
  tree[path[-1]] = value


def stack_layers(encoder: dict, num_layers: int) -> dict:
  """layer_0..layer_{L-1} → one `layers` tree with a leading layer axis (config.scan_layers)."""
  layers = [encoder[f'layer_{i}'] for i in range(num_layers)]
  out = {k: v for k, v in encoder.items() if not k.startswith('layer_')}
  out['layers'] = _tree_map(lambda *xs: np.stack(xs), *layers)
  return out


def unstack_layers(encoder: dict, num_layers: int) -> dict:
  out = {k: v for k, v in encoder.items() if k != 'layers'}
  for i in range(num_layers):
    out[f'layer_{i}'] = _tree_map(lambda x, i=i: x[i], encoder['layers'])
  return out


def _astype(tree, dtype):
  return _tree_map(lambda x: np.asarray(x).astype(dtype), tree)


def _tree_map(fn, *trees):
  if isinstance(trees[0], dict):
    return {k: _tree_map(fn, *(t[k] for t in trees)) for k in trees[0]}
  return fn(*trees)


def load_pretrained(path_or_hub_id: str, *, seed: int = 0,
                    **config_overrides) -> tuple[XLMRConfig, dict]:
  """(config, params) from a Hugging Face XLM-R or XLM-R XL folder or hub id (the variant from
  config.json's model_type / architectures).

  params = {'encoder': ..., 'heads': {'mlm': ...}} (the MLM head only when the checkpoint has
  `lm_head.*`), as host numpy arrays in `config.param_dtype`; layers stacked when
  `config.scan_layers`. The encoder includes the pooler (`encoder['pooler']['dense']`): from the
  checkpoint, or, where it has none, `random_pooler(config, seed)` with a logged WARNING.
  config_overrides go to XLMRConfig (e.g. dtype='bfloat16', remat=True).
  """
  folder = _resolve(path_or_hub_id)
  config_path = os.path.join(folder, 'config.json')
  if not os.path.exists(config_path):
    raise FileNotFoundError(f'{config_path}: missing (every checkpoint folder needs config.json)')
  config = XLMRConfig.from_json_file(config_path, **config_overrides)
  tensors, source = _checkpoint_tensors(folder)
  # HF prefixes: 'roberta.' (…ForMaskedLM and the hub files) or none (XLMRobertaModel).
  by_name = {(k[len('roberta.'):] if k.startswith('roberta.') else k): (k, v)
             for k, v in tensors.items()}
  dtype = jnp.dtype(config.param_dtype)
  missing, misshapen, used = [], [], set()

  def take(entries):
    tree = {}
    for name, path, shape, kind in entries:
      if name not in by_name:
        missing.append(name)
        continue
      key, (got_shape, load) = by_name[name]
      used.add(name)
      if got_shape != shape:
        misshapen.append(f'{key}: checkpoint {got_shape}, config expects {shape}')
        continue
      _set(tree, path, np.asarray(_to_ours(np.asarray(load()), kind, config)).astype(dtype))
    return tree

  encoder = take(_entries(config))
  has_pooler = any(k.startswith('pooler.') for k in by_name)
  if has_pooler:
    encoder.update(take(_pooler_entries(config)))
  heads = {}
  has_lm = any(k.startswith('lm_head.') for k in by_name)
  if has_lm:
    if 'lm_head.bias' not in by_name and 'lm_head.decoder.bias' in by_name:
      by_name['lm_head.bias'] = by_name.pop('lm_head.decoder.bias')
    heads[MLM_HEAD] = take(_mlm_entries(config))
    used.add('lm_head.decoder.bias')  # a second reference to lm_head.bias in HF files
    if 'lm_head.decoder.weight' in by_name:
      # Tied: must be the word embeddings (we have no separate decoder matrix).
      used.add('lm_head.decoder.weight')
      key, (shape, load) = by_name['lm_head.decoder.weight']
      emb = by_name.get('embeddings.word_embeddings.weight')
      if emb is not None and shape == emb[1][0] and not np.array_equal(load(), emb[1][1]()):
        raise CheckpointError(f'{source}: {key} differs from the word embeddings; untied MLM '
                              f'decoders are not supported')
  ignored = sorted(k for k in by_name if k in _IGNORED)
  unexpected = sorted(by_name[k][0] for k in by_name if k not in used and k not in _IGNORED)
  if missing or misshapen or unexpected:
    lines = [f'{source} does not match {config_path}:']
    if missing:
      lines.append(f'  missing ({len(missing)}): ' + ', '.join(missing))
    if misshapen:
      lines.append(f'  wrong shape ({len(misshapen)}): ' + '; '.join(misshapen))
    if unexpected:
      lines.append(f'  unexpected ({len(unexpected)}): ' + ', '.join(unexpected))
    raise CheckpointError('\n'.join(lines))
  if ignored:
    logging.info('%s: not loaded (a buffer, not a weight): %s', source, ', '.join(ignored))
  if not has_pooler:
    logging.warning('%s has no pooler weights (pooler.dense.*): the pooler the classification '
                    'and multiple-choice heads read starts from a random init (normal(0, %g), '
                    'zero bias; seed %d), as transformers and jiant start it', source,
                    config.initializer_range, seed)
    encoder['pooler'] = _astype(random_pooler(config, seed), dtype)
  if config.scan_layers:
    encoder = stack_layers(encoder, config.num_hidden_layers)
  logging.info('%s: loaded %d encoder weights%s%s', source, len(_entries(config)),
               ' and the pooler' if has_pooler else '', ' and the MLM head' if heads else '')
  return config, {'encoder': encoder, 'heads': heads}


def hf_state_dict(config: XLMRConfig, params: dict) -> dict[str, np.ndarray]:
  """params in Hugging Face's names and layouts: the encoder with its pooler under the 'roberta.'
  prefix, plus `lm_head.*` when params['heads'] has 'mlm'; other heads are left out."""
  import jax  # pylint: disable=g-import-not-at-top
  params = jax.device_get(params)
  encoder = params['encoder']
  if 'layers' in encoder:
    encoder = unstack_layers(encoder, config.num_hidden_layers)
  tensors = {}

  def export(tree, entries, prefix, what):
    for name, path, shape, kind in entries:
      x = tree
      for key in path:
        if not isinstance(x, dict) or key not in x:
          raise KeyError(f"params[{what!r}] has no {'/'.join(path)} (needed for {name})")
        x = x[key]
      x = np.asarray(x)
      if x.size != int(np.prod(shape)):
        raise ValueError(f"params[{what!r}] {'/'.join(path)} has shape {x.shape}; the config "
                         f'needs {shape} (as {name})')
      tensors[prefix + name] = np.ascontiguousarray(_to_hf(x, kind, shape).reshape(shape))

  export(encoder, _entries(config) + _pooler_entries(config), 'roberta.', 'encoder')
  head = params.get('heads', {}).get(MLM_HEAD)
  if head is not None:
    export(head, _mlm_entries(config), '', f'heads/{MLM_HEAD}')
  return tensors


def save_pretrained(config: XLMRConfig, params: dict, out_dir: str) -> None:
  """Writes config.json + model.safetensors (see `hf_state_dict`): the encoder with its pooler,
  and the MLM head when params['heads'] has one (other heads are not saved).

  `XLMRobertaModel.from_pretrained(out_dir)` (`XLMRobertaXLModel` for a pre-LN config, whose
  config.json says model_type 'xlm-roberta-xl') loads it with nothing missing (and nothing
  unexpected unless the MLM head is there); `XLMRobertaForMaskedLM.from_pretrained(out_dir)`
  (…XLForMaskedLM) too, reporting the pooler, which it has no place for, as unexpected."""
  from safetensors.numpy import save_file  # pylint: disable=g-import-not-at-top
  tensors = hf_state_dict(config, params)
  os.makedirs(out_dir, exist_ok=True)
  hf = config.to_hf_dict()
  hf['tie_word_embeddings'] = True
  with open(os.path.join(out_dir, 'config.json'), 'w') as f:
    json.dump(hf, f, indent=2, sort_keys=True)
  save_file(tensors, os.path.join(out_dir, 'model.safetensors'), metadata={'format': 'pt'})
