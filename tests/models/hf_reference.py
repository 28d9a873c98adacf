"""Random tiny XLM-R (and XLM-R XL) models and batches from transformers + torch: the parity
reference."""

import numpy as np
import torch  # the test extra's reference: a missing torch fails, never skips
import transformers

# Two tiny configs: one with odd sizes (head_dim 12, intermediate 50, 3 layers), one with a short
# position table read from config.json.
CONFIGS = {
    'odd': dict(vocab_size=101, hidden_size=36, num_hidden_layers=3, num_attention_heads=3,
                intermediate_size=50, max_position_embeddings=514),
    'small': dict(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=64, max_position_embeddings=40),
}


def hf_config(name, xl=False, **kwargs):
  """XLMRobertaConfig, or XLMRobertaXLConfig (the pre-LN XL/XXL layout) when `xl`."""
  cls = transformers.XLMRobertaXLConfig if xl else transformers.XLMRobertaConfig
  return cls(attn_implementation='eager', type_vocab_size=1, layer_norm_eps=1e-5,
             pad_token_id=1, bos_token_id=0, eos_token_id=2,
             hidden_act='gelu', **{**CONFIGS[name], **kwargs})


def randomize(model, seed):
  """Every parameter random (HF init zeroes biases and sets LayerNorm to 1: too easy a test)."""
  gen = torch.Generator().manual_seed(seed)
  with torch.no_grad():
    for name, p in model.named_parameters():
      noise = torch.randn(p.shape, generator=gen) * 0.2
      p.copy_(1.0 + noise if 'LayerNorm' in name or 'layer_norm' in name else noise)
  return model.eval()


def torch_model(cls, name, seed, **kwargs):
  torch.manual_seed(seed)
  xl = cls.__name__.startswith('XLMRobertaXL')
  return randomize(cls(hf_config(name, xl=xl), **kwargs), seed)


def padded_batch(vocab_size, seed=0, lengths=(9, 5, 2)):
  """<s> w.. </s> <pad>..: int32 [B,T] ids and attention mask."""
  rng = np.random.default_rng(seed)
  t = max(lengths)
  ids = np.ones((len(lengths), t), np.int32)
  for row, n in enumerate(lengths):
    ids[row, :n] = rng.integers(3, vocab_size - 1, n)
    ids[row, 0], ids[row, n - 1] = 0, 2
  return ids, (ids != 1).astype(np.int32)
