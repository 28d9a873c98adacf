"""One head per task format, and each format's prediction.

The heads follow jiant v2 (which follows Hugging Face), so checkpoints and numbers carry over:
  classification   `<s>` → dropout → dense → tanh → dropout → out_proj   (RobertaClassificationHead)
  multiple_choice  the same head with one output: a score per choice
  span_qa          dense(2) on every token → start / end logits
  tagging          dropout → dense(num_labels) on every token
  mlm              dense → gelu → LayerNorm → tied decoder + bias     (XLMRobertaLMHead)
  retrieval        no parameters: mean of one hidden layer over non-padding tokens
"""

import flax.linen as nn
import jax
import jax.numpy as jnp

from xstilts_jax.models.config import XLMRConfig
from xstilts_jax.models.xlmr import layer_norm, normal_init, zeros


FORMATS = ('classification', 'multiple_choice', 'span_qa', 'tagging', 'retrieval', 'mlm')


def _dense(config: XLMRConfig, features: int, axes, name: str) -> nn.Dense:
  return nn.Dense(features, dtype=config.dtype, param_dtype=config.param_dtype,
                  kernel_init=normal_init(config, axes), bias_init=zeros(axes[-1:]), name=name)


class ClassificationHead(nn.Module):
  """Logits [B, num_labels] from the `<s>` hidden state."""
  config: XLMRConfig
  num_labels: int

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    c = self.config
    drop = nn.Dropout(c.hidden_dropout_prob)
    x = drop(hidden[:, 0], deterministic=deterministic)
    # H→H: the output axis is named 'mlp' so the two axes never map to the same mesh axis.
    x = jnp.tanh(_dense(c, c.hidden_size, ('embed', 'mlp'), 'dense')(x))
    x = drop(x, deterministic=deterministic)
    return _dense(c, self.num_labels, ('mlp', 'classes'), 'out_proj')(x)


class MultipleChoiceHead(nn.Module):
  """A score per sequence [B*C]; the caller reshapes to [B, C]."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    logits = ClassificationHead(self.config, 1, name='scorer')(hidden, deterministic=deterministic)
    return logits[:, 0]


class SpanQAHead(nn.Module):
  """Start and end logits [B, T]."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    del deterministic  # jiant's QA head has no dropout of its own
    logits = _dense(self.config, 2, ('embed', 'classes'), 'qa_outputs')(hidden)
    return logits[..., 0], logits[..., 1]


class TaggingHead(nn.Module):
  """Per-token logits [B, T, num_labels]."""
  config: XLMRConfig
  num_labels: int

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    c = self.config
    x = nn.Dropout(c.hidden_dropout_prob)(hidden, deterministic=deterministic)
    return _dense(c, self.num_labels, ('embed', 'classes'), 'classifier')(x)


class MLMHead(nn.Module):
  """Hugging Face's XLMRobertaLMHead; the decoder matrix is the word embeddings (`attend`)."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, hidden, attend, *, deterministic: bool = True):
    del deterministic
    c = self.config
    x = _dense(c, c.hidden_size, ('embed', 'mlp'), 'dense')(hidden)
    x = nn.gelu(x, approximate=False)
    x = layer_norm(c, 'layer_norm')(x)
    bias = self.param('bias', zeros(('vocab',)), (c.vocab_size,), c.param_dtype)
    return attend(x) + jnp.asarray(bias, c.dtype)


def mean_pool(hidden: jax.Array, attention_mask: jax.Array) -> jax.Array:
  """Mean over non-padding tokens (special tokens included) [B, T, H] → [B, H], in float32."""
  mask = attention_mask.astype(jnp.float32)[..., None]
  total = jnp.sum(hidden.astype(jnp.float32) * mask, axis=1)
  return total / jnp.maximum(jnp.sum(mask, axis=1), 1.0)


def make_head(config: XLMRConfig, format: str, num_labels: int) -> nn.Module | None:
  if format == 'classification':
    return ClassificationHead(config, num_labels)
  if format == 'multiple_choice':
    return MultipleChoiceHead(config)
  if format == 'span_qa':
    return SpanQAHead(config)
  if format == 'tagging':
    return TaggingHead(config, num_labels)
  if format == 'mlm':
    return MLMHead(config)
  if format == 'retrieval':
    return None  # no parameters
  raise ValueError(f'unknown head format {format!r}; expected one of {FORMATS}')


def predict(format: str, outputs: dict) -> dict:
  """Each format's prediction from the model outputs (host post-processing happens in eval/)."""
  if format in ('classification', 'multiple_choice', 'tagging', 'mlm'):
    return {'prediction': jnp.argmax(outputs['logits'], axis=-1)}
  if format == 'span_qa':
    return {'start_logits': outputs['start_logits'], 'end_logits': outputs['end_logits']}
  if format == 'retrieval':
    return {'embedding': outputs['embedding']}
  raise ValueError(f'unknown format {format!r}')
