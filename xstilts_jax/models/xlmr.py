"""The XLM-R encoder in flax.linen, numerically equal to Hugging Face's `XLMRobertaModel`
(Base, Large) and `XLMRobertaXLModel` (XL, XXL): one class, `config.pre_layer_norm` picks the
layer-norm placement.

Post-LN (XLM-R): embeddings (word + position + token type 0) → LayerNorm → dropout, then
`num_hidden_layers` × [self-attention → dropout → add & LayerNorm → dense → exact GELU → dense →
dropout → add & LayerNorm].
Pre-LN (XLM-R XL): embeddings → dropout (no LayerNorm), then `num_hidden_layers` ×
[x + dropout(self-attention(LayerNorm(x))), then x + dense(GELU(dense(LayerNorm(x)))) (HF's
XL has no dropout on the FFN output)], then a final LayerNorm.
Both end with HF's pooler (`<s>` → dense → tanh), which jiant's classification
and multiple-choice heads read (so it is part of the encoder and carries with it). Every parameter
carries logical axis names so that a rule table in `parallel/` can shard it; `config.scan_layers`
stacks the layers under one `layers` entry with a leading `layers` axis, `config.remat`
recomputes each layer's activations in the backward pass.
"""

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from xstilts_jax.models.config import XLMRConfig


def normal_init(config: XLMRConfig, axes):
  """Hugging Face's init (normal(initializer_range)) with logical axis names."""
  return nn.with_logical_partitioning(nn.initializers.normal(config.initializer_range), axes)


def zeros(axes):
  return nn.with_logical_partitioning(nn.initializers.zeros_init(), axes)


def ones(axes):
  return nn.with_logical_partitioning(nn.initializers.ones_init(), axes)


def layer_norm(config: XLMRConfig, name: str) -> nn.LayerNorm:
  # use_fast_variance=False: E[(x-mean)^2] like torch, not E[x^2]-mean^2 (parity to 1e-6).
  return nn.LayerNorm(epsilon=config.layer_norm_eps, dtype=config.dtype,
                      param_dtype=config.param_dtype, use_fast_variance=False,
                      scale_init=ones(('norm',)), bias_init=zeros(('norm',)), name=name)


def position_ids(input_ids: jax.Array, pad_token_id: int) -> jax.Array:
  """XLM-R positions: pad + 1, pad + 2, ... over non-padding tokens; padding gets `pad`."""
  not_pad = (input_ids != pad_token_id).astype(jnp.int32)
  return jnp.cumsum(not_pad, axis=-1) * not_pad + pad_token_id


class Embeddings(nn.Module):
  config: XLMRConfig

  def setup(self):
    c = self.config
    self.word_embeddings = nn.Embed(c.vocab_size, c.hidden_size, dtype=c.dtype,
                                    param_dtype=c.param_dtype,
                                    embedding_init=normal_init(c, ('vocab', 'embed')))
    self.position_embeddings = nn.Embed(c.max_position_embeddings, c.hidden_size, dtype=c.dtype,
                                        param_dtype=c.param_dtype,
                                        embedding_init=normal_init(c, ('positions', 'embed')))
    self.token_type_embeddings = nn.Embed(c.type_vocab_size, c.hidden_size, dtype=c.dtype,
                                          param_dtype=c.param_dtype,
                                          embedding_init=normal_init(c, ('types', 'embed')))
    if not c.pre_layer_norm:  # XLM-R XL has no LayerNorm on the embeddings
      self.LayerNorm = layer_norm(c, 'LayerNorm')
    self.dropout = nn.Dropout(c.hidden_dropout_prob)

  def __call__(self, input_ids, *, deterministic: bool):
    c = self.config
    x = self.word_embeddings(input_ids)
    x = x + self.position_embeddings(position_ids(input_ids, c.pad_token_id))
    # XLM-R has a single token type: row 0 is added everywhere.
    x = x + self.token_type_embeddings(jnp.zeros_like(input_ids))
    if not c.pre_layer_norm:
      x = self.LayerNorm(x)
    return self.dropout(x, deterministic=deterministic)

  def attend(self, x):
    """x @ word_embeddings^T: the tied decoder of the MLM head."""
    return self.word_embeddings.attend(x)


class SelfAttention(nn.Module):
  config: XLMRConfig

  @nn.compact
  def __call__(self, x, bias, deterministic: bool):
    c = self.config
    heads, head_dim = c.num_attention_heads, c.head_dim

    def proj(name):
      return nn.DenseGeneral((heads, head_dim), dtype=c.dtype, param_dtype=c.param_dtype,
                             kernel_init=normal_init(c, ('embed', 'heads', 'kv')),
                             bias_init=zeros(('heads', 'kv')), name=name)

    # [B,T,N,D] -> [B,N,T,D]: heads as a leading batch dimension. The same products as
    # einsum('bqnd,bknd->bnqk'), which XLA's CPU backend ran 2.3x slower (bench/infer_variants.py).
    q, k, v = (jnp.swapaxes(proj(name)(x), 1, 2) for name in ('query', 'key', 'value'))
    scores = jnp.matmul(q, jnp.swapaxes(k, 2, 3)) / jnp.sqrt(head_dim).astype(q.dtype)
    # Softmax in float32 even with bf16 compute (as torch autocast does).
    probs = jax.nn.softmax(scores.astype(jnp.float32) + bias, axis=-1).astype(c.dtype)
    probs = nn.Dropout(c.attention_probs_dropout_prob)(probs, deterministic=deterministic)
    out = jnp.swapaxes(jnp.matmul(probs, v), 1, 2)  # [B,T,N,D]
    return nn.DenseGeneral(c.hidden_size, axis=(-2, -1), dtype=c.dtype,
                           param_dtype=c.param_dtype,
                           kernel_init=normal_init(c, ('heads', 'kv', 'embed')),
                           bias_init=zeros(('embed',)), name='out')(out)


