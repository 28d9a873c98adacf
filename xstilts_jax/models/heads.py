"""One head per task format, and each format's prediction.

The heads are jiant's (jiant/proj/main/modeling/heads.py, taskmodels.py), so the numbers carry over:
  classification   pooled → dropout → dense → tanh → dropout → out_proj   (ClassificationHead)
  multiple_choice  the same head with one output (RegressionHead): a score per choice
  span_qa          dense(2) on every token → start / end logits          (QAHead)
  tagging          dropout → dense(num_labels) on every token            (TokenClassificationHead)
  mlm              dense → gelu → LayerNorm → tied decoder + bias       (XLMRobertaLMHead)
  retrieval        no parameters: mean of one hidden layer over non-padding tokens
  ranking          XTREME-R's dual encoder (BertForRetrieval): the pooled output, L2-normalised,
                   for queries and candidates alike (one shared encoder); its one parameter is
                   `logit_scale` (100 at init, trained), the scale of the in-batch softmax
`pooled` is the encoder's `pooler_output` (HF's pooler: `<s>` → dense → tanh), as jiant's
`encode` returns it. jiant builds these heads from plain `torch.nn.Linear`s, so they start with
torch's default init (`torch_linear_init`), not the encoder's normal(initializer_range); the MLM
head is Hugging Face's and keeps HF's init.
"""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from xstilts_jax.models.config import XLMRConfig
from xstilts_jax.models.xlmr import layer_norm, normal_init, zeros


FORMATS = ('classification', 'multiple_choice', 'span_qa', 'tagging', 'retrieval', 'mlm',
           'ranking')


def torch_linear_init(fan_in: int, axes):
  """(kernel_init, bias_init) of `torch.nn.Linear(fan_in, ...)`: both U(±1/sqrt(fan_in)).

  torch draws the weight with kaiming_uniform(a=sqrt(5)), whose bound is 1/sqrt(fan_in) too."""
  bound = 1.0 / np.sqrt(fan_in)

  def uniform(key, shape, dtype=jnp.float32):
    return jax.random.uniform(key, shape, dtype, -bound, bound)
  return (nn.with_logical_partitioning(uniform, axes),
          nn.with_logical_partitioning(uniform, axes[-1:]))


def _dense(config: XLMRConfig, in_features: int, features: int, axes, name: str) -> nn.Dense:
  """A jiant head's nn.Linear(in_features, features)."""
  kernel_init, bias_init = torch_linear_init(in_features, axes)
  return nn.Dense(features, dtype=config.dtype, param_dtype=config.param_dtype,
                  kernel_init=kernel_init, bias_init=bias_init, name=name)


class ClassificationHead(nn.Module):
  """Logits [B, num_labels] from the pooled output [B, H] (jiant's ClassificationHead)."""
  config: XLMRConfig
  num_labels: int

  @nn.compact
  def __call__(self, pooled, *, deterministic: bool = True):
    c = self.config
    h = c.hidden_size
    drop = nn.Dropout(c.hidden_dropout_prob)
    x = drop(pooled, deterministic=deterministic)
    # H→H: the output axis is named 'mlp' so the two axes never map to the same mesh axis.
    x = jnp.tanh(_dense(c, h, h, ('embed', 'mlp'), 'dense')(x))
    x = drop(x, deterministic=deterministic)
    return _dense(c, h, self.num_labels, ('mlp', 'classes'), 'out_proj')(x)


class MultipleChoiceHead(ClassificationHead):
  """A score per sequence [B*C] from the pooled output (jiant's RegressionHead, which its
  MultipleChoiceModel applies to each choice); the caller reshapes to [B, C]. Parameters as
  the classification head's, with one output."""
  num_labels: int = 1

  def __call__(self, pooled, *, deterministic: bool = True):
    return super().__call__(pooled, deterministic=deterministic)[:, 0]


class SpanQAHead(nn.Module):
  """Start and end logits [B, T]."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    del deterministic  # jiant's QA head has no dropout of its own
    c = self.config
    logits = _dense(c, c.hidden_size, 2, ('embed', 'classes'), 'qa_outputs')(hidden)
    return logits[..., 0], logits[..., 1]


class TaggingHead(nn.Module):
  """Per-token logits [B, T, num_labels]."""
  config: XLMRConfig
  num_labels: int

  @nn.compact
  def __call__(self, hidden, *, deterministic: bool = True):
    c = self.config
    x = nn.Dropout(c.hidden_dropout_prob)(hidden, deterministic=deterministic)
    return _dense(c, c.hidden_size, self.num_labels, ('embed', 'classes'), 'classifier')(x)


class MLMHead(nn.Module):
  """Hugging Face's XLMRobertaLMHead; the decoder matrix is the word embeddings (`attend`)."""
  config: XLMRConfig

  @nn.compact
  def __call__(self, hidden, attend, *, deterministic: bool = True):
    del deterministic
    c = self.config
    x = nn.Dense(c.hidden_size, dtype=c.dtype, param_dtype=c.param_dtype,
                 kernel_init=normal_init(c, ('embed', 'mlp')), bias_init=zeros(('mlp',)),
                 name='dense')(hidden)
    x = nn.gelu(x, approximate=False)
    x = layer_norm(c, 'layer_norm')(x)
    bias = self.param('bias', zeros(('vocab',)), (c.vocab_size,), c.param_dtype)
    return attend(x) + jnp.asarray(bias, c.dtype)


class RankingHead(nn.Module):
  """The dual encoder's learned logit scale (XTREME-R's `logit_scale`, a torch Parameter set to
  100.0): in-batch logits are scale × cosine similarity. The embeddings need no parameters."""
  config: XLMRConfig
  init_scale: float = 100.0

  @nn.compact
  def __call__(self):
    init = nn.with_logical_partitioning(nn.initializers.constant(self.init_scale), ())
    return self.param('logit_scale', init, (), self.config.param_dtype)


def l2_normalize(x: jax.Array, eps: float = 1e-12) -> jax.Array:
  """Rows scaled to unit L2 norm in float32, as torch's F.normalize(x, p=2, dim=1)."""
  x = x.astype(jnp.float32)
  return x / jnp.maximum(jnp.linalg.norm(x, axis=-1, keepdims=True), eps)


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
  if format == 'ranking':
    return RankingHead(config)
  raise ValueError(f'unknown head format {format!r}; expected one of {FORMATS}')


def predict(format: str, outputs: dict) -> dict:
  """Each format's prediction from the model outputs (host post-processing happens in eval/)."""
  if format in ('classification', 'multiple_choice', 'tagging', 'mlm'):
    return {'prediction': jnp.argmax(outputs['logits'], axis=-1)}
  if format == 'span_qa':
    return {'start_logits': outputs['start_logits'], 'end_logits': outputs['end_logits']}
  if format in ('retrieval', 'ranking'):
    return {'embedding': outputs['embedding']}
  raise ValueError(f'unknown format {format!r}')
