"""The model: one XLM-R encoder and a named head per task.

Parameters are `{'encoder': ..., 'heads': {name: ...}}`; only `params['encoder']` carries from the
intermediate phase to the target phase (a fresh head is initialised for the target task). The
encoder includes HF's pooler (`encoder/pooler/dense`), which the classification and multiple-choice
heads read as jiant's do, so it carries with the encoder. The ranking head (XTREME-R's dual
encoder) reads it too, for queries and candidates alike: one encoder, shared weights.
"""

import dataclasses
import functools
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from xstilts_jax.models import heads as heads_lib
from xstilts_jax.models.config import XLMRConfig
from xstilts_jax.models.xlmr import XLMREncoder


@dataclasses.dataclass(frozen=True)
class HeadSpec:
  name: str
  format: str          # one of heads.FORMATS
  num_labels: int = 0  # classification / tagging only
  pool_layer: int = -1  # retrieval only: index into hidden_states (0 = embeddings)

  def __post_init__(self):
    if self.format not in heads_lib.FORMATS:
      raise ValueError(f'head {self.name!r}: unknown format {self.format!r}, '
                       f'expected one of {heads_lib.FORMATS}')
    if self.format in ('classification', 'tagging') and self.num_labels < 1:
      raise ValueError(f'head {self.name!r} ({self.format}) needs num_labels >= 1, '
                       f'got {self.num_labels}')


class Heads(nn.Module):
  """Container so that head parameters live under params['heads'][name]."""
  config: XLMRConfig
  specs: tuple[HeadSpec, ...]

  def setup(self):
    for spec in self.specs:
      head = heads_lib.make_head(self.config, spec.format, spec.num_labels)
      if head is not None:
        setattr(self, spec.name, head)  # the attribute name is the parameter name

  def __call__(self, name: str, *args, **kwargs):
    return getattr(self, name)(*args, **kwargs)


class Model(nn.Module):
  """`Model(config, heads)`; `apply({'params': p}, batch, head, deterministic=..)` → outputs.

  batch: `input_ids`, `attention_mask` int [B,T] ([B,C,T] for multiple choice).
  Outputs by format: classification / tagging / mlm `{'logits'}` ([B,K], [B,T,K], [B,T,V]);
  multiple_choice `{'logits'}` [B,C]; span_qa `{'start_logits', 'end_logits'}` [B,T];
  retrieval `{'embedding'}` [B,H] float32; ranking `{'embedding'}` [B,H] (the L2-normalised
  pooled output of `input_ids`, float32) and `'logit_scale'` [], plus `'candidate_embedding'`
  [B,H] of `candidate_input_ids` / `candidate_attention_mask` when the batch has them (a
  training batch of query-candidate pairs; [B,Tq] and [B,Tc] may differ). head=None returns
  the encoder's outputs (`last_hidden_state`, `pooler_output`, and every hidden state:
  `hidden_states`, index 0 = embeddings).
  """
  config: XLMRConfig
  heads: tuple[HeadSpec, ...] = ()

  def setup(self):
    names = [s.name for s in self.heads]
    if len(set(names)) != len(names):
      raise ValueError(f'duplicate head names in {names}')
    self.encoder = XLMREncoder(self.config)
    self.head_modules = Heads(self.config, tuple(self.heads), name='heads')

  def spec(self, name: str) -> HeadSpec:
    for s in self.heads:
      if s.name == name:
        return s
    raise KeyError(f'no head named {name!r}; the model has {[s.name for s in self.heads]}')

  def __call__(self, batch: dict, head: str | None = None, *,
               deterministic: bool = True) -> dict[str, Any]:
    ids, mask = batch['input_ids'], batch['attention_mask']
    if head is None:
      return self.encoder(ids, mask, deterministic=deterministic, output_hidden_states=True)
    spec = self.spec(head)
    if spec.format == 'ranking' and 'candidate_input_ids' in batch:
      # The same encoder (the same parameters) encodes the candidates: XTREME-R's dual encoder.
      c_ids, c_mask = batch['candidate_input_ids'], batch['candidate_attention_mask']
      if c_ids.shape[1:] == ids.shape[1:]:  # one pass over [queries; candidates]: half the program
        out = self._head_outputs(spec, jnp.concatenate([ids, c_ids]),
                                 jnp.concatenate([mask, c_mask]), deterministic)
        q, c = jnp.split(out['embedding'], 2)
        return dict(out, embedding=q, candidate_embedding=c)
      out = self._head_outputs(spec, ids, mask, deterministic)
      cand = self._head_outputs(spec, c_ids, c_mask, deterministic)
      return dict(out, candidate_embedding=cand['embedding'])
    if spec.format != 'multiple_choice':
      return self._head_outputs(spec, ids, mask, deterministic)
    # Every choice is its own sequence: [B,C,T] → [B*C,T] → a score each → [B,C].
    b, c, t = ids.shape
    out = self._head_outputs(spec, ids.reshape(b * c, t), mask.reshape(b * c, t), deterministic)
    return {'logits': out['logits'].reshape(b, c)}

  def _head_outputs(self, spec, ids, mask, deterministic):
    retrieval = spec.format == 'retrieval'
    enc = self.encoder(ids, mask, deterministic=deterministic, output_hidden_states=retrieval)
    if retrieval:
      return {'embedding': heads_lib.mean_pool(enc['hidden_states'][spec.pool_layer], mask)}
    if spec.format == 'ranking':  # XTREME-R: normalize(pooled output), cosine similarities
      return {'embedding': heads_lib.l2_normalize(enc['pooler_output']),
              'logit_scale': self.head_modules(spec.name)}
    hidden = enc['last_hidden_state']
    if spec.format == 'mlm':
      return {'logits': self.head_modules(spec.name, hidden, self.encoder.attend,
                                          deterministic=deterministic)}
    if spec.format in ('classification', 'multiple_choice'):
      hidden = enc['pooler_output']  # jiant's heads read `pooled`, HF's pooler output
    out = self.head_modules(spec.name, hidden, deterministic=deterministic)
    if spec.format == 'span_qa':
      return {'start_logits': out[0], 'end_logits': out[1]}
    return {'logits': out}

  def all_heads(self, input_ids, attention_mask):
    """Every head's outputs on one [B,T] batch (multiple choice: a score per row [B]).

    `init_params` uses it to create every parameter at once."""
    return {s.name: self._head_outputs(s, input_ids, attention_mask, True) for s in self.heads}

  @nn.nowrap
  def init_params(self, rng: jax.Array, *, seq_len: int = 8, boxed: bool = False):
    """Fresh parameters for the encoder and every head.

    boxed=True keeps the `nn.LogicallyPartitioned` leaves: `nn.get_partition_spec` of
    `jax.eval_shape(lambda: model.init_params(rng, boxed=True))` gives the logical axes.
    """
    ids = jnp.full((1, seq_len), self.config.bos_token_id, jnp.int32)
    init = jax.jit(functools.partial(self.init, method=Model.all_heads))
    variables = init(rng, ids, jnp.ones_like(ids))
    return variables['params'] if boxed else nn.unbox(variables['params'])