class Layer(nn.Module):
  """One transformer layer (post-LN or pre-LN by config); `scanned` returns (carry, per-layer
  output) for nn.scan. Parameters: attention, attention_norm, intermediate, output and
  output_norm (post-LN) or mlp_norm (pre-LN, the LayerNorm before the FFN)."""
  config: XLMRConfig
  scanned: bool = False

  @nn.compact
  def __call__(self, x, bias, deterministic: bool, keep_output: bool = False):
    c = self.config

    def dense(features, axes, name):
      return nn.Dense(features, dtype=c.dtype, param_dtype=c.param_dtype,
                      kernel_init=normal_init(c, axes), bias_init=zeros(axes[-1:]), name=name)

    def dropout(y):
      return nn.Dropout(c.hidden_dropout_prob)(y, deterministic=deterministic)

    def ffn(y):
      y = dense(c.intermediate_size, ('embed', 'mlp'), 'intermediate')(y)
      y = nn.gelu(y, approximate=False)
      return dense(c.hidden_size, ('mlp', 'embed'), 'output')(y)

    attention = SelfAttention(c, name='attention')
    if c.pre_layer_norm:
      x = x + dropout(attention(layer_norm(c, 'attention_norm')(x), bias, deterministic))
      x = x + ffn(layer_norm(c, 'mlp_norm')(x))
    else:
      x = layer_norm(c, 'attention_norm')(x + dropout(attention(x, bias, deterministic)))
      x = layer_norm(c, 'output_norm')(x + dropout(ffn(x)))
    if self.scanned:
      return x, (x if keep_output else None)
    return x


class Pooler(nn.Module):
  """Hugging Face's XLMRobertaPooler: tanh(dense(hidden of `<s>`)) [B, H]."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, x):
    c = self.config
    # H→H: the output axis is named 'mlp' so the two axes never map to the same mesh axis.
    dense = nn.Dense(c.hidden_size, dtype=c.dtype, param_dtype=c.param_dtype,
                     kernel_init=normal_init(c, ('embed', 'mlp')), bias_init=zeros(('mlp',)),
                     name='dense')
    return jnp.tanh(dense(x[:, 0]))


class XLMREncoder(nn.Module):
  """XLM-R without heads. Parameters: `embeddings`, then `layer_0`.. (or `layers` when scanned),
  `final_norm` (pre-LN only), then `pooler`. Outputs `last_hidden_state` [B,T,H],
  `pooler_output` [B,H] and, when asked, `hidden_states` (L + 1 of them, as HF's).

  hidden_states[0] is the embeddings, [i] the output of layer i. Pre-LN, as HF's
  XLMRobertaXLModel: [1..L-1] are the residual stream without any LayerNorm, and [L] is
  last_hidden_state, i.e. with the final LayerNorm applied."""
  config: XLMRConfig

  def setup(self):
    c = self.config
    self.embeddings = Embeddings(c)
    layer_cls = Layer
    if c.remat:
      # Arguments counted with self: (self, x, bias, deterministic, keep_output).
      # prevent_cse only matters outside scan (scan already blocks CSE).
      layer_cls = nn.remat(Layer, static_argnums=(3, 4), prevent_cse=not c.scan_layers)
    if c.scan_layers:
      self.layers = nn.scan(layer_cls, variable_axes={'params': 0},
                            split_rngs={'params': True, 'dropout': True},
                            in_axes=(nn.broadcast, nn.broadcast, nn.broadcast),
                            length=c.num_hidden_layers,
                            metadata_params={nn.PARTITION_NAME: 'layers'})(c, scanned=True)
    else:
      # setattr, not a list, so the parameter names are layer_0, layer_1, ...
      for i in range(c.num_hidden_layers):
        setattr(self, f'layer_{i}', layer_cls(c))
    if c.pre_layer_norm:
      self.final_norm = layer_norm(c, 'final_norm')
    self.pooler = Pooler(c)

  def __call__(self, input_ids, attention_mask, *, deterministic: bool = True,
               output_hidden_states: bool = False) -> dict[str, Any]:
    c = self.config
    x = self.embeddings(input_ids, deterministic=deterministic)
    # Additive mask as HF: 0 where attended, the float32 minimum on padding keys.
    bias = jnp.where(attention_mask[:, None, None, :] > 0, 0.0,
                     jnp.finfo(jnp.float32).min).astype(jnp.float32)
    hidden = [x]
    if c.scan_layers:
      x, ys = self.layers(x, bias, deterministic, output_hidden_states)
      if output_hidden_states:
        hidden.extend(ys[i] for i in range(c.num_hidden_layers))
    else:
      for i in range(c.num_hidden_layers):
        x = getattr(self, f'layer_{i}')(x, bias, deterministic, False)
        hidden.append(x)
    if c.pre_layer_norm:
      x = self.final_norm(x)
      if output_hidden_states:
        hidden[-1] = x  # HF ties hidden_states[-1] to last_hidden_state
    # Always computed, so init creates the pooler whichever heads a phase has (jit drops it
    # where nothing reads it).
    out = {'last_hidden_state': x, 'pooler_output': self.pooler(x)}
    if output_hidden_states:
      out['hidden_states'] = tuple(hidden)
    return out

  def attend(self, x):
    """Logits against the word embeddings (the tied MLM decoder)."""
    return self.embeddings.attend(x)
