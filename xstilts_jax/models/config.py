"""XLM-R model configuration: read from a Hugging Face `config.json`, or a named preset.

Never rely on `transformers.XLMRobertaConfig()` defaults: they are BERT's. The fields
below mirror `config.json`; `pre_layer_norm`, `dtype`, `param_dtype`, `remat` and `scan_layers`
are ours. `pre_layer_norm` is the variant: False for XLM-R Base/Large (`model_type`
'xlm-roberta', post-LN), True for XLM-R XL/XXL (`model_type` 'xlm-roberta-xl', transformers'
`XLMRobertaXLModel`, pre-LN); `from_hf_dict` reads it from `model_type` / `architectures`.
"""

import dataclasses
import json
import os
from typing import Any, Mapping


@dataclasses.dataclass(frozen=True)
class XLMRConfig:
  vocab_size: int = 250002
  hidden_size: int = 1024
  num_hidden_layers: int = 24
  num_attention_heads: int = 16
  intermediate_size: int = 4096
  max_position_embeddings: int = 514
  type_vocab_size: int = 1
  layer_norm_eps: float = 1e-5
  pad_token_id: int = 1
  bos_token_id: int = 0
  eos_token_id: int = 2
  hidden_dropout_prob: float = 0.1
  attention_probs_dropout_prob: float = 0.1
  initializer_range: float = 0.02
  hidden_act: str = 'gelu'
  # Ours, not Hugging Face's:
  pre_layer_norm: bool = False  # XL/XXL layout (XLMRobertaXL*); from config.json's model_type
  dtype: str = 'float32'        # compute dtype ('bfloat16' for mixed precision)
  param_dtype: str = 'float32'  # parameter (master weight) dtype
  remat: bool = False           # rematerialise each layer in the backward pass
  scan_layers: bool = False     # nn.scan over layers (one compiled layer, stacked params)

  @property
  def head_dim(self) -> int:
    return self.hidden_size // self.num_attention_heads

  def replace(self, **kwargs) -> 'XLMRConfig':
    return dataclasses.replace(self, **kwargs)

  @classmethod
  def from_hf_dict(cls, d: Mapping[str, Any], **overrides) -> 'XLMRConfig':
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in d.items() if k in names and k not in ('dtype',)}
    if d.get('hidden_act', 'gelu') != 'gelu':
      raise ValueError(f"hidden_act {d['hidden_act']!r} not supported; XLM-R uses exact 'gelu'")
    if d.get('position_embedding_type', 'absolute') != 'absolute':
      raise ValueError(f"position_embedding_type {d['position_embedding_type']!r} not supported")
    kwargs['pre_layer_norm'] = _is_xl(d)
    kwargs.update(overrides)
    return cls(**kwargs)

  @classmethod
  def from_json_file(cls, path: str, **overrides) -> 'XLMRConfig':
    if os.path.isdir(path):
      path = os.path.join(path, 'config.json')
    with open(path) as f:
      return cls.from_hf_dict(json.load(f), **overrides)

  def to_hf_dict(self) -> dict:
    hf_fields = [f.name for f in dataclasses.fields(self)
                 if f.name not in ('pre_layer_norm', 'dtype', 'param_dtype', 'remat',
                                   'scan_layers')]
    d = {k: getattr(self, k) for k in hf_fields}
    model_type, arch = (('xlm-roberta-xl', 'XLMRobertaXLForMaskedLM') if self.pre_layer_norm
                        else ('xlm-roberta', 'XLMRobertaForMaskedLM'))
    d.update(model_type=model_type, architectures=[arch],
             position_embedding_type='absolute', layer_norm_eps=self.layer_norm_eps)
    return d


_MODEL_TYPES = {'xlm-roberta': False, 'xlm-roberta-xl': True}


def _is_xl(d: Mapping[str, Any]) -> bool:
  """True for an XLM-R XL/XXL config.json (model_type 'xlm-roberta-xl' or XLMRobertaXL*
  architectures), False for XLM-R; any other model_type, or the two disagreeing, is refused."""
  model_type = d.get('model_type')
  if model_type is not None and model_type not in _MODEL_TYPES:
    raise ValueError(f'model_type {model_type!r} not supported; expected one of '
                     f'{sorted(_MODEL_TYPES)}')
  archs = d.get('architectures') or []
  by_arch = {a.startswith('XLMRobertaXL') for a in archs}
  if len(by_arch) > 1 or (model_type and by_arch and by_arch != {_MODEL_TYPES[model_type]}):
    raise ValueError(f'config.json: model_type {model_type!r} and architectures {archs} disagree '
                     f'on XLM-R (post-LN) vs XLM-R XL (pre-LN)')
  if model_type is not None:
    return _MODEL_TYPES[model_type]
  return by_arch == {True}


PRESETS = {
    # Tiny: CPU tests and the demo. vocab_size is set from the tiny tokenizer at load time.
    'tiny': XLMRConfig(vocab_size=1000, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=4, intermediate_size=64),
    # Twice tiny's width and depth: the second size of model-size studies on a CPU.
    'tiny_large': XLMRConfig(vocab_size=1000, hidden_size=64, num_hidden_layers=4,
                             num_attention_heads=4, intermediate_size=128),
    'xlmr_base': XLMRConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                            intermediate_size=3072),
    'xlmr_large': XLMRConfig(),
    # facebook/xlm-roberta-xl and -xxl config.json (transformers' XLMRobertaXLConfig defaults
    # are XL's): pre-LN, a 250880-row vocabulary.
    'xlmr_xl': XLMRConfig(vocab_size=250880, hidden_size=2560, num_hidden_layers=36,
                          num_attention_heads=32, intermediate_size=10240, pre_layer_norm=True),
    'xlmr_xxl': XLMRConfig(vocab_size=250880, hidden_size=4096, num_hidden_layers=48,
                           num_attention_heads=32, intermediate_size=16384, pre_layer_norm=True),
}


def preset(name: str, **overrides) -> XLMRConfig:
  if name not in PRESETS:
    raise KeyError(f'unknown model preset {name!r}; expected one of {sorted(PRESETS)}')
  return PRESETS[name].replace(**overrides)
